package dev.bulwark.classify.eval;

import java.util.OptionalDouble;

/**
 * The confusion counts at one threshold, where an item is flagged when {@code score >= threshold}.
 * A rate whose denominator is zero is empty rather than a made-up 0 or 1, so that the report can
 * show it as missing.
 *
 * @param threshold the threshold; {@link Double#POSITIVE_INFINITY} flags nothing
 * @param tp positives flagged
 * @param fp negatives flagged
 * @param tn negatives not flagged
 * @param fn positives not flagged
 */
public record Confusion(double threshold, int tp, int fp, int tn, int fn) {
  public Confusion {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN");
    }
    if (tp < 0 || fp < 0 || tn < 0 || fn < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0, were tp=" + tp + " fp=" + fp + " tn=" + tn + " fn=" + fn);
    }
  }

  /** The number of positives. */
  public int positives() {
    return tp + fn;
  }

  /** The number of negatives. */
  public int negatives() {
    return fp + tn;
  }

  /** The number of items flagged. */
  public int flagged() {
    return tp + fp;
  }

  /** TP / (TP + FN); empty without positives. */
  public OptionalDouble recall() {
    return ratio(tp, tp + fn);
  }

  /**
   * FP / (FP + TN); empty without negatives. On negatives this is the over-refusal rate: the share
   * of allowed lines that would be refused.
   */
  public OptionalDouble fpr() {
    return ratio(fp, fp + tn);
  }

  /** TP / (TP + FP); empty when nothing is flagged. */
  public OptionalDouble precision() {
    return ratio(tp, tp + fp);
  }

  /**
   * 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall, which is 0 when nothing is
   * caught; empty without positives (recall, and so F1, is undefined).
   */
  public OptionalDouble f1() {
    return positives() == 0 ? OptionalDouble.empty() : ratio(2L * tp, 2L * tp + fp + fn);
  }

  private static OptionalDouble ratio(long num, long den) {
    return den == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) num / den);
  }
}
