package dev.bulwark.classify.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decision rule: the tier's thresholds and monitor-only categories over the bundle's defaults. */
class ClassifierStageTest {
  private static final ClassifierBundle.Thresholds DEFAULTS =
      new ClassifierBundle.Thresholds(0.5, Map.of(Category.JAILBREAK, 0.9));
  private static final Probabilities P = Probabilities.of(0.6, 0.1, 0, 0, 0.7, 0.2);

  private static StagePolicy policy(Map<String, Double> thresholds, Set<String> monitor) {
    return new StagePolicy(StageMode.ENFORCE, FailureMode.CLOSED, Duration.ofSeconds(1), thresholds, monitor);
  }

  @Test
  void decide_scoreAtOrAboveDefaultThreshold_stops() {
    ClassifierStage.Decision d = ClassifierStage.decide(P, DEFAULTS, StagePolicy.DEFAULT, "stage1", "raw");
    assertThat(d.stop()).isTrue();
    assertThat(d.reason()).contains("cbrn.biological 0.600 >= 0.500").doesNotContain("jailbreak");
  }

  @Test
  void decide_tierRaisesThreshold_allows() {
    ClassifierStage.Decision d = ClassifierStage.decide(
        P, DEFAULTS, policy(Map.of("cbrn.biological", 0.65), Set.of()), "stage1", "raw");
    assertThat(d.stop()).isFalse();
    assertThat(d.flag()).isFalse();
    assertThat(d.reason()).isNull();
  }

  @Test
  void decide_tierLowersThreshold_stopsOnThatCategory() {
    ClassifierStage.Decision d = ClassifierStage.decide(
        P, DEFAULTS, policy(Map.of("cbrn.biological", 0.65, "jailbreak", 0.7), Set.of()), "stage2", "base64");
    assertThat(d.stop()).isTrue();
    assertThat(d.reason()).contains("jailbreak 0.700 >= 0.700").contains("by stage2 on view base64");
  }

  @Test
  void decide_monitorOnlyCategory_flagsInsteadOfStopping() {
    ClassifierStage.Decision d = ClassifierStage.decide(
        P, DEFAULTS, policy(Map.of(), Set.of("cbrn.biological")), "stage1", "raw");
    assertThat(d.stop()).isFalse();
    assertThat(d.flag()).isTrue();
    assertThat(d.reason()).contains("(monitor)");
  }

  @Test
  void decide_exactlyAtThreshold_counts() {
    ClassifierStage.Decision d = ClassifierStage.decide(
        Probabilities.of(0.5, 0, 0, 0, 0, 0), DEFAULTS, StagePolicy.DEFAULT, "stage1", "raw");
    assertThat(d.stop()).isTrue();
  }
}
