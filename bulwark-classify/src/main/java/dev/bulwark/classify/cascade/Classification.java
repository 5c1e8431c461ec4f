package dev.bulwark.classify.cascade;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Probabilities;
import org.jspecify.annotations.Nullable;

/**
 * The cascade's answer for one text.
 *
 * @param probabilities the final calibrated probabilities
 * @param stage1 stage 1's probabilities (the maximum over views and windows)
 * @param stage2 stage 2's, when the text escalated; else null
 * @param decidedBy {@code stage1} or {@code stage2}
 * @param view the view whose score decided: {@code raw}, {@code normalized}, {@code base64>rot13}...
 * @param nanos time spent, canonicalization included
 */
public record Classification(
    Probabilities probabilities,
    Probabilities stage1,
    @Nullable Probabilities stage2,
    String decidedBy,
    String view,
    long nanos) {

  public Classification {
    requireNonNull(probabilities, "probabilities");
    requireNonNull(stage1, "stage1");
    requireNonNull(decidedBy, "decidedBy");
    requireNonNull(view, "view");
  }

  /** Whether stage 2 ran. */
  public boolean escalated() {
    return stage2 != null;
  }

  /** The overall score: the highest category probability. */
  public double score() {
    return probabilities.max();
  }
}
