package dev.bulwark.classify.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final double EPS = 1e-12;

  /** The worked example: 11 of the 12 positive-negative pairs are ordered correctly. */
  private static final Metrics EXAMPLE =
      Metrics.of(new double[] {0.9, 0.8, 0.4}, new double[] {0.7, 0.3, 0.2, 0.1});

  @Test
  void auroc_handExample_isElevenTwelfths() {
    assertThat(EXAMPLE.auroc()).hasValueCloseTo(11.0 / 12, within(EPS));
  }

  @Test
  void auroc_tiedPositiveAndNegative_countsHalf() {
    // Pairs: (0.8, 0.8) 1/2, (0.8, 0.2) 1, (0.5, 0.8) 0, (0.5, 0.2) 1 -> 2.5 / 4.
    Metrics m = Metrics.of(new double[] {0.8, 0.5}, new double[] {0.8, 0.2});

    assertThat(m.auroc()).hasValueCloseTo(0.625, within(EPS));
  }

  @Test
  void auroc_allScoresEqual_isOneHalf() {
    Metrics m = Metrics.of(new double[] {0.3, 0.3, 0.3}, new double[] {0.3, 0.3});

    assertThat(m.auroc()).hasValueCloseTo(0.5, within(EPS));
  }

  @Test
  void auroc_perfectClassifier_isOne() {
    Metrics m = Metrics.of(new double[] {0.9, 0.6}, new double[] {0.5, 0.1, 0.0});

    assertThat(m.auroc()).hasValueCloseTo(1.0, within(EPS));
    assertThat(m.averagePrecision()).hasValueCloseTo(1.0, within(EPS));
  }

  @Test
  void auroc_invertedClassifier_isZero() {
    Metrics m = Metrics.of(new double[] {0.1, 0.0}, new double[] {0.9, 0.6, 0.5});

    assertThat(m.auroc()).hasValueCloseTo(0.0, within(EPS));
  }

  @Test
  void metrics_noPositives_areEmptyWithoutThrowing() {
    Metrics m = Metrics.of(new double[0], new double[] {0.2, 0.7});

    assertThat(m.auroc()).isEmpty();
    assertThat(m.averagePrecision()).isEmpty();
    assertThat(m.recallAtFpr(0.01)).isEmpty();
    assertThat(m.at(0.5).recall()).isEmpty();
    assertThat(m.at(0.5).f1()).isEmpty();
    assertThat(m.at(0.5).fpr()).hasValueCloseTo(0.5, within(EPS));
  }

  @Test
  void metrics_noNegatives_rankingEmptyAveragePrecisionOne() {
    Metrics m = Metrics.of(new double[] {0.2, 0.7}, new double[0]);

    assertThat(m.auroc()).isEmpty();
    assertThat(m.recallAtFpr(0.01)).isEmpty();
    assertThat(m.at(0.5).fpr()).isEmpty();
    // As in scikit-learn: with no negatives every flagged item is a positive.
    assertThat(m.averagePrecision()).hasValueCloseTo(1.0, within(EPS));
  }

  @Test
  void metrics_noScoresAtAll_areEmpty() {
    Metrics m = Metrics.of(new double[0], new double[0]);

    assertThat(m.auroc()).isEmpty();
    assertThat(m.averagePrecision()).isEmpty();
    assertThat(m.curve()).hasSize(1);
  }

  @Test
  void averagePrecision_handExample_sumsStepAreas() {
    // Thresholds from the top: 0.9 (P 1, R 1/3), 0.8 and 0.6 (negatives, R unchanged),
    // 0.5 (P 2/4, R 2/3), 0.3 (P 3/5, R 1), 0.2: AP = 1/3 * 1 + 1/3 * 1/2 + 1/3 * 3/5 = 0.7.
    Metrics m = Metrics.of(new double[] {0.9, 0.5, 0.3}, new double[] {0.8, 0.6, 0.2});

    assertThat(m.averagePrecision()).hasValueCloseTo(0.7, within(EPS));
  }

  @Test
  void averagePrecision_workedExample_isElevenTwelfths() {
    // 0.9 and 0.8: P 1 for R 2/3; 0.7 a negative; 0.4: P 3/4 for the last 1/3 -> 2/3 + 1/4.
    assertThat(EXAMPLE.averagePrecision()).hasValueCloseTo(11.0 / 12, within(EPS));
  }

  @Test
  void averagePrecision_tiedScores_formOneThresholdStep() {
    // 0.8 holds a positive and a negative: P 1/2 for R 1/2; then 0.5: P 2/3 for R 1 -> 1/4 + 1/3.
    Metrics m = Metrics.of(new double[] {0.8, 0.5}, new double[] {0.8, 0.2});

    assertThat(m.averagePrecision()).hasValueCloseTo(7.0 / 12, within(EPS));
  }

  /**
   * Ten negatives (one allowed at FPR 10%) and positives lying between the negatives: the rule
   * decides whether the positives between the first and the second negative count.
   */
  private static final Metrics BETWEEN =
      Metrics.of(
          new double[] {0.97, 0.7, 0.55, 0.5, 0.3},
          new double[] {0.95, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1});

  @Test
  void recallAtFpr_positivesBetweenNegatives_lowestScoreWithinTargetCounts() {
    RecallAtFpr p = BETWEEN.recallAtFpr(0.1).orElseThrow();

    // Thresholds only at the negatives' scores would stop at 0.95 (recall 1/5); scikit-learn's
    // reading goes down to 0.55, the lowest score that keeps one negative out of ten.
    assertThat(p.threshold()).isEqualTo(0.55);
    assertThat(p.recall()).isCloseTo(0.6, within(EPS));
    assertThat(p.fpr()).isCloseTo(0.1, within(EPS));
  }

  @Test
  void recallAtFpr_positiveTiedWithExcludedNegative_isNotCounted() {
    // The positive at 0.5 ties the top negative; flagging it would flag that negative (FPR 0.1).
    Metrics m =
        Metrics.of(
            new double[] {0.9, 0.5}, new double[] {0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1});

    RecallAtFpr p = m.recallAtFpr(0.05).orElseThrow();

    assertThat(p.threshold()).isEqualTo(0.9);
    assertThat(p.recall()).isEqualTo(0.5);
    assertThat(m.recallAtFpr(0.1).orElseThrow().recall()).isEqualTo(1.0);
  }

  @Test
  void recallAtFpr_fprExactlyAtTarget_isWithin() {
    RecallAtFpr p = BETWEEN.recallAtFpr(0.2).orElseThrow();

    assertThat(p.threshold()).isEqualTo(0.3);
    assertThat(p.recall()).isCloseTo(1.0, within(EPS));
    assertThat(p.fpr()).isCloseTo(0.2, within(EPS));
  }

  @Test
  void recallAtFpr_noNegativeAllowed_stopsAboveTopNegative() {
    RecallAtFpr p = BETWEEN.recallAtFpr(0.05).orElseThrow();

    assertThat(p.threshold()).isEqualTo(0.97);
    assertThat(p.recall()).isCloseTo(0.2, within(EPS));
    assertThat(p.fpr()).isZero();
  }

  @Test
  void recallAtFpr_topScoreIsNegative_flagsNothing() {
    Metrics m = Metrics.of(new double[] {0.5, 0.4}, new double[] {0.9, 0.1});

    RecallAtFpr p = m.recallAtFpr(0.001).orElseThrow();

    assertThat(p.threshold()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(p.recall()).isZero();
  }

  @Test
  void recallAtFpr_targetOne_flagsEverything() {
    RecallAtFpr p = BETWEEN.recallAtFpr(1.0).orElseThrow();

    assertThat(p.threshold()).isEqualTo(0.1);
    assertThat(p.recall()).isEqualTo(1.0);
  }

  @Test
  void recallAtFpr_targetOutsideUnitInterval_throws() {
    assertThatThrownBy(() -> EXAMPLE.recallAtFpr(-0.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EXAMPLE.recallAtFpr(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void at_handExample_countsAndF1() {
    Confusion c = EXAMPLE.at(0.5);

    assertThat(c).isEqualTo(new Confusion(0.5, 2, 1, 3, 1));
    assertThat(c.recall()).hasValueCloseTo(2.0 / 3, within(EPS));
    assertThat(c.fpr()).hasValueCloseTo(0.25, within(EPS));
    assertThat(c.precision()).hasValueCloseTo(2.0 / 3, within(EPS));
    // 2 TP / (2 TP + FP + FN) = 4 / 6.
    assertThat(c.f1()).hasValueCloseTo(2.0 / 3, within(EPS));
  }

  @Test
  void at_thresholdEqualToScore_flagsIt() {
    Confusion c = EXAMPLE.at(0.7);

    assertThat(c.tp()).isEqualTo(2);
    assertThat(c.fp()).isEqualTo(1);
  }

  @Test
  void at_aboveEveryScore_precisionEmptyAndF1Zero() {
    Confusion c = EXAMPLE.at(0.95);

    assertThat(c.flagged()).isZero();
    assertThat(c.precision()).isEmpty();
    assertThat(c.f1()).hasValue(0.0);
    assertThat(c.recall()).hasValue(0.0);
  }

  @Test
  void at_nanThreshold_throws() {
    assertThatThrownBy(() -> EXAMPLE.at(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_nonFiniteScore_throws() {
    assertThatThrownBy(() -> Metrics.of(new double[] {Double.NaN}, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> Metrics.of(new double[0], new double[] {Double.POSITIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void of_callerArrayChangedAfterwards_metricsUnchanged() {
    double[] pos = {0.9, 0.8};
    Metrics m = Metrics.of(pos, new double[] {0.5});
    pos[0] = 0.1;

    assertThat(m.auroc()).hasValueCloseTo(1.0, within(EPS));
  }

  @Test
  void curve_workedExample_fromNothingToEverythingFlagged() {
    List<Confusion> curve = EXAMPLE.curve();

    assertThat(curve).hasSize(8);
    assertThat(curve.get(0).flagged()).isZero();
    assertThat(curve.get(0).threshold()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(curve.get(7)).isEqualTo(new Confusion(0.1, 3, 4, 0, 0));
    assertThat(curve).extracting(Confusion::threshold).isSortedAccordingTo((a, b) -> Double.compare(b, a));
  }

  @Test
  void confusion_negativeCount_throws() {
    assertThatThrownBy(() -> new Confusion(0.5, -1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
