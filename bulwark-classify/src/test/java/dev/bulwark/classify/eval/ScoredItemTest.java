package dev.bulwark.classify.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.classify.Probabilities;
import org.junit.jupiter.api.Test;

class ScoredItemTest {

  @Test
  void new_blankCategory_readsAsAbsent() {
    assertThat(EvalItems.negative("n1", "  ", 0.1).category()).isNull();
    assertThat(EvalItems.negative("n1", "", 0.1).category()).isNull();
    assertThat(EvalItems.negative("n1", "bio", 0.1).category()).isEqualTo("bio");
  }

  @Test
  void new_scoreOutsideUnitInterval_throwsNamingItem() {
    assertThatThrownBy(() -> withScore(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n7");
    assertThatThrownBy(() -> withScore(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n7");
  }

  private static ScoredItem withScore(double score) {
    return new ScoredItem("n7", "t", false, "benign", null, score, Probabilities.zero(), "stage1", "raw", false, 0, null);
  }

  @Test
  void new_blankId_throws() {
    assertThatThrownBy(() -> EvalItems.negative(" ", null, 0.1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void new_negativeLatency_throws() {
    assertThatThrownBy(
            () ->
                new ScoredItem("a", "t", false, "benign", null, 0.1, Probabilities.zero(), "stage1", "raw", false, -1, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void streaming_fireAfterEnd_throws() {
    assertThatThrownBy(() -> new ScoredItem.Streaming(11, 10, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ScoredItem.Streaming(null, -1, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void streaming_neverFired_isNotFired() {
    assertThat(new ScoredItem.Streaming(null, 10, 5).fired()).isFalse();
    assertThat(new ScoredItem.Streaming(3, 10, 5).fired()).isTrue();
  }
}
