package dev.bulwark.core.policy;

/** What happens to content when a stage fails (throws or runs out of time). */
public enum FailureMode {
  /** Refuse the content: the default for every stage. */
  CLOSED,
  /** Let the content through and record {@code failed_open} on the verdict. */
  OPEN
}
