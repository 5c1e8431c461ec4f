package dev.bulwark.classify.exemplar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ModelIntegrityException;
import dev.bulwark.classify.stage.ExemplarStage;
import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExemplarIndexTest {
  /** A unit vector along axis {@code i}, tilted towards axis {@code j} by {@code t}. */
  static float[] axis(int i, int j, double t) {
    float[] v = new float[Encoder.DIMENSIONS];
    v[i] = (float) Math.cos(t);
    v[j] += (float) Math.sin(t);
    return v;
  }

  static ExemplarIndex twoFamilies() {
    return ExemplarIndex.builder("v1", "enc")
        .add("a1", "alpha", axis(0, 1, 0))
        .add("a2", "alpha", axis(0, 1, 0.2))
        .add("b1", "beta", axis(5, 6, 0))
        .threshold("alpha", 0.9)
        .threshold("beta", 0.99)
        .build();
  }

  @Test
  void match_closeToFamily_matchesWithMargin() {
    ExemplarIndex idx = twoFamilies();
    ExemplarIndex.Match m = idx.match(List.of(axis(0, 1, 0.1))).orElseThrow();
    assertThat(m.family()).isEqualTo("alpha");
    assertThat(m.similarity()).isGreaterThan(0.99);
    assertThat(idx.match(List.of(axis(5, 6, 0.3)))).isEmpty();
    assertThat(idx.closest(List.of(axis(5, 6, 0.3))).get(0).family()).isEqualTo("beta");
  }

  @Test
  void match_emptyQueriesOrIndex_matchesNothing() {
    assertThat(twoFamilies().match(List.of())).isEmpty();
    assertThat(ExemplarIndex.empty("v0", "enc").match(List.of(axis(0, 1, 0)))).isEmpty();
  }

  @Test
  void nearest_returnsMostSimilarFirst() {
    List<ExemplarIndex.Neighbour> n = twoFamilies().nearest(axis(0, 1, 0.19), 2);
    assertThat(n).extracting(ExemplarIndex.Neighbour::id).containsExactly("a2", "a1");
    assertThatThrownBy(() -> twoFamilies().nearest(new float[3], 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void build_familyWithoutThreshold_refused() {
    assertThatThrownBy(() -> ExemplarIndex.builder("v", "enc").add("x", "f", axis(0, 1, 0)).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no threshold");
    assertThatThrownBy(() -> ExemplarIndex.builder("v", "enc").threshold("f", 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toBuilder_removeFamily_keepsOthers() {
    ExemplarIndex next = twoFamilies().toBuilder("v2").removeFamily("alpha").build();
    assertThat(next.families()).isEqualTo(Set.of("beta"));
    assertThat(next.size()).isEqualTo(1);
    assertThat(twoFamilies().size()).isEqualTo(3);
  }

  @Test
  void archive_roundTrip_sameMatches() {
    ExemplarIndex idx = twoFamilies();
    byte[] bytes = idx.toArchive(JsonNodeFactory.instance.objectNode().put("why", "test")).toBytes();
    ExemplarIndex back = ExemplarIndex.read(ModelArchive.read(bytes, null));
    assertThat(back.version()).isEqualTo("v1");
    assertThat(back.entries()).isEqualTo(idx.entries());
    assertThat(back.threshold("beta")).contains(0.99);
    assertThat(back.match(List.of(axis(0, 1, 0.1))).orElseThrow().id()).isEqualTo(idx.match(List.of(axis(0, 1, 0.1))).orElseThrow().id());
  }

  @Test
  void archive_flippedByte_refused() {
    byte[] bytes = twoFamilies().toArchive(JsonNodeFactory.instance.objectNode()).toBytes();
    bytes[bytes.length / 2] ^= 1;
    assertThatThrownBy(() -> ExemplarIndex.read(ModelArchive.read(bytes, null))).isInstanceOf(ModelIntegrityException.class);
  }

  @Test
  void live_swapOtherEncoder_refused() {
    LiveExemplarIndex live = new LiveExemplarIndex(twoFamilies());
    ExemplarIndex other = ExemplarIndex.builder("v9", "other").add("x", "f", axis(0, 1, 0)).threshold("f", 0.5).build();
    assertThatThrownBy(() -> live.swap(other)).isInstanceOf(IllegalArgumentException.class);
    ExemplarIndex next = twoFamilies().toBuilder("v2").build();
    assertThat(live.swap(next).version()).isEqualTo("v1");
    assertThat(live.current().version()).isEqualTo("v2");
  }

  @Test
  void stage_matchingPrompt_blocksAndMonitorOnlyFlags() {
    Embedder fake = new Embedder() {
      @Override public String encoderId() { return "enc"; }
      @Override public List<float[]> embed(String text) {
        return text.contains("alpha") ? List.of(axis(0, 1, 0.05)) : List.of(axis(9, 10, 0));
      }
    };
    ExemplarStage stage = new ExemplarStage("exemplars", twoFamilies(), fake);
    assertThat(stage.assess(Conversation.ofUser("m", "an alpha attack")).action()).isEqualTo(Action.BLOCK);
    assertThat(stage.assess(Conversation.ofUser("m", "an alpha attack")).reason()).contains("family alpha").doesNotContain("attack");
    assertThat(stage.assess(Conversation.ofUser("m", "hello")).action()).isEqualTo(Action.ALLOW);
    StagePolicy monitor = new StagePolicy(StageMode.ENFORCE, FailureMode.CLOSED, Duration.ofSeconds(2), Map.of(), Set.of("jailbreak"));
    assertThat(stage.assess(Conversation.ofUser("m", "alpha"), monitor).action()).isEqualTo(Action.FLAG);
    assertThatThrownBy(() -> new ExemplarStage("x", ExemplarIndex.builder("v", "other").add("x", "f", axis(0, 1, 0))
        .threshold("f", 0.5).build(), fake)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Map.of("v", stage.version())).containsEntry("v", "v1");
  }
}
