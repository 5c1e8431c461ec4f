package dev.bulwark.core.policy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a tier runs one stage.
 *
 * @param mode enforce, monitor only, or off
 * @param onFailure what happens to content when the stage fails
 * @param timeout how long the stage may take on one prompt before it counts as failed
 */
public record StagePolicy(StageMode mode, FailureMode onFailure, Duration timeout) {
  /** Enforced, fail closed, 2 seconds. */
  public static final StagePolicy DEFAULT =
      new StagePolicy(StageMode.ENFORCE, FailureMode.CLOSED, Duration.ofSeconds(2));

  public StagePolicy {
    requireNonNull(mode, "mode");
    requireNonNull(onFailure, "onFailure");
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
  }
}
