package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Maps a harmful text to its training targets: the CBRN categories whose keywords it names, else
 * {@code harmful.other}. The keywords are the constitution's ({@code vocabulary.keywords} of each CBRN
 * category): whole words or phrases, case-insensitive, with an optional plural ending; a contextual
 * term ("virus") counts only next to one of its {@code with} terms and away from its {@code unless}
 * terms ("computer", "malware").
 *
 * <p>A few sources label their rows with a category that decides the matter (WMDP's {@code wmdp-bio}
 * and {@code wmdp-chem}); those win over keywords. Source categories that mix CBRN with other harm
 * (HarmBench's {@code chemical_biological} also covers drugs; CatQA's weapon and hazardous-material
 * subcategories cover guns and explosives) are decided by the keywords, so a drug-synthesis request
 * lands in {@code harmful.other}. Immutable and thread-safe.
 */
public final class TargetRules {
  /** Source categories that fix the target whatever the text says. */
  public static final Map<String, Category> SOURCE_CATEGORIES =
      Map.of("wmdp-bio", Category.CBRN_BIOLOGICAL, "wmdp-chem", Category.CBRN_CHEMICAL);

  private final Map<Category, List<Rule>> rules;

  private TargetRules(Map<Category, List<Rule>> rules) {
    this.rules = Collections.unmodifiableMap(new EnumMap<>(rules));
  }

  /** The rules of a constitution's CBRN vocabulary. */
  public static TargetRules of(Constitution constitution) {
    Map<Category, List<Rule>> rules = new EnumMap<>(Category.class);
    constitution.vocabulary().cbrn().forEach((category, voc) -> {
      List<Rule> list = new ArrayList<>();
      list.add(new Rule(anyOf(voc.keywords().terms()), null, null));
      for (Vocabulary.Contextual c : voc.keywords().contextual()) {
        list.add(new Rule(
            anyOf(c.terms()),
            c.with().isEmpty() ? null : anyOf(c.with()),
            c.unless().isEmpty() ? null : anyOf(c.unless())));
      }
      rules.put(category, List.copyOf(list));
    });
    return new TargetRules(rules);
  }

  /** The CBRN categories whose keyword rules match the text (empty when none do). */
  public Set<Category> cbrn(String text) {
    Set<Category> out = EnumSet.noneOf(Category.class);
    rules.forEach((category, list) -> {
      if (list.stream().anyMatch(r -> r.matches(text))) {
        out.add(category);
      }
    });
    return out;
  }

  /**
   * The targets of a harmful text: the source category's when it decides (see {@link
   * #SOURCE_CATEGORIES}), else the matching CBRN categories, else {@code harmful.other}.
   *
   * @param sourceCategory the source's own category, or null
   * @param text the request (for completions, the prompt)
   */
  public Set<Category> harmful(@Nullable String sourceCategory, String text) {
    requireNonNull(text, "text");
    if (sourceCategory != null && SOURCE_CATEGORIES.containsKey(sourceCategory)) {
      return Set.of(SOURCE_CATEGORIES.get(sourceCategory));
    }
    Set<Category> cbrn = cbrn(text);
    return cbrn.isEmpty() ? Set.of(Category.HARMFUL_OTHER) : Set.copyOf(cbrn);
  }

  /** One alternation of whole-word terms; longer terms first so that phrases win over their words. */
  private static Pattern anyOf(List<String> terms) {
    String alternation = terms.stream()
        .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
        .map(t -> Pattern.quote(t.strip()).replace(" ", "\\E\\s+\\Q"))
        .collect(Collectors.joining("|"));
    return Pattern.compile(
        "(?<![\\p{L}\\p{N}])(?:" + alternation + ")(?:s|es)?(?![\\p{L}\\p{N}])",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  private record Rule(Pattern terms, @Nullable Pattern with, @Nullable Pattern unless) {
    boolean matches(String text) {
      return terms.matcher(text).find()
          && (with == null || with.matcher(text).find())
          && (unless == null || !unless.matcher(text).find());
    }
  }
}
