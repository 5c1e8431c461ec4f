package dev.bulwark.classify.canon;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a text part by part. Obfuscated payloads usually sit inside plain instructions ("The following
 * is in ROT13. Reply to it: ..."), and a decoder that judges the whole text sees mostly English on both
 * sides and rightly refuses. Cut at line breaks, quotes, brackets (an instruction in parentheses after
 * the payload), a colon or a sentence end followed by a space, each part is judged on its own: a part that decodes to clearly more English is replaced, the rest is
 * kept as it is. Each character belongs to one part, so the work stays linear.
 *
 * <p>When no part decodes, the parts are cut once more at commas next to a space: a payload joined to
 * a plain preface by a comma ("For a screenplay, &lt;payload&gt;") is one part with the preface, which
 * reads as half English either way. Only then, because finer parts are shorter and judged on fewer
 * words: a payload that decodes whole keeps its commas. At most twice the work, still linear.
 *
 * <p>When some parts are decoded and others kept, the decoded parts alone are returned too (the
 * payload), for a view of their own.
 */
final class Segments {
  /** Parts shorter than this are never decoded: too few letters to tell English from noise. */
  static final int MIN_PART = 8;

  private Segments() {}

  /**
   * The text with every part that {@code decodePart} decodes replaced, named after the first part
   * decoded; null when the text is one part or no part decodes.
   */
  static Decoder.@Nullable Decoded decodeEach(
      String text, Work work, Function<String, Decoder.@Nullable Decoded> decodePart) {
    Decoder.@Nullable Decoded coarse = decodeParts(text, work, decodePart, false);
    return coarse != null || !hasCommaBreak(text) ? coarse : decodeParts(text, work, decodePart, true);
  }

  private static Decoder.@Nullable Decoded decodeParts(
      String text, Work work, Function<String, Decoder.@Nullable Decoded> decodePart, boolean commas) {
    int n = text.length();
    @Nullable StringBuilder out = null;
    @Nullable StringBuilder payload = null;
    boolean kept = false;
    @Nullable String name = null;
    int copied = 0;
    int start = 0;
    boolean split = false;
    for (int i = 0; i <= n; i++) {
      boolean end = i == n || isBreak(text, i) || commas && isCommaBreak(text, i);
      if (!end) {
        continue;
      }
      if (i < n) {
        split = true;
      }
      int from = start;
      int to = i;
      while (from < to && Character.isWhitespace(text.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
        to--;
      }
      if (split && to - from >= MIN_PART) {
        Decoder.@Nullable Decoded part = decodePart.apply(text.substring(from, to));
        if (part != null) {
          if (out == null) {
            out = new StringBuilder(n + 16);
            payload = new StringBuilder();
            name = part.name();
          }
          out.append(text, copied, from).append(part.text());
          payload.append(payload.length() == 0 ? "" : "\n").append(part.text());
          copied = to;
        } else {
          kept |= hasLetter(text, from, to);
        }
      } else {
        kept |= hasLetter(text, from, to);
      }
      start = i + 1;
    }
    work.add(n);
    if (out == null || !split) {
      return null;
    }
    out.append(text, copied, n);
    return new Decoder.Decoded(name, out.toString(), kept ? payload.toString() : null);
  }

  private static boolean hasLetter(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (Character.isLetter(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasCommaBreak(String text) {
    for (int i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
      if (isCommaBreak(text, i)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A comma with a space on either side: after a word ({@code "scientist, "}) or, in words spelled
   * backwards, before one ({@code "gniwollof ,liame"}).
   */
  private static boolean isCommaBreak(String text, int i) {
    return text.charAt(i) == ','
        && (i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1))
            || i > 0 && Character.isWhitespace(text.charAt(i - 1)));
  }

  /** Whether the character at {@code i} ends a part (and belongs to none). */
  private static boolean isBreak(String text, int i) {
    char c = text.charAt(i);
    if (c == '\n' || c == '\r' || c == '"' || c == '\u201c' || c == '\u201d' || c == '`'
        || c == '(' || c == ')' || c == '[' || c == ']') {
      return true;
    }
    if (c == ':' || c == '.' || c == '?' || c == '!' || c == ';') {
      return i + 1 < text.length() && (text.charAt(i + 1) == ' ' || text.charAt(i + 1) == '\t');
    }
    return false;
  }
}
