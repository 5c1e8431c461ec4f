package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.EnumSet;
import java.util.Set;

/**
 * One training example for stage 1.
 *
 * @param context the prompt that led to {@code text}, for a completion model; empty for a prompt model
 * @param text the text to classify
 * @param targets the categories it is positive for; empty for a benign text
 */
public record TrainingText(String context, String text, Set<Category> targets) {
  public TrainingText {
    requireNonNull(context, "context");
    requireNonNull(text, "text");
    targets = Set.copyOf(targets);
  }

  /** A prompt-model example: no context. */
  public static TrainingText of(String text, Category... targets) {
    Set<Category> set = EnumSet.noneOf(Category.class);
    for (Category c : targets) {
      set.add(c);
    }
    return new TrainingText("", text, set);
  }
}
