package dev.bulwark.classify.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bulwark.classify.Probabilities;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StackedFitTest {
  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  @Test
  void fit_stage2CarriesTheSignal_weighsStage2AboveStage1() {
    Random r = new Random(7);
    int n = 4000;
    double[] s1 = new double[n];
    double[] s2 = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextBoolean();
      double sign = y[i] ? 1 : -1;
      s1[i] = sigmoid(0.3 * sign + r.nextGaussian() * 2); // weak
      s2[i] = sigmoid(2.5 * sign + r.nextGaussian()); // strong
    }

    Combine c = StackedFit.fit(s1, s2, y).orElseThrow();

    assertThat(c.kind()).isEqualTo(Combine.Kind.STACKED);
    assertThat(c.w2()).isGreaterThan(3 * c.w1());
    // A confident stage 2 lifts a text stage 1 scored low, which the mean cannot do.
    double stacked = c.apply(Probabilities.of(0.05, 0, 0, 0, 0, 0), Probabilities.of(0.99, 0, 0, 0, 0, 0)).max();
    double mean = Combine.MEAN.apply(Probabilities.of(0.05, 0, 0, 0, 0, 0), Probabilities.of(0.99, 0, 0, 0, 0, 0)).max();
    assertThat(stacked).isGreaterThan(0.9);
    assertThat(mean).isLessThan(0.55);
  }

  @Test
  void fit_stage1AntiCorrelated_clampsItsWeightToZero() {
    Random r = new Random(3);
    int n = 2000;
    double[] s1 = new double[n];
    double[] s2 = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextBoolean();
      double sign = y[i] ? 1 : -1;
      s1[i] = sigmoid(-1.0 * sign + r.nextGaussian());
      s2[i] = sigmoid(2.0 * sign + r.nextGaussian());
    }

    Combine c = StackedFit.fit(s1, s2, y).orElseThrow();

    assertThat(c.w1()).isZero();
    assertThat(c.w2()).isPositive();
  }

  @Test
  void fit_oneClassOrTooFew_isEmpty() {
    assertThat(StackedFit.fit(new double[20], new double[20], new boolean[20])).isEmpty();
    assertThat(StackedFit.fit(new double[] {0.1, 0.9}, new double[] {0.2, 0.8}, new boolean[] {false, true})).isEmpty();
    assertThatThrownBy(() -> StackedFit.fit(new double[3], new double[2], new boolean[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stacked_extremeProbabilities_stayFiniteAndMonotone() {
    Combine c = Combine.stacked(1.0, 2.0, -0.5);

    double low = c.combine(0.0, 0.5);
    double high = c.combine(1.0, 0.5);

    assertThat(low).isBetween(0.0, 1.0);
    assertThat(high).isGreaterThan(low);
    assertThat(c.combine(0.5, 0.5)).isCloseTo(sigmoid(-0.5), within(1e-12));
    assertThatThrownBy(() -> Combine.stacked(-1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Combine.stacked(1, Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
