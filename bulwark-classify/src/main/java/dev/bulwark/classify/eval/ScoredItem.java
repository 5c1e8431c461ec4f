package dev.bulwark.classify.eval;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Probabilities;
import org.jspecify.annotations.Nullable;

/**
 * One evaluation line after scoring: what the report needs, and nothing from the data readers or
 * the models, so that evaluation stays independent of both.
 *
 * @param id the line's id; ids are unique within one evaluation (they break ties in every ordering)
 * @param text the text for display (the caller passes a truncated, single-line form; the report
 *     escapes and truncates it again)
 * @param positive whether the label counts as a positive (lines labelled {@code harmful} or {@code
 *     jailbreak})
 * @param label the label's name as the data writes it, e.g. {@code harmful}
 * @param category the line's own {@code category} field; null when absent (a blank field reads as
 *     absent, as the data files write "no category" as an empty string)
 * @param score the overall score: the maximum over categories after the full cascade, in [0, 1]
 * @param probabilities the per-category probabilities behind the score
 * @param stage the stage that decided, e.g. {@code stage1} or {@code stage2}
 * @param view the canonical view whose score was highest, e.g. {@code raw} or {@code base64}
 * @param escalated whether the item went on to stage 2
 * @param latencyNanos the time spent scoring the item
 * @param streaming streaming details when the item was scored as a stream, else null
 */
public record ScoredItem(
    String id,
    String text,
    boolean positive,
    String label,
    @Nullable String category,
    double score,
    Probabilities probabilities,
    String stage,
    String view,
    boolean escalated,
    long latencyNanos,
    @Nullable Streaming streaming) {

  /** A text as reports show it: one line, white space collapsed, at most 240 characters. */
  public static String display(String text) {
    String s = text.replaceAll("\\s+", " ").trim();
    return s.length() <= 240 ? s : s.substring(0, 240) + "…";
  }

  public ScoredItem {
    requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    requireNonNull(text, "text");
    requireNonNull(label, "label");
    if (category != null && category.isBlank()) {
      category = null;
    }
    if (!(score >= 0.0 && score <= 1.0)) {
      throw new IllegalArgumentException("item " + id + ": score must be in [0, 1], was " + score);
    }
    requireNonNull(probabilities, "probabilities");
    requireNonNull(stage, "stage");
    requireNonNull(view, "view");
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("item " + id + ": latencyNanos must be >= 0, was " + latencyNanos);
    }
  }

  /**
   * How a streamed item was scored.
   *
   * @param tokensToFirstFire how many tokens had been appended when the classifier first fired
   *     (counting the token that made it fire), or null if it never fired
   * @param totalTokens the stream's length in tokens
   * @param perTokenNanos the scoring cost per token (the stream's scoring time over its tokens)
   */
  public record Streaming(@Nullable Integer tokensToFirstFire, int totalTokens, long perTokenNanos) {
    public Streaming {
      if (totalTokens < 0) {
        throw new IllegalArgumentException("totalTokens must be >= 0, was " + totalTokens);
      }
      if (tokensToFirstFire != null && (tokensToFirstFire < 0 || tokensToFirstFire > totalTokens)) {
        throw new IllegalArgumentException(
            "tokensToFirstFire must be in [0, " + totalTokens + "], was " + tokensToFirstFire);
      }
      if (perTokenNanos < 0) {
        throw new IllegalArgumentException("perTokenNanos must be >= 0, was " + perTokenNanos);
      }
    }

    /** Whether the classifier fired at some point of the stream. */
    public boolean fired() {
      return tokensToFirstFire != null;
    }
  }
}
