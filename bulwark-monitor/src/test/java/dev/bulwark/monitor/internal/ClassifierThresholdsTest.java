package dev.bulwark.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.cascade.ClassifierBundle;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The classifier node's findings follow the bundle's per-category thresholds, as the gateway does. */
class ClassifierThresholdsTest {
  /** cbrn.biological, cbrn.chemical, cbrn.radiological, cbrn.nuclear, jailbreak, harmful.other. */
  private static Probabilities p(double jailbreak, double other) {
    return Probabilities.of(0.01, 0.01, 0.01, 0.01, jailbreak, other);
  }

  /** A patched bundle: 0.6 for every category, the jailbreak threshold raised to 0.9. */
  private static final ClassifierBundle.Thresholds PATCHED =
      new ClassifierBundle.Thresholds(0.6, Map.of(Category.JAILBREAK, 0.9));

  @Test
  void flagged_categoryUnderItsRaisedThreshold_noFinding() {
    assertThat(ClassifierAnalyzer.flagged(p(0.8, 0.1), -1, PATCHED)).isNull();
  }

  @Test
  void flagged_otherCategoryOverTheOverallThreshold_flagsThatOne() {
    // The jailbreak score is the highest but under its own threshold; harmful.other is over the overall one.
    assertThat(ClassifierAnalyzer.flagged(p(0.8, 0.65), -1, PATCHED)).isEqualTo(Category.HARMFUL_OTHER);
  }

  @Test
  void flagged_configuredThreshold_appliesToEveryCategory() {
    assertThat(ClassifierAnalyzer.flagged(p(0.8, 0.1), 0.7, PATCHED)).isEqualTo(Category.JAILBREAK);
    assertThat(ClassifierAnalyzer.flagged(p(0.5, 0.1), 0.7, PATCHED)).isNull();
  }
}
