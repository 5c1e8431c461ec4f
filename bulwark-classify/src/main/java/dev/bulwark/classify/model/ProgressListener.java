package dev.bulwark.classify.model;

/**
 * Hears how far a long job has come, e.g. to draw a progress bar. Called on the working thread, so it
 * must be quick; calls for one stage have non-decreasing {@code done}, and the last has {@code done ==
 * total}.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = (stage, done, total) -> {};

  /**
   * @param stage what is being done, e.g. {@code train} or {@code calibrate}
   * @param done units done so far
   * @param total units in the stage
   */
  void progress(String stage, long done, long total);
}
