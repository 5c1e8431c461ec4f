package dev.bulwark.classify.eval;

/**
 * The operating point with the largest recall whose false positive rate is at most a target.
 *
 * @param targetFpr the largest false positive rate allowed
 * @param threshold the lowest score whose {@code score >= threshold} rule keeps the FPR within the
 *     target; {@link Double#POSITIVE_INFINITY} when every score would exceed it (nothing flagged)
 * @param recall the recall at that threshold
 * @param fpr the false positive rate actually reached there (at most {@code targetFpr})
 */
public record RecallAtFpr(double targetFpr, double threshold, double recall, double fpr) {}
