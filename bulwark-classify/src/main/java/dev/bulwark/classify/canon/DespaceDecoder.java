package dev.bulwark.classify.canon;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Spaced-out letters: {@code "h o w  t o"}, {@code "b.o.m.b"}, {@code "b-o-m-b"}. A run of at least
 * {@value #MIN_UNITS} single letters or digits (at least three letters, no fewer letters than
 * digits), each standing alone, separated by gaps of one to
 * {@value #MAX_GAP} separator characters (space, tab, {@code . - _ * ~ / + ·}), is joined: the commonest
 * gap in the run joins letters, and any other gap (wider, or another separator) marks a word break and
 * becomes one space.
 */
final class DespaceDecoder implements Decoder {
  static final String NAME = View.DESPACED;
  static final int MIN_UNITS = 4;
  static final int MAX_GAP = 3;

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    @Nullable StringBuilder out = null;
    int copied = 0;
    List<int[]> units = new ArrayList<>();
    int i = 0;
    while (i < n) {
      work.add(1);
      if (!isUnit(text, i)) {
        i++;
        continue;
      }
      units.clear();
      int start = i;
      int end = i + Character.charCount(text.codePointAt(i));
      units.add(new int[] {start, end});
      while (true) {
        int g = end;
        while (g < n && g - end <= MAX_GAP && isSeparator(text.charAt(g))) {
          g++;
        }
        work.add(g - end + 1);
        int gap = g - end;
        if (gap == 0 || gap > MAX_GAP || g >= n || !isUnit(text, g)) {
          break;
        }
        int unitEnd = g + Character.charCount(text.codePointAt(g));
        units.add(new int[] {g, unitEnd});
        end = unitEnd;
      }
      if (units.size() >= MIN_UNITS && mostlyLetters(text, units)) {
        String joining = commonestGap(text, units);
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, copied, start);
        for (int u = 0; u < units.size(); u++) {
          if (u > 0) {
            String gap = text.substring(units.get(u - 1)[1], units.get(u)[0]);
            if (!gap.equals(joining)) {
              out.append(' ');
            }
          }
          out.append(text, units.get(u)[0], units.get(u)[1]);
        }
        copied = end;
      }
      i = end;
    }
    if (out == null) {
      return null;
    }
    out.append(text, copied, n);
    return new Decoded(NAME, out.toString());
  }

  /** At least three letters, and no fewer letters than digits: spaced-out digits are tables. */
  private static boolean mostlyLetters(String text, List<int[]> units) {
    int letters = 0;
    for (int[] u : units) {
      if (Character.isLetter(text.codePointAt(u[0]))) {
        letters++;
      }
    }
    return letters >= 3 && 2 * letters >= units.size();
  }

  private static String commonestGap(String text, List<int[]> units) {
    Map<String, Integer> counts = new HashMap<>();
    String best = "";
    int bestCount = 0;
    for (int u = 1; u < units.size(); u++) {
      String gap = text.substring(units.get(u - 1)[1], units.get(u)[0]);
      int count = counts.merge(gap, 1, Integer::sum);
      if (count > bestCount || (count == bestCount && gap.length() < best.length())) {
        best = gap;
        bestCount = count;
      }
    }
    return best;
  }

  /** A letter or digit with no letter or digit right before or after it. */
  private static boolean isUnit(String text, int i) {
    int cp = text.codePointAt(i);
    if (!Character.isLetterOrDigit(cp)) {
      return false;
    }
    if (i > 0 && Character.isLetterOrDigit(text.codePointBefore(i))) {
      return false;
    }
    int next = i + Character.charCount(cp);
    return next >= text.length() || !Character.isLetterOrDigit(text.codePointAt(next));
  }

  private static boolean isSeparator(char c) {
    return c == ' '
        || c == '\t'
        || c == '.'
        || c == '-'
        || c == '_'
        || c == '*'
        || c == '~'
        || c == '/'
        || c == '+'
        || c == '\u00B7';
  }
}
