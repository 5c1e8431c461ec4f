package dev.bulwark.classify.canon;

import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Text written backwards: either the whole text reversed by code point ({@link #whole()}, surrogate
 * pairs stay whole) or each word spelled backwards in place ({@link #words()}, {@code "woh ot ekam"}).
 * A reversal is kept only when it is clearly more English than the input, for the whole text or,
 * failing that, part by part ({@link Segments}): a reversed payload after a plain instruction.
 */
final class ReversalDecoder implements Decoder {
  private final String name;
  private final UnaryOperator<String> reverse;
  private final long costPerChar;

  private ReversalDecoder(String name, UnaryOperator<String> reverse, long costPerChar) {
    this.name = name;
    this.reverse = reverse;
    this.costPerChar = costPerChar;
  }

  /** The whole text backwards. */
  static ReversalDecoder whole() {
    return new ReversalDecoder(View.REVERSED, text -> new StringBuilder(text).reverse().toString(), 3);
  }

  /** Each run of letters and digits backwards, everything else in place. */
  static ReversalDecoder words() {
    return new ReversalDecoder(View.REVERSED_WORDS, ReversalDecoder::reverseWords, 4);
  }

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    @Nullable Decoded all = decodeWhole(text, work);
    return all != null ? all : Segments.decodeEach(text, work, part -> decodeWhole(part, work));
  }

  private @Nullable Decoded decodeWhole(String text, Work work) {
    EnglishScore input = work.english(text);
    if (input.tokens() < 2 || input.readsAsEnglish()) {
      work.add(text.length());
      return null;
    }
    String reversed = reverse.apply(text);
    EnglishScore score = EnglishScore.of(reversed);
    work.add(costPerChar * text.length());
    return score.clearlyMoreEnglishThan(input) ? new Decoded(name, reversed) : null;
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
