package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What {@link EventLog#verify()} found.
 *
 * @param intact whether every event checked is as written and in its place
 * @param checked how many events passed before the first problem (all of them when intact)
 * @param firstBadSeq the seq of the first problem, null when intact
 * @param problem its kind, null when intact
 * @param detail a sentence for an operator, naming the seq
 */
public record ChainReport(
    boolean intact,
    long checked,
    @Nullable Long firstBadSeq,
    @Nullable Problem problem,
    String detail) {

  /** How the log differs from what was written. */
  public enum Problem {
    /** An event's columns no longer hash to its stored hash. */
    EDITED,
    /** An event is missing: its seq is absent, or the next event links to nothing in the log. */
    DELETED,
    /** An event is intact but not after the event it was written after. */
    REORDERED
  }

  public ChainReport {
    requireNonNull(detail, "detail");
    if (checked < 0) {
      throw new IllegalArgumentException("checked must be >= 0, was " + checked);
    }
    if (intact != (problem == null) || intact != (firstBadSeq == null)) {
      throw new IllegalArgumentException(
          "a report is intact exactly when it has no problem and no firstBadSeq");
    }
  }

  /** An intact log of {@code checked} events. */
  public static ChainReport intact(long checked) {
    return new ChainReport(true, checked, null, null, "intact: " + checked + " events checked");
  }

  /** The first problem, at {@code seq}, after {@code checked} good events. */
  public static ChainReport broken(long checked, long seq, Problem problem, String detail) {
    return new ChainReport(false, checked, seq, requireNonNull(problem, "problem"), detail);
  }
}
