package dev.bulwark.core;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One stage's decision about one piece of content, as recorded in the decision event.
 *
 * @param stage the stage's name, as configured
 * @param stageVersion the stage's version (for a classifier, its model version)
 * @param action the action that took effect
 * @param proposed what the stage itself asked for; differs from {@code action} when the tier runs the
 *     stage monitor-only (a proposed block takes effect as a flag)
 * @param status whether the content was scanned, skipped, or passed or refused on a failure
 * @param scores category scores, possibly empty
 * @param reason a short, content-free explanation (a rule id, an error class), or null
 * @param latencyNanos time spent in the stage
 */
public record Verdict(
    String stage,
    String stageVersion,
    Action action,
    Action proposed,
    ScanStatus status,
    CategoryScores scores,
    @Nullable String reason,
    long latencyNanos) {

  public Verdict {
    requireNonNull(stage, "stage");
    requireNonNull(stageVersion, "stageVersion");
    requireNonNull(action, "action");
    requireNonNull(proposed, "proposed");
    requireNonNull(status, "status");
    requireNonNull(scores, "scores");
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("latencyNanos must be >= 0, was " + latencyNanos);
    }
  }

  /** A verdict for a stage that did not run. */
  public static Verdict skipped(String stage, String stageVersion, String reason) {
    return new Verdict(
        stage, stageVersion, Action.ALLOW, Action.ALLOW, ScanStatus.SKIPPED, CategoryScores.none(),
        reason, 0);
  }

  /** Whether this verdict ends the exchange. */
  public boolean stops() {
    return action.stops();
  }
}
