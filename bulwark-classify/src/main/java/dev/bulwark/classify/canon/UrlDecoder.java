package dev.bulwark.classify.canon;

import org.jspecify.annotations.Nullable;

/**
 * Percent-encoding: fires on at least {@value #MIN_ESCAPES} valid {@code %XX} escapes. Consecutive
 * escapes are decoded together as UTF-8 (left as they are when they are not valid UTF-8), and {@code +}
 * reads as a space inside a whitespace-delimited word that holds an escape, as in a form-encoded query.
 */
final class UrlDecoder implements Decoder {
  static final String NAME = View.URL;
  static final int MIN_ESCAPES = 2;

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    int escapes = 0;
    for (int i = 0; i < n; i++) {
      if (isEscape(text, i)) {
        escapes++;
      }
    }
    work.add(n);
    if (escapes < MIN_ESCAPES) {
      return null;
    }
    StringBuilder out = new StringBuilder(n);
    TextChecks.Bytes bytes = new TextChecks.Bytes();
    int i = 0;
    while (i < n) {
      if (Character.isWhitespace(text.charAt(i))) {
        out.append(text.charAt(i++));
        continue;
      }
      int end = i;
      boolean escaped = false;
      while (end < n && !Character.isWhitespace(text.charAt(end))) {
        escaped |= isEscape(text, end);
        end++;
      }
      work.add(2L * (end - i));
      i = word(text, i, end, escaped, bytes, out);
    }
    return new Decoded(NAME, out.toString());
  }

  private static int word(
      String text, int start, int end, boolean plusIsSpace, TextChecks.Bytes bytes, StringBuilder out) {
    int i = start;
    while (i < end) {
      char c = text.charAt(i);
      if (isEscape(text, i)) {
        int runStart = i;
        bytes.clear();
        while (i < end && isEscape(text, i)) {
          bytes.add(TextChecks.hexValue(text.charAt(i + 1)) << 4 | TextChecks.hexValue(text.charAt(i + 2)));
          i += 3;
        }
        @Nullable String decoded = bytes.utf8();
        out.append(decoded != null ? decoded : text.substring(runStart, i));
      } else {
        out.append(plusIsSpace && c == '+' ? ' ' : c);
        i++;
      }
    }
    return end;
  }

  private static boolean isEscape(String text, int i) {
    return text.charAt(i) == '%'
        && i + 2 < text.length()
        && TextChecks.hexValue(text.charAt(i + 1)) >= 0
        && TextChecks.hexValue(text.charAt(i + 2)) >= 0;
  }
}
