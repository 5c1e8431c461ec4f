package dev.bulwark.classify.eval;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Ranking and threshold metrics of one set of positive scores against one set of negative scores.
 * Immutable; the scores are sorted once when it is made.
 *
 * <p>The definitions follow scikit-learn, so that numbers can be checked against it:
 *
 * <ul>
 *   <li>{@link #auroc()}: the Mann-Whitney statistic U / (P N): the probability that a random
 *       positive scores above a random negative, a tie counting one half ({@code roc_auc_score}).
 *   <li>{@link #averagePrecision()}: {@code sum_k (R_k - R_(k-1)) P_k} over the distinct scores taken
 *       as thresholds from the highest down, without interpolation ({@code
 *       average_precision_score}).
 *   <li>{@link #recallAtFpr(double)}: the largest recall over the thresholds at the distinct scores
 *       whose FPR is at most the target, i.e. the recall at the lowest score {@code t} such that
 *       the FPR of {@code score >= t} is at most the target: {@code tpr[searchsorted(fpr, target,
 *       side="right") - 1]} on {@code roc_curve}'s output. Positives that score between two
 *       negatives count, so the candidate thresholds are all distinct scores, not only the negatives'.
 * </ul>
 *
 * <p>A metric that needs both classes is empty when one is missing; average precision needs only
 * positives (it is 1 when there are no negatives, as in scikit-learn).
 */
public final class Metrics {
  private final double[] positives;
  private final double[] negatives;
  /** All distinct scores, highest first: the candidate thresholds. */
  private final double[] thresholds;

  private Metrics(double[] positives, double[] negatives) {
    this.positives = positives;
    this.negatives = negatives;
    double[] all = new double[positives.length + negatives.length];
    System.arraycopy(positives, 0, all, 0, positives.length);
    System.arraycopy(negatives, 0, all, positives.length, negatives.length);
    Arrays.sort(all);
    double[] distinct = new double[all.length];
    int n = 0;
    for (int i = all.length - 1; i >= 0; i--) {
      if (n == 0 || all[i] != distinct[n - 1]) {
        distinct[n++] = all[i];
      }
    }
    this.thresholds = Arrays.copyOf(distinct, n);
  }

  /**
   * Metrics of these scores (copied).
   *
   * @throws IllegalArgumentException on a score that is NaN or infinite
   */
  public static Metrics of(double[] positives, double[] negatives) {
    return new Metrics(sortedCopy(positives, "positive"), sortedCopy(negatives, "negative"));
  }

  /** Metrics of these items' scores, split by {@link ScoredItem#positive()}. */
  public static Metrics of(Collection<ScoredItem> items) {
    double[] pos = items.stream().filter(ScoredItem::positive).mapToDouble(ScoredItem::score).toArray();
    double[] neg = items.stream().filter(i -> !i.positive()).mapToDouble(ScoredItem::score).toArray();
    return of(pos, neg);
  }

  /** Metrics of these positives' and these negatives' scores, whatever the items' own labels. */
  public static Metrics of(Collection<ScoredItem> positives, Collection<ScoredItem> negatives) {
    return of(
        positives.stream().mapToDouble(ScoredItem::score).toArray(),
        negatives.stream().mapToDouble(ScoredItem::score).toArray());
  }

  private static double[] sortedCopy(double[] scores, String what) {
    requireNonNull(scores, what);
    double[] copy = scores.clone();
    for (double s : copy) {
      if (!Double.isFinite(s)) {
        throw new IllegalArgumentException("a " + what + " score must be finite, was " + s);
      }
    }
    Arrays.sort(copy);
    return copy;
  }

  /** The number of positives. */
  public int positives() {
    return positives.length;
  }

  /** The number of negatives. */
  public int negatives() {
    return negatives.length;
  }

  /** The area under the ROC curve, ties counting one half; empty unless both classes are present. */
  public OptionalDouble auroc() {
    if (positives.length == 0 || negatives.length == 0) {
      return OptionalDouble.empty();
    }
    // Twice U, in exact integer arithmetic: for each distinct positive score, the negatives below it
    // count 2 and the negatives equal to it count 1 (the mid-rank rule).
    long twiceU = 0;
    int below = 0;
    int i = 0;
    while (i < positives.length) {
      double v = positives[i];
      int j = i;
      while (j < positives.length && positives[j] == v) {
        j++;
      }
      while (below < negatives.length && negatives[below] < v) {
        below++;
      }
      int equalEnd = below;
      while (equalEnd < negatives.length && negatives[equalEnd] == v) {
        equalEnd++;
      }
      twiceU += (long) (j - i) * (2L * below + (equalEnd - below));
      i = j;
    }
    return OptionalDouble.of(twiceU / (2.0 * positives.length * negatives.length));
  }

  /** Average precision (the step-wise area under the precision-recall curve); empty without positives. */
  public OptionalDouble averagePrecision() {
    if (positives.length == 0) {
      return OptionalDouble.empty();
    }
    double ap = 0;
    int previousTp = 0;
    for (double t : thresholds) {
      int tp = countAtLeast(positives, t);
      int fp = countAtLeast(negatives, t);
      if (tp > previousTp) {
        ap += ((double) (tp - previousTp) / positives.length) * ((double) tp / (tp + fp));
        previousTp = tp;
      }
    }
    return OptionalDouble.of(ap);
  }

  /**
   * The largest recall whose false positive rate is at most {@code targetFpr} (see the class
   * comment for the exact rule); empty unless both classes are present.
   *
   * @throws IllegalArgumentException when the target is outside [0, 1]
   */
  public Optional<RecallAtFpr> recallAtFpr(double targetFpr) {
    if (!(targetFpr >= 0.0 && targetFpr <= 1.0)) {
      throw new IllegalArgumentException("target FPR must be in [0, 1], was " + targetFpr);
    }
    if (positives.length == 0 || negatives.length == 0) {
      return Optional.empty();
    }
    double best = Double.POSITIVE_INFINITY;
    int bestFp = 0;
    for (double t : thresholds) {
      // The FPR only grows as the threshold falls, so the first one over the target ends the search.
      int fp = countAtLeast(negatives, t);
      if ((double) fp / negatives.length > targetFpr) {
        break;
      }
      best = t;
      bestFp = fp;
    }
    double recall = (double) countAtLeast(positives, best) / positives.length;
    return Optional.of(new RecallAtFpr(targetFpr, best, recall, (double) bestFp / negatives.length));
  }

  /**
   * The confusion counts at {@code threshold}: an item is flagged when its score is at or above it.
   *
   * @throws IllegalArgumentException when the threshold is NaN
   */
  public Confusion at(double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN");
    }
    int tp = countAtLeast(positives, threshold);
    int fp = countAtLeast(negatives, threshold);
    return new Confusion(threshold, tp, fp, negatives.length - fp, positives.length - tp);
  }

  /**
   * The whole curve: the counts at {@link Double#POSITIVE_INFINITY} (nothing flagged), then at each
   * distinct score from the highest down (the last flags everything). The ROC curve is (FPR,
   * recall) and the precision-recall curve (recall, precision) of these points.
   */
  public List<Confusion> curve() {
    List<Confusion> out = new ArrayList<>(thresholds.length + 1);
    out.add(at(Double.POSITIVE_INFINITY));
    for (double t : thresholds) {
      out.add(at(t));
    }
    return List.copyOf(out);
  }

  /** How many of the ascending {@code sorted} are at least {@code t}. */
  private static int countAtLeast(double[] sorted, double t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return sorted.length - lo;
  }
}
