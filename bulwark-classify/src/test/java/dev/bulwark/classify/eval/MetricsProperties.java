package dev.bulwark.classify.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The fast algorithms against brute force, on small scores drawn from few values to force ties. */
class MetricsProperties {

  @Property(tries = 200)
  void auroc_anyScores_equalsPairCount(
      @ForAll @Size(min = 1, max = 12) int[] positives, @ForAll @Size(min = 1, max = 12) int[] negatives) {
    double[] pos = scores(positives);
    double[] neg = scores(negatives);
    double pairs = 0;
    for (double p : pos) {
      for (double n : neg) {
        pairs += p > n ? 1 : p == n ? 0.5 : 0;
      }
    }

    assertThat(Metrics.of(pos, neg).auroc()).hasValueCloseTo(pairs / (pos.length * neg.length), within(1e-12));
  }

  @Property(tries = 200)
  void auroc_swappedClasses_sumsToOne(
      @ForAll @Size(min = 1, max = 12) int[] positives, @ForAll @Size(min = 1, max = 12) int[] negatives) {
    double a = Metrics.of(scores(positives), scores(negatives)).auroc().orElseThrow();
    double b = Metrics.of(scores(negatives), scores(positives)).auroc().orElseThrow();

    assertThat(a + b).isCloseTo(1.0, within(1e-12));
  }

  @Property(tries = 200)
  void recallAtFpr_anyScores_equalsBestOverAllThresholds(
      @ForAll @Size(min = 1, max = 12) int[] positives,
      @ForAll @Size(min = 1, max = 12) int[] negatives,
      @ForAll @IntRange(min = 0, max = 100) int targetPercent) {
    double[] pos = scores(positives);
    double[] neg = scores(negatives);
    double target = targetPercent / 100.0;
    TreeSet<Double> candidates = new TreeSet<>();
    for (double s : pos) {
      candidates.add(s);
    }
    for (double s : neg) {
      candidates.add(s);
    }
    double best = 0;
    for (double t : candidates) {
      if ((double) count(neg, t) / neg.length <= target) {
        best = Math.max(best, (double) count(pos, t) / pos.length);
      }
    }

    assertThat(Metrics.of(pos, neg).recallAtFpr(target).orElseThrow().recall()).isEqualTo(best);
  }

  @Property(tries = 200)
  void averagePrecision_anyScores_withinUnitIntervalAndOneWhenSeparated(
      @ForAll @Size(min = 1, max = 12) int[] positives, @ForAll @Size(min = 1, max = 12) int[] negatives) {
    double[] pos = scores(positives);
    double[] neg = scores(negatives);
    double ap = Metrics.of(pos, neg).averagePrecision().orElseThrow();

    assertThat(ap).isBetween(0.0, 1.0 + 1e-12);
    double[] lifted = pos.clone();
    for (int i = 0; i < lifted.length; i++) {
      lifted[i] += 10;
    }
    assertThat(Metrics.of(lifted, neg).averagePrecision()).hasValueCloseTo(1.0, within(1e-12));
  }

  private static double[] scores(int[] raw) {
    double[] out = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = Math.floorMod(raw[i], 6) / 5.0;
    }
    return out;
  }

  private static int count(double[] scores, double t) {
    int n = 0;
    for (double s : scores) {
      n += s >= t ? 1 : 0;
    }
    return n;
  }
}
