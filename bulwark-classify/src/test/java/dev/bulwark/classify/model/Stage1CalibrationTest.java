package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Stage1CalibrationTest {
  @Test
  void fit_labelsDrawnFromKnownCurve_recoversIt() {
    Random r = new Random(5);
    int n = 20_000;
    double[] z = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      z[i] = r.nextDouble() * 8 - 4;
      y[i] = r.nextDouble() < PlattScaling.sigmoid(2 * z[i] - 1);
    }
    PlattScaling p = PlattScaling.fit(z, y).orElseThrow();
    assertThat(p.a()).isCloseTo(2.0, within(0.15));
    assertThat(p.b()).isCloseTo(-1.0, within(0.15));
  }

  @Test
  void apply_fittedCalibration_isMonotone() {
    double[] z = {-3, -2, -1.5, -1, -0.2, 0.1, 0.5, 1, 2, 3, 4, 0.3};
    boolean[] y = {false, false, false, true, false, false, true, false, true, true, true, false};
    PlattScaling p = PlattScaling.fit(z, y).orElseThrow();
    assertThat(p.a()).isPositive();
    double previous = -1;
    for (double logit = -50; logit <= 50; logit += 0.25) {
      double q = p.apply(logit);
      assertThat(q).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(previous);
      previous = q;
    }
    assertThat(p.apply(-3)).isLessThan(p.apply(3));
  }

  @Test
  void fit_overconfidentScores_areShrunk() {
    // Logits of +-6 that are right only 3 times in 4: the fit pulls them toward 0.75 and 0.25.
    int n = 400;
    double[] z = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      z[i] = i % 2 == 0 ? 6 : -6;
      y[i] = (i % 2 == 0) == (i % 8 != 0 && i % 8 != 1);
    }
    PlattScaling p = PlattScaling.fit(z, y).orElseThrow();
    assertThat(p.apply(6)).isCloseTo(0.75, within(0.01));
    assertThat(p.apply(-6)).isCloseTo(0.25, within(0.01));
  }

  @Test
  void fit_oneClassOnly_empty() {
    assertThat(PlattScaling.fit(new double[] {1, 2, 3}, new boolean[] {false, false, false})).isEmpty();
    assertThat(PlattScaling.fit(new double[] {1, 2}, new boolean[] {true, true})).isEmpty();
    assertThat(PlattScaling.fit(new double[0], new boolean[0])).isEmpty();
  }

  @Test
  void fit_scoresAgainstLabels_empty() {
    double[] z = {-3, -2, -1, 1, 2, 3};
    boolean[] y = {true, true, true, false, false, false};
    assertThat(PlattScaling.fit(z, y)).isEmpty();
  }

  @Test
  void fit_badInput_throws() {
    assertThatThrownBy(() -> PlattScaling.fit(new double[2], new boolean[3])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PlattScaling.fit(new double[] {Double.NaN, 1}, new boolean[] {true, false}))
        .hasMessageContaining("not finite");
  }

  @Test
  void constructor_nonPositiveOrNonFinite_throws() {
    assertThatThrownBy(() -> new PlattScaling(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PlattScaling(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PlattScaling(Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PlattScaling(1, Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sigmoid_extremes_stayInRangeWithoutNaN() {
    assertThat(PlattScaling.sigmoid(1000)).isEqualTo(1.0);
    assertThat(PlattScaling.sigmoid(-1000)).isEqualTo(0.0);
    assertThat(PlattScaling.sigmoid(0)).isEqualTo(0.5);
    assertThat(PlattScaling.sigmoid(-2)).isCloseTo(1 - PlattScaling.sigmoid(2), within(1e-15));
  }
}
