package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import org.jspecify.annotations.Nullable;

/**
 * What a streaming stage found after one chunk.
 *
 * <p>{@code holdback} is the heart of the streaming guarantee: the number of characters at the end of
 * the channel that the stage has read but cannot yet clear, because text still to come could make them
 * part of something it would halt on (a phrase split across chunks, say). The gateway releases a
 * channel's text only up to its length minus the largest holdback of any stage, so a halt never
 * follows the release of text that contributed to it. A stage that judges each prefix on its own
 * (a classifier scoring the text so far) returns 0.
 *
 * @param action {@code ALLOW}, {@code FLAG} or {@code HALT}
 * @param scores the scores after this chunk (cumulative over the stream is the stage's choice)
 * @param reason a content-free explanation, or null
 * @param holdback characters at the channel's end not yet cleared; 0 after the channel ends, unless the
 *     stage judges in the background (see {@link StreamSession#endChannel})
 */
public record StreamAssessment(
    Action action, CategoryScores scores, @Nullable String reason, int holdback) {

  /** Nothing found and nothing held back. */
  public static final StreamAssessment CLEAR =
      new StreamAssessment(Action.ALLOW, CategoryScores.none(), null, 0);

  public StreamAssessment {
    requireNonNull(action, "action");
    requireNonNull(scores, "scores");
    if (holdback < 0) {
      throw new IllegalArgumentException("holdback must be >= 0, was " + holdback);
    }
  }

  /** Nothing found so far; the last {@code holdback} characters are not cleared yet. */
  public static StreamAssessment holding(int holdback) {
    return holdback == 0 ? CLEAR : new StreamAssessment(Action.ALLOW, CategoryScores.none(), null, holdback);
  }

  /** Stop the stream. */
  public static StreamAssessment halt(CategoryScores scores, String reason) {
    return new StreamAssessment(Action.HALT, scores, reason, 0);
  }
}
