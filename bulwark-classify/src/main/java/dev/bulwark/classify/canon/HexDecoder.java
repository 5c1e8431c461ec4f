package dev.bulwark.classify.canon;

import org.jspecify.annotations.Nullable;

/**
 * Hexadecimal bytes: at least {@value #MIN_BYTES} of them, written contiguously ({@code 686f77}),
 * separated by a space, comma, colon, semicolon or hyphen ({@code 68 6f 77}, {@code 68:6f}), or each
 * with a {@code \x} or {@code 0x} prefix ({@code \x68\x6f}, {@code 0x68,0x6f}). A run starts at a word
 * start, each group has an even number of digits and ends at a word end, and the bytes must be valid
 * UTF-8 that reads as text: years and other numbers that happen to be hex never are.
 */
final class HexDecoder implements Decoder {
  static final String NAME = View.HEX;
  static final int MIN_BYTES = 8;

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    @Nullable StringBuilder out = null;
    TextChecks.Bytes bytes = new TextChecks.Bytes();
    int copied = 0;
    int i = 0;
    while (i < n) {
      work.add(1);
      if (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1))) {
        i++;
        continue;
      }
      bytes.clear();
      int end = run(text, i, bytes, work);
      if (end <= i) {
        i++;
        continue;
      }
      if (bytes.size() >= MIN_BYTES) {
        @Nullable String decoded = bytes.utf8();
        if (decoded != null && TextChecks.isTextLike(decoded)) {
          if (out == null) {
            out = new StringBuilder(n);
          }
          out.append(text, copied, i).append(decoded);
          copied = end;
        }
      }
      i = end;
    }
    if (out == null) {
      return null;
    }
    out.append(text, copied, n);
    return new Decoded(NAME, out.toString());
  }

  /** Reads the run of hex groups at {@code start}; returns its end, or {@code start} if none. */
  private static int run(String text, int start, TextChecks.Bytes bytes, Work work) {
    int n = text.length();
    int end = start;
    int groups = 0;
    while (end < n) {
      int k = end;
      if (groups > 0) {
        char c = text.charAt(k);
        if (c == ' ' || c == ',' || c == ':' || c == ';' || c == '-') {
          k++;
          if ((c == ',' || c == ';') && k < n && text.charAt(k) == ' ') {
            k++;
          }
        }
      }
      if (k + 2 < n
          && (text.charAt(k) == '\\' || text.charAt(k) == '0')
          && (text.charAt(k + 1) == 'x' || text.charAt(k + 1) == 'X')
          && TextChecks.hexValue(text.charAt(k + 2)) >= 0) {
        k += 2;
      }
      if (groups > 0 && k == end) {
        break; // two groups need a separator or a prefix between them
      }
      int digits = k;
      while (digits < n && TextChecks.hexValue(text.charAt(digits)) >= 0) {
        digits++;
      }
      work.add(digits - end);
      int count = digits - k;
      if (count < 2 || count % 2 != 0) {
        break;
      }
      if (digits < n && Character.isLetterOrDigit(text.charAt(digits))) {
        break; // inside a word
      }
      for (int d = k; d < digits; d += 2) {
        bytes.add(TextChecks.hexValue(text.charAt(d)) << 4 | TextChecks.hexValue(text.charAt(d + 1)));
      }
      groups++;
      end = digits;
    }
    return end;
  }
}
