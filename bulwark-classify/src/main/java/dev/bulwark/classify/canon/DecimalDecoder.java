package dev.bulwark.classify.canon;

import org.jspecify.annotations.Nullable;

/**
 * Decimal character codes: a run of at least {@value #MIN_CODES} numbers from 32 to 126 (printable
 * ASCII), separated by spaces, commas or semicolons ({@code 104 111 119}), is replaced by the text it
 * spells when that text reads as words (two or more, one of them a common English word). Tables of
 * measurements and lists of years never do.
 */
final class DecimalDecoder implements Decoder {
  static final String NAME = View.DECIMAL;
  static final int MIN_CODES = 8;

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    @Nullable StringBuilder out = null;
    StringBuilder decoded = new StringBuilder();
    int copied = 0;
    int i = 0;
    while (i < n) {
      work.add(1);
      if (!isDigit(text.charAt(i)) || (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1)))) {
        i++;
        continue;
      }
      decoded.setLength(0);
      int end = i;
      int k = i;
      while (k < n) {
        int digits = k;
        int value = 0;
        while (digits < n && isDigit(text.charAt(digits)) && digits - k < 4) {
          value = value * 10 + (text.charAt(digits) - '0');
          digits++;
        }
        if (digits == k || (digits < n && Character.isLetterOrDigit(text.charAt(digits))) || value < 32 || value > 126) {
          break;
        }
        decoded.append((char) value);
        end = digits;
        k = digits;
        int sep = k;
        while (sep < n && sep - k < 2 && (text.charAt(sep) == ' ' || text.charAt(sep) == ',' || text.charAt(sep) == ';')) {
          sep++;
        }
        if (sep == k) {
          break;
        }
        k = sep;
      }
      work.add(Math.max(0, k - i));
      if (decoded.length() >= MIN_CODES && readsAsWords(decoded)) {
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, copied, i).append(decoded);
        copied = end;
      }
      i = Math.max(end, i + 1);
    }
    if (out == null) {
      return null;
    }
    out.append(text, copied, n);
    return new Decoded(NAME, out.toString());
  }

  private static boolean readsAsWords(CharSequence decoded) {
    EnglishScore score = EnglishScore.of(decoded);
    return score.tokens() >= 2 && score.commonWords() >= 1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
