package dev.bulwark.classify.canon;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A request cut into labelled pieces, one per line or between semicolons: numbered words ({@code word
 * 1: how}, {@code (2) do}, {@code 3=I}) or string variables ({@code s0 = "how do"}, {@code part1 :=
 * 'make'}); or numbered inline on one line ({@code (1) how (2) do (3) I}). A run of at least {@value #MIN_PIECES} such pieces is replaced by their values joined in
 * order, so the classifiers read the sentence the pieces spell; the text around the run is kept. A
 * piece's value is a quoted string or one to three bare words; a label is a number in brackets, a short
 * word with a number, or a short identifier.
 */
final class FragmentDecoder implements Decoder {
  static final String NAME = View.JOINED;
  static final int MIN_PIECES = 4;
  private static final int MAX_LABEL = 12;
  private static final int MAX_VALUE = 48;

  /** A bracketed number and the one to three words after it, up to the next one or the end. */
  private static final Pattern INLINE_PIECE =
      Pattern.compile("\\((\\d{1,3})\\)[ \\t]*([^()\\n;]{1,48}?)[ \\t]*(?=\\(\\d{1,3}\\)|$)");

  /** A run of pieces to replace by their values: text[start, end). */
  private record Run(int start, int end, String joined) {}

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    List<Run> runs = new ArrayList<>();
    List<String> values = new ArrayList<>();
    int runStart = -1;
    int runEnd = -1;
    int start = 0;
    for (int i = 0; i <= n; i++) {
      if (i < n && text.charAt(i) != '\n' && text.charAt(i) != ';') {
        continue;
      }
      @Nullable String value = pieceValue(text, start, i);
      if (value != null) {
        if (values.isEmpty()) {
          runStart = start;
        }
        values.add(value);
        runEnd = i;
      } else {
        if (values.size() >= MIN_PIECES) {
          runs.add(new Run(runStart, runEnd, String.join(" ", values)));
        }
        values.clear();
        inlineRun(text, start, i, runs, work);
      }
      start = i + 1;
    }
    if (values.size() >= MIN_PIECES) {
      runs.add(new Run(runStart, runEnd, String.join(" ", values)));
    }
    work.add(2L * n);
    if (runs.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder(n);
    int copied = 0;
    for (Run r : runs) {
      out.append(text, copied, r.start()).append(r.joined());
      copied = r.end();
    }
    out.append(text, Math.min(copied, n), n);
    return new Decoded(NAME, out.toString());
  }

  /**
   * Numbered pieces inline on one line, {@code (1) how (2) do (3) I ...}: a run of at least {@value
   * #MIN_PIECES} of them, each right after the last, becomes their values joined.
   */
  private static void inlineRun(String text, int from, int to, List<Run> runs, Work work) {
    // Only within the line: indexOf past it would rescan the rest of the text for every line.
    int bracket = from;
    while (bracket < to && text.charAt(bracket) != '(') {
      bracket++;
    }
    if (bracket == to) {
      return;
    }
    work.add(8L * (to - from));
    Matcher m = INLINE_PIECE.matcher(text).region(from, to);
    List<String> values = new ArrayList<>();
    int runStart = -1;
    int runEnd = -1;
    while (m.find()) {
      // Quotes around a title split across pieces ("We / Are / One") are dropped from the values.
      @Nullable String v = pieceWords(m.group(2).replace("\"", "").strip());
      boolean adjacent = runEnd >= 0 && text.substring(runEnd, m.start()).isBlank();
      if (v == null && adjacent) {
        // The last piece runs into the text after it ("(6) bread <- answer it"): its leading words.
        int k = m.start(2);
        while (k < m.end(2) && (Character.isLetterOrDigit(text.charAt(k)) || " '-?.,\"".indexOf(text.charAt(k)) >= 0)) {
          k++;
        }
        while (k > m.start(2) && Character.isWhitespace(text.charAt(k - 1))) {
          k--;
        }
        @Nullable String lead = pieceWords(text.substring(m.start(2), k).replace("\"", "").strip());
        if (lead != null) {
          values.add(lead);
          runEnd = k;
        }
      }
      if (v == null || !adjacent) {
        if (values.size() >= MIN_PIECES) {
          runs.add(new Run(runStart, runEnd, String.join(" ", values)));
        }
        values.clear();
        runStart = m.start();
      }
      if (v != null) {
        if (values.isEmpty()) {
          runStart = m.start();
        }
        values.add(v);
        runEnd = m.end(2);
      } else {
        runEnd = -1;
      }
    }
    if (values.size() >= MIN_PIECES) {
      runs.add(new Run(runStart, runEnd, String.join(" ", values)));
    }
  }

  /** The value of the piece text[from, to), or null when it is not a labelled piece. */
  static @Nullable String pieceValue(String text, int from, int to) {
    int i = skipSpaces(text, from, to);
    int labelEnd;
    boolean bracketed = i < to && text.charAt(i) == '(';
    if (bracketed) {
      int d = i + 1;
      while (d < to && isDigit(text.charAt(d))) {
        d++;
      }
      if (d == i + 1 || d >= to || text.charAt(d) != ')') {
        return null;
      }
      labelEnd = d + 1;
    } else {
      int k = i;
      while (k < to && k - i <= MAX_LABEL && (Character.isLetterOrDigit(text.charAt(k)) || text.charAt(k) == '_'
          || (text.charAt(k) == ' ' && k + 1 < to && isDigit(text.charAt(k + 1))))) {
        k++;
      }
      if (k == i || k - i > MAX_LABEL) {
        return null;
      }
      labelEnd = k;
    }
    int s = skipSpaces(text, labelEnd, to);
    if (!bracketed) {
      if (s + 1 < to && text.charAt(s) == ':' && text.charAt(s + 1) == '=') {
        s += 2;
      } else if (s < to && (text.charAt(s) == ':' || text.charAt(s) == '=')) {
        s++;
      } else {
        return null;
      }
    }
    s = skipSpaces(text, s, to);
    int e = to;
    while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
      e--;
    }
    if (e - s < 1 || e - s > MAX_VALUE + 2) {
      return null;
    }
    char q = text.charAt(s);
    if ((q == '"' || q == '\'') && e - s >= 2 && text.charAt(e - 1) == q) {
      String v = text.substring(s + 1, e - 1);
      return v.isBlank() || v.indexOf(q) >= 0 ? null : v.strip();
    }
    return pieceWords(text.substring(s, e));
  }

  /** The value when it is one to three words (letters, digits, apostrophes, hyphens, light punctuation). */
  private static @Nullable String pieceWords(String v) {
    int words = 0;
    boolean inWord = false;
    for (int k = 0; k < v.length(); k++) {
      char c = v.charAt(k);
      if (Character.isLetterOrDigit(c) || c == '\'' || c == '-') {
        if (!inWord) {
          words++;
        }
        inWord = true;
      } else if (c == ' ') {
        inWord = false;
      } else if (c != '?' && c != '.' && c != ',') {
        return null;
      }
    }
    return words >= 1 && words <= 3 ? v : null;
  }

  private static int skipSpaces(String text, int i, int to) {
    while (i < to && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\r')) {
      i++;
    }
    return i;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
