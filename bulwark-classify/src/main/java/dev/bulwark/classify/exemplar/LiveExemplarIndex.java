package dev.bulwark.classify.exemplar;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The current version of an exemplar index, for readers that outlive versions (the monitor): each
 * reader takes {@link #current()} once per piece of work and uses that version throughout, and a new
 * version replaces the old in one atomic step. Thread-safe.
 */
public final class LiveExemplarIndex {
  private final AtomicReference<ExemplarIndex> current;

  public LiveExemplarIndex(ExemplarIndex initial) {
    this.current = new AtomicReference<>(requireNonNull(initial, "initial"));
  }

  /** The version to use now. */
  public ExemplarIndex current() {
    return current.get();
  }

  /**
   * Replaces the current version and returns the one it replaced.
   *
   * @throws IllegalArgumentException when the new version holds another encoder's vectors
   */
  public ExemplarIndex swap(ExemplarIndex next) {
    requireNonNull(next, "next");
    ExemplarIndex now = current.get();
    if (!next.isEmpty() && !now.isEmpty() && !next.encoderId().equals(now.encoderId())) {
      throw new IllegalArgumentException(
          "index " + next.version() + " holds " + next.encoderId() + " vectors, this one " + now.encoderId());
    }
    return current.getAndSet(next);
  }

  @Override
  public String toString() {
    return "LiveExemplarIndex{" + current.get() + "}";
  }
}
