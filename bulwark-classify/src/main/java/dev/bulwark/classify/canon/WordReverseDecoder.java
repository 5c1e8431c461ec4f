package dev.bulwark.classify.canon;

import org.jspecify.annotations.Nullable;

/**
 * Each word spelled backwards in place ({@code "woh ot ekam"}): every run of letters and digits is
 * reversed, everything else stays. Kept only when the result is clearly more English than the input,
 * for the whole text or, failing that, part by part ({@link Segments}).
 */
final class WordReverseDecoder implements Decoder {
  static final String NAME = View.REVERSED_WORDS;

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    @Nullable Decoded whole = decodeWhole(text, work);
    return whole != null ? whole : Segments.decodeEach(text, work, part -> decodeWhole(part, work));
  }

  private static @Nullable Decoded decodeWhole(String text, Work work) {
    EnglishScore input = work.english(text);
    if (input.tokens() < 2 || input.readsAsEnglish()) {
      work.add(text.length());
      return null;
    }
    String flipped = reverseWords(text);
    EnglishScore score = EnglishScore.of(flipped);
    work.add(4L * text.length());
    return score.clearlyMoreEnglishThan(input) ? new Decoded(NAME, flipped) : null;
  }

  static String reverseWords(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!Character.isLetterOrDigit(text.charAt(i))) {
        out.append(text.charAt(i));
        i++;
        continue;
      }
      int end = i;
      while (end < n && Character.isLetterOrDigit(text.charAt(end))) {
        end++;
      }
      for (int k = end - 1; k >= i; k--) {
        out.append(text.charAt(k));
      }
      i = end;
    }
    return out.toString();
  }
}
