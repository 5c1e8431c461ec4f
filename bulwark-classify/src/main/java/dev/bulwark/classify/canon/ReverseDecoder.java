package dev.bulwark.classify.canon;

import org.jspecify.annotations.Nullable;

/**
 * Text written backwards, reversed by code point (surrogate pairs stay whole); kept only when the
 * reversal is clearly more English than the input. When the whole text does not read better reversed
 * (a reversed payload after a plain instruction), each part is tried on its own ({@link Segments}).
 */
final class ReverseDecoder implements Decoder {
  static final String NAME = View.REVERSED;

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
    String reversed = new StringBuilder(text).reverse().toString();
    EnglishScore score = EnglishScore.of(reversed);
    work.add(3L * text.length());
    return score.clearlyMoreEnglishThan(input) ? new Decoded(NAME, reversed) : null;
  }
}
