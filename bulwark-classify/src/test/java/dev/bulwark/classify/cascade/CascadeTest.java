package dev.bulwark.classify.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CascadeTest {
  private final Cascade cascade = ToyModels.cascade();

  @Test
  void classifyPrompt_positiveText_scoresAboveBenign() {
    SplittableRandom r = new SplittableRandom(5);
    double zebra = cascade.classifyPrompt(ToyModels.sentence(r, true, false)).probabilities().get(Category.HARMFUL_OTHER);
    double benign = cascade.classifyPrompt(ToyModels.sentence(r, false, false)).probabilities().get(Category.HARMFUL_OTHER);
    assertThat(zebra).isGreaterThan(0.5);
    assertThat(benign).isLessThan(0.5);
  }

  @Test
  void classifyPrompt_base64EncodedPositive_firesOnDecodedView() {
    String text = "bread flour oven garden zebra stripes zebra with the river and music.";
    String encoded = Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Classification c = cascade.classifyPrompt("please read this: " + encoded);
    assertThat(c.view()).startsWith("base64");
    assertThat(c.probabilities().get(Category.HARMFUL_OTHER)).isGreaterThan(0.5);
  }

  @Test
  void classifyPrompt_positiveSentenceInLongBenignText_windowsKeepItVisible() {
    SplittableRandom r = new SplittableRandom(9);
    StringBuilder b = new StringBuilder();
    while (b.length() < 6000) {
      b.append(ToyModels.sentence(r, false, false)).append(' ');
    }
    String benign = b.toString();
    String mixed = benign.substring(0, 3000) + " zebra stripes zebra zebra. " + benign.substring(3000);
    double windowed = cascade.classifyPrompt(mixed).probabilities().get(Category.HARMFUL_OTHER);
    double whole = ToyModels.prompt().score("", mixed).get(Category.HARMFUL_OTHER);
    double benignOnly = cascade.classifyPrompt(benign).probabilities().get(Category.HARMFUL_OTHER);
    // Scored whole, the passage drowns in 6,000 characters; in windows it counts against one window.
    assertThat(windowed).isGreaterThan(whole).isGreaterThan(benignOnly);
    assertThat(windowed - benignOnly).isGreaterThan(2 * (whole - benignOnly));
  }

  @Test
  void classify_withoutStage2_neverEscalates() {
    Classification c = cascade.withBand(new Band(0.0, 1.0)).classifyPrompt("zebra stripes zebra bread");
    assertThat(c.escalated()).isFalse();
    assertThat(c.decidedBy()).isEqualTo("stage1");
  }

  @Test
  void band_escalates_onlyInsideHalfOpenInterval() {
    Band b = new Band(0.2, 0.8);
    assertThat(b.escalates(0.19)).isFalse();
    assertThat(b.escalates(0.2)).isTrue();
    assertThat(b.escalates(0.79)).isTrue();
    assertThat(b.escalates(0.8)).isFalse();
    assertThat(Band.NONE.escalates(0.5)).isFalse();
    assertThatThrownBy(() -> new Band(0.9, 0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Band(-0.1, 0.5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void combine_meanAndStage2_computedPerCategory() {
    Probabilities a = Probabilities.of(0.2, 0.4, 0, 0, 1, 0);
    Probabilities b = Probabilities.of(0.6, 0.0, 0, 0, 0, 1);
    assertThat(Combine.MEAN.apply(a, b)).isEqualTo(Probabilities.of(0.4, 0.2, 0, 0, 0.5, 0.5));
    assertThat(Combine.STAGE2.apply(a, b)).isEqualTo(b);
  }

  @Test
  void textWindows_countAndBounds_coverTheText() {
    TextWindows w = new TextWindows(16);
    assertThat(w.count(0)).isEqualTo(1);
    assertThat(w.count(16)).isEqualTo(1);
    assertThat(w.count(17)).isEqualTo(2);
    assertThat(w.count(24)).isEqualTo(2);
    assertThat(w.count(25)).isEqualTo(3);
    for (int len = 0; len < 200; len++) {
      int n = w.count(len);
      assertThat(w.end(n - 1, len)).isEqualTo(len);
      if (n > 1) {
        assertThat(w.end(n - 2, len)).isLessThan(len);
      }
    }
  }
}
