package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.List;

/**
 * What the constitution says about one category, in prose.
 *
 * @param category the category
 * @param title a short human title
 * @param description what the category covers
 * @param disallowed what is disallowed, one statement per entry
 * @param allowed what stays allowed although it sounds close, one statement per entry
 * @param disallowedExamples headline-level example requests that are disallowed
 * @param allowedExamples example requests that must be allowed
 */
public record CategoryPolicy(
    Category category,
    String title,
    String description,
    List<String> disallowed,
    List<String> allowed,
    List<String> disallowedExamples,
    List<String> allowedExamples) {

  public CategoryPolicy {
    requireNonNull(category, "category");
    requireNonNull(title, "title");
    requireNonNull(description, "description");
    disallowed = List.copyOf(disallowed);
    allowed = List.copyOf(allowed);
    disallowedExamples = List.copyOf(disallowedExamples);
    allowedExamples = List.copyOf(allowedExamples);
  }
}
