package dev.bulwark.simulator.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's stand-in for a model tokenizer. A token is a run of non-whitespace with the
 * whitespace after it (whitespace before the first run joins the first token), so joining the
 * tokens gives back the text exactly. Tool-call arguments, which have little whitespace, are cut
 * into pieces of a few characters instead, so that they still stream as several deltas.
 */
public final class Tokenizer {
  /** Characters per tool-argument piece. */
  static final int ARGUMENT_PIECE_CHARS = 8;

  private Tokenizer() {}

  /** The text's tokens; empty for empty text, one token for text that is all whitespace. */
  public static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    int n = text.length();
    int start = 0;
    int i = 0;
    // Leading whitespace joins the first token.
    while (i < n && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    while (i < n) {
      while (i < n && !Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      while (i < n && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      out.add(text.substring(start, i));
      start = i;
    }
    if (start < n) {
      out.add(text.substring(start));
    }
    return out;
  }

  /** How many runs of non-whitespace the text has: the simulator's prompt token count. */
  public static int countWords(CharSequence text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0, n = text.length(); i < n; i++) {
      boolean ws = Character.isWhitespace(text.charAt(i));
      if (!ws && !inWord) {
        count++;
      }
      inWord = !ws;
    }
    return count;
  }

  /** The text cut into pieces of at most {@code max} chars, never splitting a surrogate pair. */
  public static List<String> pieces(String text, int max) {
    if (max < 2) {
      throw new IllegalArgumentException("max must be >= 2, was " + max);
    }
    List<String> out = new ArrayList<>();
    int n = text.length();
    int start = 0;
    while (start < n) {
      int end = Math.min(n, start + max);
      if (end < n && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      out.add(text.substring(start, end));
      start = end;
    }
    return out;
  }

  /** Tool arguments as streamed pieces. */
  public static List<String> argumentPieces(String arguments) {
    return pieces(arguments, ARGUMENT_PIECE_CHARS);
  }
}
