package dev.bulwark.response.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bulwark.classify.stage.DetectorStage;
import org.junit.jupiter.api.Test;

/** Where a classifier patch's detector sets its threshold on the benign calibration prompts. */
class ClassifierPatcherDetectorThresholdTest {
  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void detectorThreshold_promptsTheReferenceFlagsOrTheDetectorBarelyLifts_ignored() {
    // 0: flagged by the reference (0.99 ignored); 1: lifted from 0.6 to 0.7 only (under 1.5 logits);
    // 2: lifted from 0.05 to 0.6 (3.3 logits): the highest that counts.
    boolean[] flags = {true, false, false, false};
    double[] reference = {0.9, 0.6, 0.05, 0.01};
    double[] detector = {0.99, 0.7, 0.6, 0.02};

    double t = ClassifierPatcher.detectorThreshold(flags, reference, detector, 1.5, 1.0);

    assertThat(t).isCloseTo(sigmoid(DetectorStage.logit(0.6) + 1.0), within(1e-12));
    assertThat(DetectorStage.fires(0.6, 0.05, t, 1.5)).isFalse();
    assertThat(DetectorStage.fires(0.99, 0.05, t, 1.5)).isTrue();
    assertThat(DetectorStage.fires(0.99, 0.97, t, 1.5)).as("lifted 1.1 logits only").isFalse();
  }

  @Test
  void detectorThreshold_noBenignPromptLifted_isTheFloor() {
    double t = ClassifierPatcher.detectorThreshold(new boolean[2], new double[] {0.2, 0.3}, new double[] {0.2, 0.3},
        1.5, 1.0);

    assertThat(t).isEqualTo(ClassifierPatcher.MIN_DETECTOR_THRESHOLD);
  }

  @Test
  void detectorThreshold_zeroMargin_justAtTheHighestLiftedScore() {
    double t = ClassifierPatcher.detectorThreshold(new boolean[1], new double[] {0.01}, new double[] {0.8}, 1.5, 0);

    assertThat(t).isCloseTo(0.8, within(1e-12));
  }

  @Test
  void detectorThreshold_differentLengths_throws() {
    assertThatThrownBy(() -> ClassifierPatcher.detectorThreshold(new boolean[3], new double[3], new double[4], 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3, 3 and 4");
  }

  @Test
  void payloadThreshold_onlyPromptsNearHarmful_placedAmongThemAboveTheFloor() {
    // 0: the highest lifted score, but its payload is not near harmful (ignored); 1: near harmful,
    // lifted from 0.05 to 0.7: the highest that counts; 2: near harmful, not lifted.
    boolean[] flags = new boolean[3];
    boolean[] near = {false, true, true};
    double[] reference = {0.01, 0.05, 0.6};
    double[] detector = {0.9, 0.7, 0.65};

    double t = ClassifierPatcher.payloadThreshold(flags, near, reference, detector, 2.0, 1.0, 0.4);

    assertThat(t).isCloseTo(sigmoid(DetectorStage.logit(0.7) + 1.0), within(1e-12));
    assertThat(ClassifierPatcher.payloadThreshold(flags, near, reference, detector, 2.0, 1.0, 0.95))
        .as("never below the floor").isEqualTo(0.95);
    assertThat(ClassifierPatcher.payloadThreshold(flags, new boolean[3], reference, detector, 2.0, 1.0, 0.4))
        .as("no benign prompt near harmful: the floor").isEqualTo(0.4);
    assertThat(ClassifierPatcher.payloadThreshold(new boolean[] {false, true, false}, near, reference, detector, 2.0,
        1.0, 0.4)).as("one the reference flags is not the detector's to add").isEqualTo(0.4);
  }

  @Test
  void payloadThreshold_differentLengths_throws() {
    assertThatThrownBy(() -> ClassifierPatcher.payloadThreshold(new boolean[3], new boolean[2], new double[3],
        new double[3], 1, 1, 0.4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 and 2");
  }

  @Test
  void settings_payloadRuleOutOfRange_refused() {
    assertThatThrownBy(() -> ClassifierPatcher.Settings.defaults().withPayloadRule(1.5, -0.5, 0.4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClassifierPatcher.Settings.defaults().withPayloadRule(1.5, 1.5, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClassifierPatcher.Settings.defaults().withPayloadRule(1.5, 1.5, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClassifierPatcher.Settings.defaults().payloadDiscountLogits()).isEqualTo(1.5);
    assertThat(ClassifierPatcher.Settings.defaults().payloadFloor()).isEqualTo(0.4);
    assertThat(ClassifierPatcher.Settings.defaults().payloadLiftLogits()).isEqualTo(1.5);
    assertThatThrownBy(() -> ClassifierPatcher.Settings.defaults().withPayloadRule(-1, 1.5, 0.4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClassifierPatcher.Settings.defaults().withPayloadRule(1.5, 0, 0.4).payloadDiscountLogits())
        .as("0: no payload rule").isZero();
  }

  @Test
  void settings_detectorOutOfRange_refused() {
    assertThatThrownBy(() -> ClassifierPatcher.Settings.defaults().withDetector(-1, 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClassifierPatcher.Settings.defaults().withDetector(1, Double.NaN, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClassifierPatcher.Settings.defaults().withDetector(1, 2, 1))
        .as("the stricter margin below the first").isInstanceOf(IllegalArgumentException.class);
    assertThat(ClassifierPatcher.Settings.defaults().liftLogits()).isEqualTo(2.0);
    assertThat(ClassifierPatcher.Settings.defaults().marginLogits()).isEqualTo(1.0);
    assertThat(ClassifierPatcher.Settings.defaults().fallbackMarginLogits()).isEqualTo(2.0);
  }
}
