package dev.bulwark.store.diligence;

import dev.bulwark.store.internal.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Shapes shared by the records of this package. */
final class Ids {
  /** Generated ids such as {@code app_k3j5...}: lower case, safe in URLs and on both databases. */
  static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
  /** Longest free text (use case, statement, evidence). */
  static final int LONG_TEXT = 8_000;
  /** Longest short text (names, justifications, reasons). */
  static final int SHORT_TEXT = 2_000;

  private Ids() {}

  static String id(String field, String value) {
    return Checks.matches(field, value, ID);
  }

  /** Trimmed, non-blank text of at most {@code max} characters. */
  static String text(String field, String value, int max) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + ": is required and must not be blank");
    }
    return Checks.text(field, value.strip(), max);
  }

  /** Sorted, comma-joined: the stored form of a list whose items never hold a comma. */
  static String join(Collection<String> items) {
    return String.join(",", new TreeSet<>(items));
  }

  static List<String> split(String joined) {
    List<String> out = new ArrayList<>();
    for (String s : joined.split(",")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** An unmodifiable, sorted copy. */
  static Set<String> sorted(Collection<String> items) {
    return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(items));
  }
}
