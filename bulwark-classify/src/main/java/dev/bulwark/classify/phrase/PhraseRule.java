package dev.bulwark.classify.phrase;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * One rule: a literal phrase or a regular expression, the category it scores, and whether a match
 * blocks (or halts a stream) or only flags.
 *
 * @param id a stable identifier, recorded as the verdict's reason (never the matched text)
 * @param category the category a match scores 1.0 in
 * @param action {@link Action#BLOCK} or {@link Action#FLAG}
 * @param phrase the literal phrase, or null for a pattern rule
 * @param pattern the compiled pattern (case-insensitive), or null for a phrase rule
 * @param maxMatchLength for a pattern, the longest text it can match; streamed text is held back until
 *     this many characters have followed it; 0 for a phrase
 * @param scope where the rule applies
 */
public record PhraseRule(
    String id,
    String category,
    Action action,
    @Nullable String phrase,
    @Nullable Pattern pattern,
    int maxMatchLength,
    Scope scope) {

  /** The longest pattern match a rule may declare: bounds per-chunk work and the streaming hold-back. */
  public static final int MAX_PATTERN_LENGTH = 4096;

  public PhraseRule {
    requireNonNull(id, "id");
    requireNonNull(category, "category");
    requireNonNull(action, "action");
    requireNonNull(scope, "scope");
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")) {
      throw new IllegalArgumentException("id must be 1-128 of [A-Za-z0-9_.:-], was '" + id + "'");
    }
    if (action != Action.BLOCK && action != Action.FLAG) {
      throw new IllegalArgumentException("action must be block or flag, was " + action.wireName());
    }
    if ((phrase == null) == (pattern == null)) {
      throw new IllegalArgumentException("rule " + id + ": exactly one of phrase and pattern is set");
    }
    if (phrase != null && PhraseMatcher.normalize(phrase).isEmpty()) {
      throw new IllegalArgumentException("rule " + id + ": phrase must not be blank");
    }
    if (pattern != null && (maxMatchLength < 1 || maxMatchLength > MAX_PATTERN_LENGTH)) {
      throw new IllegalArgumentException(
          "rule " + id + ": max_length must be in [1, " + MAX_PATTERN_LENGTH + "], was " + maxMatchLength);
    }
    if (phrase != null && maxMatchLength != 0) {
      throw new IllegalArgumentException("rule " + id + ": max_length applies to patterns only");
    }
  }

  /** A literal phrase rule. */
  public static PhraseRule phrase(String id, String category, Action action, String phrase, Scope scope) {
    return new PhraseRule(id, category, action, phrase, null, 0, scope);
  }

  /**
   * A pattern rule.
   *
   * @throws IllegalArgumentException if the pattern does not compile
   */
  public static PhraseRule pattern(
      String id, String category, Action action, String regex, int maxMatchLength, Scope scope) {
    Pattern compiled;
    try {
      compiled = Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "rule " + id + ": pattern does not compile: " + e.getDescription(), e);
    }
    return new PhraseRule(id, category, action, null, compiled, maxMatchLength, scope);
  }

  /** A text that identifies the rule's content, for the stage's version digest. */
  String fingerprint() {
    return String.join(
        "\u0000",
        id,
        category,
        action.wireName(),
        phrase == null ? "" : phrase,
        pattern == null ? "" : pattern.pattern(),
        Integer.toString(maxMatchLength),
        scope.name().toLowerCase(Locale.ROOT));
  }

  /** Where a rule applies. */
  public enum Scope {
    PROMPT,
    COMPLETION,
    BOTH;

    boolean prompt() {
      return this != COMPLETION;
    }

    boolean completion() {
      return this != PROMPT;
    }
  }
}
