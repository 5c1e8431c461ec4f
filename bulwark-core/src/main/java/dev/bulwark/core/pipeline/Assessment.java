package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import org.jspecify.annotations.Nullable;

/**
 * What a stage found. The pipeline turns it into a {@link dev.bulwark.core.Verdict} by applying the
 * tier's policy.
 *
 * @param action what the stage asks for; a streaming stage's {@code BLOCK} is treated as {@code HALT}
 * @param scores category scores, possibly empty
 * @param reason a short explanation that contains no user content (a rule id, say), or null
 */
public record Assessment(Action action, CategoryScores scores, @Nullable String reason) {
  /** Nothing found, no scores. */
  public static final Assessment ALLOW = new Assessment(Action.ALLOW, CategoryScores.none(), null);

  public Assessment {
    requireNonNull(action, "action");
    requireNonNull(scores, "scores");
  }

  /** A block with a reason. */
  public static Assessment block(CategoryScores scores, String reason) {
    return new Assessment(Action.BLOCK, scores, reason);
  }
}
