package dev.bulwark.classify.stage;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.exemplar.ExemplarIndex;
import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.PromptStage;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.core.policy.StagePolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A prompt stage that stops prompts close to a known attack: the last user turn (and, for a
 * conversation of several turns, the whole of it) is embedded and compared with an {@link
 * ExemplarIndex}; a prompt whose similarity to some family reaches that family's threshold is blocked
 * (flagged where the tier monitors {@code jailbreak} only). Rapid response's exemplar patches land
 * here, which is what makes them live within seconds: no training, only a new index.
 *
 * <p>The stage holds one index version for its whole life; a new version means a new stage in a new
 * pipeline, swapped whole, so that a request never sees two versions. Its version is the index's.
 * The score recorded is the similarity under the category {@code jailbreak}; the reason names the
 * family and the figures, never the text. Thresholds in the tier's policy are not applied: a
 * similarity is not a probability, and each family carries its own calibrated threshold.
 *
 * <p>Thread-safe. An empty index allows everything without embedding, on the calling thread.
 */
public final class ExemplarStage implements PromptStage {
  private static final String CATEGORY = Category.JAILBREAK.id();

  private final String name;
  private final ExemplarIndex index;
  private final Embedder embedder;

  /**
   * @throws IllegalArgumentException when the index holds vectors of another encoder than the
   *     embedder's
   */
  public ExemplarStage(String name, ExemplarIndex index, Embedder embedder) {
    this.name = requireNonNull(name, "name");
    this.index = requireNonNull(index, "index");
    this.embedder = requireNonNull(embedder, "embedder");
    if (!index.isEmpty() && !index.encoderId().equals(embedder.encoderId())) {
      throw new IllegalArgumentException("exemplar index " + index.version() + " holds " + index.encoderId()
          + " vectors, the embedder makes " + embedder.encoderId());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return index.version();
  }

  public ExemplarIndex index() {
    return index;
  }

  /** Embedding takes milliseconds: off the event loop, under the tier's deadline (unless empty). */
  @Override
  public Execution execution() {
    return index.isEmpty() ? Execution.INLINE : Execution.OFFLOAD;
  }

  @Override
  public Assessment assess(Conversation prompt) {
    return assess(prompt, StagePolicy.DEFAULT);
  }

  @Override
  public Assessment assess(Conversation prompt, StagePolicy policy) {
    Optional<ExemplarIndex.Match> m = closest(prompt);
    if (m.isEmpty()) {
      return Assessment.ALLOW;
    }
    ExemplarIndex.Match match = m.get();
    CategoryScores scores = CategoryScores.copyOf(Map.of(CATEGORY, Math.max(0.0, Math.min(1.0, match.similarity()))));
    if (!match.matched()) {
      return new Assessment(Action.ALLOW, scores, null);
    }
    boolean monitor = policy.monitorsOnly(CATEGORY);
    String reason = String.format(Locale.ROOT, "exemplar family %s similarity %.3f >= %.3f%s",
        match.family(), match.similarity(), match.threshold(), monitor ? " (monitor)" : "");
    return new Assessment(monitor ? Action.FLAG : Action.BLOCK, scores, reason);
  }

  /** The family the prompt comes closest to (matched or not); empty for an empty index or prompt. */
  public Optional<ExemplarIndex.Match> closest(Conversation prompt) {
    if (index.isEmpty()) {
      return Optional.empty();
    }
    List<float[]> vectors = new ArrayList<>(embedder.embed(lastUserText(prompt)));
    if (prompt.turns().size() > 1) {
      vectors.addAll(embedder.embed(prompt.turns().stream().map(Turn::text).collect(Collectors.joining("\n\n"))));
    }
    List<ExemplarIndex.Match> all = index.closest(vectors);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  private static String lastUserText(Conversation prompt) {
    for (int i = prompt.turns().size() - 1; i >= 0; i--) {
      Turn t = prompt.turns().get(i);
      if (t.role() == Role.USER) {
        return t.text();
      }
    }
    return prompt.turns().isEmpty() ? "" : prompt.turns().get(prompt.turns().size() - 1).text();
  }

  @Override
  public String toString() {
    return "ExemplarStage{" + name + ", " + index + "}";
  }
}
