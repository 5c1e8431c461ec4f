package dev.bulwark.classify.eval;

import dev.bulwark.classify.Probabilities;
import org.jspecify.annotations.Nullable;

/** Small items for the tests. */
final class EvalItems {
  private EvalItems() {}

  static ScoredItem positive(String id, @Nullable String category, double score) {
    return item(id, true, category, score, "a request at headline level " + id);
  }

  static ScoredItem negative(String id, @Nullable String category, double score) {
    return item(id, false, category, score, "an ordinary question " + id);
  }

  static ScoredItem item(String id, boolean positive, @Nullable String category, double score, String text) {
    return new ScoredItem(
        id,
        text,
        positive,
        positive ? "harmful" : "benign",
        category,
        score,
        Probabilities.of(score, 0, 0, 0, 0, 0),
        score > 0.3 ? "stage2" : "stage1",
        "raw",
        score > 0.3,
        1_000_000L,
        null);
  }

  static ScoredItem streamed(String id, boolean positive, @Nullable Integer tokensToFire, int total) {
    ScoredItem base = item(id, positive, null, tokensToFire == null ? 0.1 : 0.9, "streamed " + id);
    return new ScoredItem(
        base.id(),
        base.text(),
        base.positive(),
        base.label(),
        base.category(),
        base.score(),
        base.probabilities(),
        base.stage(),
        base.view(),
        base.escalated(),
        base.latencyNanos(),
        new ScoredItem.Streaming(tokensToFire, total, 2_000L));
  }
}
