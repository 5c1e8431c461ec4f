package dev.bulwark.response.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The recalibrated threshold's margin below the deployed model's benign false positives. */
class ClassifierPatcherThresholdTest {
  private static final double OLD = 0.5;

  /** 100 benign prompts; the old scores flag items 0-9 at the old threshold. */
  private static double[] before() {
    double[] s = new double[100];
    Arrays.fill(s, 0.1);
    Arrays.fill(s, 0, 10, 0.9);
    return s;
  }

  /** The new scores keep 0-7 high (0.8), drop 8-9 (0.3) and newly rate 10-11 at 0.6. */
  private static double[] after() {
    double[] s = new double[100];
    Arrays.fill(s, 0.1);
    Arrays.fill(s, 0, 8, 0.8);
    s[8] = 0.3;
    s[9] = 0.3;
    s[10] = 0.6;
    s[11] = 0.6;
    return s;
  }

  @Test
  void thresholdWithMargin_zeroMargin_lowestThresholdWithNoMoreFlags() {
    // At 0.6: two new (10, 11), two dropped (8, 9): no rise, the lowest such threshold.
    assertThat(ClassifierPatcher.thresholdWithMargin(before(), OLD, after(), 0)).isEqualTo(0.6);
  }

  @Test
  void thresholdWithMargin_margin_raisesTheThresholdUntilFewerAreFlagged() {
    // At 0.6, b = 2 and c = 2: 0 + 2 > 0. At 0.8, b = 0 and c = 2: -2 + 1.41 <= 0.
    assertThat(ClassifierPatcher.thresholdWithMargin(before(), OLD, after(), 1.0)).isEqualTo(0.8);
  }

  @Test
  void thresholdWithMargin_marginOutOfReach_fallsBackToNoRise() {
    // With margin 5 nothing below "flag nothing" (c = 10: -10 + 15.8 > 0) meets it: the lowest threshold
    // with no rise is used rather than one that flags nothing.
    assertThat(ClassifierPatcher.thresholdWithMargin(before(), OLD, after(), 5.0)).isEqualTo(0.6);
  }

  @Test
  void thresholdWithMargin_sameScores_keepsTheSameFlags() {
    double[] s = before();
    double t = ClassifierPatcher.thresholdWithMargin(s, OLD, s.clone(), 1.0);
    assertThat(t).isGreaterThan(0.1).isLessThanOrEqualTo(0.9);
  }

  @Test
  void thresholdWithMargin_differentLengths_throws() {
    assertThatThrownBy(() -> ClassifierPatcher.thresholdWithMargin(new double[3], OLD, new double[4], 1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 and 4");
  }

  @Test
  void settings_marginOutOfRange_refused() {
    assertThatThrownBy(() -> ClassifierPatcher.Settings.defaults().withFprMargin(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ClassifierPatcher.Settings.defaults().fprMargin()).isEqualTo(1.0);
  }
}
