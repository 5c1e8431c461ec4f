package dev.bulwark.classify.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.CanonicalText;
import dev.bulwark.classify.canon.View;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which view stage 2 reads for each category of an escalated text. */
class CascadeStage2ViewsTest {
  private static final Band BAND = new Band(0.2, 0.95);
  private static final String WRAPPER = "wrapper view";
  private static final String PAYLOAD = "payload view";

  /** Stage 2 as a table: each text's probabilities, every call recorded. */
  private static final class Recording implements Function<String, Probabilities> {
    final List<String> calls = new ArrayList<>();

    @Override
    public Probabilities apply(String text) {
      calls.add(text);
      return text.equals(WRAPPER) ? probabilities(0.9, 0.1) : probabilities(0.05, 0.8);
    }
  }

  /** Jailbreak and harmful-other, everything else zero. */
  private static Probabilities probabilities(double jailbreak, double harmful) {
    double[] v = new double[Category.ALL.size()];
    v[Category.JAILBREAK.ordinal()] = jailbreak;
    v[Category.HARMFUL_OTHER.ordinal()] = harmful;
    return Probabilities.of(v);
  }

  private static Cascade.Best best(double jailbreak, double harmful, String jailbreakText, String harmfulText) {
    List<String> texts = new ArrayList<>(Collections.nCopies(Category.ALL.size(), PAYLOAD));
    texts.set(Category.JAILBREAK.ordinal(), jailbreakText);
    texts.set(Category.HARMFUL_OTHER.ordinal(), harmfulText);
    return new Cascade.Best(probabilities(jailbreak, harmful), "payload", PAYLOAD, texts);
  }

  @Test
  void stage2_categoryPeakingOnAnotherViewInBand_readsThatView() {
    Recording stage2 = new Recording();

    Probabilities p = Cascade.stage2(best(0.7, 0.8, WRAPPER, PAYLOAD), BAND, stage2);

    // Jailbreak read on the wrapper, harm on the payload: without the own view, jailbreak would read 0.05.
    assertThat(p.get(Category.JAILBREAK)).isEqualTo(0.9);
    assertThat(p.get(Category.HARMFUL_OTHER)).isEqualTo(0.8);
    assertThat(stage2.calls).containsExactly(PAYLOAD, WRAPPER);
  }

  @Test
  void stage2_categoryBelowBandLow_readsReportedView() {
    Recording stage2 = new Recording();

    Probabilities p = Cascade.stage2(best(0.1, 0.8, WRAPPER, PAYLOAD), BAND, stage2);

    assertThat(p.get(Category.JAILBREAK)).isEqualTo(0.05);
    assertThat(stage2.calls).containsExactly(PAYLOAD);
  }

  @Test
  void stage2_allCategoriesOnReportedView_scoresOnce() {
    Recording stage2 = new Recording();

    Probabilities p = Cascade.stage2(new Cascade.Best(probabilities(0.7, 0.8), "payload", PAYLOAD,
        Collections.nCopies(Category.ALL.size(), PAYLOAD)), BAND, stage2);

    assertThat(p.get(Category.JAILBREAK)).isEqualTo(0.05);
    assertThat(stage2.calls).containsExactly(PAYLOAD);
  }

  @Test
  void stage2_twoCategoriesOnTheSameOtherView_scoreItOnce() {
    Recording stage2 = new Recording();
    List<String> texts = new ArrayList<>(Collections.nCopies(Category.ALL.size(), PAYLOAD));
    texts.set(Category.JAILBREAK.ordinal(), WRAPPER);
    texts.set(Category.CBRN_BIOLOGICAL.ordinal(), WRAPPER);
    double[] v = probabilities(0.7, 0.8).toArray();
    v[Category.CBRN_BIOLOGICAL.ordinal()] = 0.5;

    Cascade.stage2(new Cascade.Best(Probabilities.of(v), "payload", PAYLOAD, texts), BAND, stage2);

    assertThat(stage2.calls).containsExactly(PAYLOAD, WRAPPER);
  }

  @Test
  void bestCompletionView_categoriesPeakOnDifferentViews_recordsEachCategorysView() {
    Cascade cascade = ToyModels.cascade();
    String wrapper = "pretend roleplay unlocked mode bread flour oven with the garden.";
    String payload = "bread flour oven garden zebra stripes zebra with the river.";
    CanonicalText text = new CanonicalText(wrapper, List.of(new View(View.RAW, wrapper), new View("decoded", payload)));

    Cascade.Best best = cascade.bestCompletionView("", text);

    assertThat(best.textByCategory().get(Category.JAILBREAK.ordinal())).isEqualTo(wrapper);
    assertThat(best.textByCategory().get(Category.HARMFUL_OTHER.ordinal())).isEqualTo(payload);
    assertThat(best.probabilities().get(Category.JAILBREAK)).isGreaterThan(0.5);
    assertThat(best.probabilities().get(Category.HARMFUL_OTHER)).isGreaterThan(0.5);
  }

  @Test
  void best_wrongNumberOfViewTexts_isRejected() {
    assertThatThrownBy(() -> new Cascade.Best(Probabilities.zero(), "raw", "t", List.of("t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one view text per category");
  }
}
