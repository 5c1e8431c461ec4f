package dev.bulwark.classify.canon;

/**
 * Counts the characters the canonicalizer visits, so that tests can check that the work stays linear
 * in the input without timing anything. One per call; not thread-safe. Production calls pass a fresh
 * one and drop it.
 */
final class Work {
  private long visited;

  /** Records {@code chars} more characters visited. */
  void add(long chars) {
    visited += chars;
  }

  /** The characters visited so far. */
  long visited() {
    return visited;
  }
}
