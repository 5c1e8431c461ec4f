package dev.bulwark.classify.canon;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * International Morse code: runs of dots and dashes ({@code . - _ · • − – —}) separated by single spaces
 * between letters and by a slash, a bar or two or more spaces between words. A run of at least {@value
 * #MIN_LETTERS} codes, nearly all of them valid, that reads as words (two or more, one of them a common
 * English word) is replaced by its lower-case letters; the text around
 * it is kept. One scan, no backtracking.
 */
final class MorseDecoder implements Decoder {
  static final String NAME = View.MORSE;
  static final int MIN_LETTERS = 6;
  private static final int MAX_CODE = 7;

  private static final Map<String, Character> CODES = new HashMap<>();

  static {
    String[] letters = {
      ".-", "-...", "-.-.", "-..", ".", "..-.", "--.", "....", "..", ".---", "-.-", ".-..", "--",
      "-.", "---", ".--.", "--.-", ".-.", "...", "-", "..-", "...-", ".--", "-..-", "-.--", "--.."
    };
    for (int i = 0; i < letters.length; i++) {
      CODES.put(letters[i], (char) ('a' + i));
    }
    String[] digits = {
      "-----", ".----", "..---", "...--", "....-", ".....", "-....", "--...", "---..", "----."
    };
    for (int i = 0; i < digits.length; i++) {
      CODES.put(digits[i], (char) ('0' + i));
    }
    CODES.put(".-.-.-", '.');
    CODES.put("--..--", ',');
    CODES.put("..--..", '?');
  }

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    @Nullable StringBuilder out = null;
    int copied = 0;
    int i = 0;
    StringBuilder decoded = new StringBuilder();
    StringBuilder code = new StringBuilder(MAX_CODE + 1);
    while (i < n) {
      work.add(1);
      if (symbol(text.charAt(i)) == 0) {
        i++;
        continue;
      }
      // A run: symbols, spaces and word separators, starting and ending with a symbol.
      int start = i;
      int lastSymbol = i;
      int j = i;
      while (j < n && (symbol(text.charAt(j)) != 0 || isGap(text.charAt(j)))) {
        if (symbol(text.charAt(j)) != 0) {
          lastSymbol = j;
        }
        j++;
      }
      int end = lastSymbol + 1;
      work.add(end - start);
      int[] stats = decodeRun(text, start, end, decoded, code);
      int valid = stats[0];
      int invalid = stats[1];
      if (valid >= MIN_LETTERS && invalid * 10 <= valid && readsAsWords(decoded)) {
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, copied, start).append(decoded);
        copied = end;
      }
      i = Math.max(end, start + 1);
    }
    if (out == null) {
      return null;
    }
    out.append(text, copied, n);
    return new Decoded(NAME, out.toString());
  }

  /** Decodes text[start, end) into {@code decoded}; returns {valid codes, invalid codes}. */
  private static int[] decodeRun(String text, int start, int end, StringBuilder decoded, StringBuilder code) {
    decoded.setLength(0);
    code.setLength(0);
    int valid = 0;
    int invalid = 0;
    int spaces = 0;
    boolean wordBreak = false;
    for (int k = start; k <= end; k++) {
      char c = k < end ? text.charAt(k) : ' ';
      char s = k < end ? symbol(c) : 0;
      if (s != 0) {
        if (code.length() == 0 && decoded.length() > 0 && (wordBreak || spaces >= 2)) {
          decoded.append(' ');
        }
        spaces = 0;
        wordBreak = false;
        if (code.length() <= MAX_CODE) {
          code.append(s);
        }
        continue;
      }
      if (code.length() > 0) {
        Character letter = code.length() <= MAX_CODE ? CODES.get(code.toString()) : null;
        if (letter == null) {
          invalid++;
        } else {
          valid++;
          decoded.append(letter.charValue());
        }
        code.setLength(0);
      }
      if (c == '/' || c == '|') {
        wordBreak = true;
      } else {
        spaces++;
      }
    }
    return new int[] {valid, invalid};
  }

  /**
   * At least two decoded words, one of them a common English word: punctuation that happens to be
   * dots and dashes ("... - ...") decodes to letters, never to a sentence.
   */
  private static boolean readsAsWords(CharSequence decoded) {
    EnglishScore score = EnglishScore.of(decoded);
    return score.tokens() >= 2 && score.commonWords() >= 1;
  }

  /** '.' or '-' for a Morse symbol, 0 otherwise. */
  private static char symbol(char c) {
    return switch (c) {
      case '.', '\u00b7', '\u2022', '\u2219' -> '.';
      case '-', '_', '\u2212', '\u2013', '\u2014' -> '-';
      default -> 0;
    };
  }

  private static boolean isGap(char c) {
    return c == ' ' || c == '/' || c == '|' || c == '\t';
  }
}
