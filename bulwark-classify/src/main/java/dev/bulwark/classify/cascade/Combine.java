package dev.bulwark.classify.cascade;

import dev.bulwark.classify.Probabilities;
import java.util.Locale;

/**
 * How an escalated text's final probabilities come from its two stages.
 *
 * <p>{@link #MEAN} and {@link #STAGE2} have no parameters. {@link #stacked} is a logistic combination,
 * per category {@code p = sigmoid(w1 * logit(s1) + w2 * logit(s2) + bias)}, fitted on calibration data
 * ({@link StackedFit}): unlike the mean, it lets a confident stage 2 lift a text that stage 1 scored
 * low, and it learns how far to trust each stage instead of assuming half and half.
 *
 * @param kind the rule
 * @param w1 the weight of stage 1's logit ({@link Kind#STACKED} only)
 * @param w2 the weight of stage 2's logit ({@link Kind#STACKED} only)
 * @param bias the bias ({@link Kind#STACKED} only)
 */
public record Combine(Kind kind, double w1, double w2, double bias) {
  /** The rules. */
  public enum Kind {
    /** Stage 2 replaces stage 1: the expensive model has the last word. */
    STAGE2,
    /** The mean of both stages, per category: each model corrects the other's blind spots. */
    MEAN,
    /** A fitted logistic combination of both stages' logits. */
    STACKED
  }

  /** Stage 2 replaces stage 1. */
  public static final Combine STAGE2 = new Combine(Kind.STAGE2, 0, 0, 0);

  /** The mean of both stages. */
  public static final Combine MEAN = new Combine(Kind.MEAN, 0, 0, 0);

  /** Logits are clipped to this magnitude, so that a probability of exactly 0 or 1 stays finite. */
  static final double MAX_LOGIT = 9.0;

  public Combine {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (!Double.isFinite(w1) || !Double.isFinite(w2) || !Double.isFinite(bias)) {
      throw new IllegalArgumentException("combine weights must be finite, were " + w1 + ", " + w2 + ", " + bias);
    }
    if (kind == Kind.STACKED && (w1 < 0 || w2 < 0)) {
      // A negative weight would make a stage's higher score lower the result: never monotone, never safe.
      throw new IllegalArgumentException("stacked weights must be >= 0, were " + w1 + ", " + w2);
    }
  }

  /** A stacked combination with the given weights. */
  public static Combine stacked(double w1, double w2, double bias) {
    return new Combine(Kind.STACKED, w1, w2, bias);
  }

  /** The rule's name as bundles record it: {@code MEAN}, {@code STAGE2} or {@code STACKED}. */
  public String name() {
    return kind.name();
  }

  /** The final probabilities. */
  public Probabilities apply(Probabilities stage1, Probabilities stage2) {
    if (kind == Kind.STAGE2) {
      return stage2;
    }
    double[] a = stage1.toArray();
    double[] b = stage2.toArray();
    for (int i = 0; i < a.length; i++) {
      a[i] = kind == Kind.MEAN ? (a[i] + b[i]) / 2 : combine(a[i], b[i]);
    }
    return Probabilities.of(a);
  }

  /** One category's stacked probability. */
  double combine(double p1, double p2) {
    double z = w1 * logit(p1) + w2 * logit(p2) + bias;
    return 1.0 / (1.0 + Math.exp(-z));
  }

  static double logit(double p) {
    double z = Math.log(p / (1 - p));
    return Double.isNaN(z) ? 0 : Math.max(-MAX_LOGIT, Math.min(MAX_LOGIT, z));
  }

  @Override
  public String toString() {
    return kind == Kind.STACKED
        ? String.format(Locale.ROOT, "STACKED(w1=%.4f, w2=%.4f, bias=%.4f)", w1, w2, bias)
        : kind.name();
  }
}
