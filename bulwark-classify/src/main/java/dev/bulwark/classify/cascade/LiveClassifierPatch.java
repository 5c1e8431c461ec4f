package dev.bulwark.classify.cascade;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The deployed rapid-response classifier patch, for readers that outlive versions (the monitor): each
 * reader takes {@link #current()} once per piece of work, and a new patch replaces the old in one
 * atomic step, as {@link dev.bulwark.classify.exemplar.LiveExemplarIndex} does for exemplars. A reader
 * runs a detector patch as a {@link dev.bulwark.classify.stage.DetectorStage} beside its own classifier
 * ({@link dev.bulwark.classify.stage.DetectorStage#fromPatch}). Thread-safe.
 */
public final class LiveClassifierPatch {
  private final AtomicReference<Optional<ClassifierBundle>> current = new AtomicReference<>(Optional.empty());

  /** The patch deployed now; empty when the release has none. */
  public Optional<ClassifierBundle> current() {
    return current.get();
  }

  /** Replaces the current patch (null: none). */
  public void swap(@Nullable ClassifierBundle patch) {
    current.set(Optional.ofNullable(patch));
  }
}
