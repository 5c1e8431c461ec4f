package dev.bulwark.core.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a tier runs one stage.
 *
 * @param mode enforce, monitor only, or off
 * @param onFailure what happens to content when the stage fails
 * @param timeout how long the stage may take on one prompt before it counts as failed
 * @param thresholds for a stage that scores categories: the score at or above which a category
 *     stops content, by category id; a category not listed uses the stage's own calibrated threshold
 * @param monitorCategories categories that only flag under this tier, whatever their score: the
 *     stage records them but never stops content for them
 */
public record StagePolicy(
    StageMode mode,
    FailureMode onFailure,
    Duration timeout,
    Map<String, Double> thresholds,
    Set<String> monitorCategories) {
  /** Enforced, fail closed, 2 seconds, the stage's own thresholds. */
  public static final StagePolicy DEFAULT =
      new StagePolicy(StageMode.ENFORCE, FailureMode.CLOSED, Duration.ofSeconds(2));

  public StagePolicy {
    requireNonNull(mode, "mode");
    requireNonNull(onFailure, "onFailure");
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    for (Map.Entry<String, Double> e : thresholds.entrySet()) {
      double t = requireNonNull(e.getValue(), "threshold");
      if (!(t > 0.0 && t <= 1.0)) {
        throw new IllegalArgumentException(
            "threshold for " + e.getKey() + " must be in (0, 1], was " + t);
      }
    }
    // Sorted copies: policies are compared and printed, and their order must not depend on a hash.
    thresholds = java.util.Collections.unmodifiableMap(new TreeMap<>(thresholds));
    monitorCategories = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(monitorCategories));
  }

  /** A policy that uses the stage's own thresholds and monitors no category apart. */
  public StagePolicy(StageMode mode, FailureMode onFailure, Duration timeout) {
    this(mode, onFailure, timeout, Map.of(), Set.of());
  }

  /**
   * The threshold for a category: this policy's, else {@code stageDefault}.
   */
  public double threshold(String category, double stageDefault) {
    Double t = thresholds.get(category);
    return t != null ? t : stageDefault;
  }

  /** Whether this tier only monitors the category. */
  public boolean monitorsOnly(String category) {
    return monitorCategories.contains(category);
  }
}
