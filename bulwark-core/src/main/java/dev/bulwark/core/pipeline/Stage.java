package dev.bulwark.core.pipeline;

/** What every safeguard stage has: a name that policies refer to, and a version that verdicts record. */
public interface Stage {
  /** The stage's name as configured; unique within a pipeline; policies refer to it. */
  String name();

  /** The stage's version: for a classifier, its model's version; for a rule list, its digest. */
  String version();

  /**
   * The name whose tier settings (mode, failure mode, timeout, thresholds, monitor-only categories)
   * apply to this stage: its own by default. A stage that extends another one (a rapid-response
   * detector beside the classifier it patches) names that one, so that a tier which switched the
   * classifier off, to monitor-only, or to monitor a category, gets the same for the patch.
   */
  default String policyName() {
    return name();
  }

  /**
   * Whether the stage is cheap and bounded enough to run on the thread that calls it (an event loop),
   * or must be moved to a worker thread, where its policy's timeout is enforced.
   */
  default Execution execution() {
    return Execution.INLINE;
  }

  /** Where a stage runs. */
  enum Execution {
    /** Microseconds, bounded by the input's length: runs on the caller's thread. */
    INLINE,
    /** May take milliseconds or block: runs on a worker pool with a deadline. */
    OFFLOAD
  }
}
