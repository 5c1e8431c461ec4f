package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A known jailbreak or harmful request that similar exchanges are compared with. Text at headline
 * level only (a request, never an answer).
 *
 * @param id stable id, e.g. {@code exm_...} or {@code constitution:cbrn.chemical:2}
 * @param kind {@code jailbreak} or {@code harmful}
 * @param category the category it belongs to
 * @param family the jailbreak family, once known
 * @param text the exemplar's text
 * @param source where it came from (the constitution, an incident, rapid response)
 */
public record Exemplar(
    String id, String kind, String category, @Nullable String family, String text, String source) {
  private static final Pattern KIND = Pattern.compile("jailbreak|harmful");

  public Exemplar {
    requireNonNull(id, "id");
    requireNonNull(kind, "kind");
    requireNonNull(category, "category");
    requireNonNull(text, "text");
    requireNonNull(source, "source");
    if (!KIND.matcher(kind).matches()) {
      throw new IllegalArgumentException("exemplar kind must be jailbreak or harmful, was '" + kind + "'");
    }
    if (text.isBlank()) {
      throw new IllegalArgumentException("exemplar text must not be blank");
    }
  }

  @Override
  public String toString() {
    return "Exemplar[id=" + id + ", kind=" + kind + ", category=" + category + ", family=" + family + "]";
  }
}
