package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import dev.bulwark.core.pipeline.Turn;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One labelled example.
 *
 * @param id a stable id ({@code <set>-<n>}, or the generator's id)
 * @param source where it came from: a data file name or {@code synthetic:<generator>}
 * @param group the split key: examples of one group always land in the same split (a source, a
 *     template family, a generator's seed request), so that evaluation measures generalization
 * @param kind prompt or completion
 * @param prompt the prompt's turns (one user turn for a single text)
 * @param completion the completion, for {@link ExampleKind#COMPLETION}
 * @param label the label
 * @param category the source's own category, or null
 * @param targets the categories the example is positive for (empty for benign ones): the training
 *     targets of the multi-label models
 */
public record Example(
    String id,
    String source,
    String group,
    ExampleKind kind,
    List<Turn> prompt,
    @Nullable String completion,
    Label label,
    @Nullable String category,
    Set<Category> targets) {

  public Example {
    requireNonNull(id, "id");
    requireNonNull(source, "source");
    requireNonNull(group, "group");
    requireNonNull(kind, "kind");
    prompt = List.copyOf(prompt);
    requireNonNull(label, "label");
    targets = Set.copyOf(targets);
    if ((kind == ExampleKind.COMPLETION) != (completion != null)) {
      throw new IllegalArgumentException("example " + id + ": a completion example has a completion, a prompt example none");
    }
  }

  /** The prompt's text, turns joined by blank lines. */
  public String promptText() {
    return prompt.stream().map(Turn::text).collect(Collectors.joining("\n\n"));
  }

  /** The last user turn: what a completion answers. The whole prompt when no turn is the user's. */
  public String lastUserText() {
    for (int i = prompt.size() - 1; i >= 0; i--) {
      if (prompt.get(i).role() == dev.bulwark.core.pipeline.Role.USER) {
        return prompt.get(i).text();
      }
    }
    return promptText();
  }
}
