package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

/**
 * One window of a text, as {@link Encoder#windows(String)} cuts it.
 *
 * @param index the window's position among the text's windows, from 0
 * @param start the first char of the window in the original text (a UTF-16 index)
 * @param end one past the window's last char in the original text
 * @param text the window's text: the original's chars {@code [start, end)}
 * @param pieces the word pieces the encoder reads for it, {@code [CLS]} and {@code [SEP]} included
 */
public record Window(int index, int start, int end, String text, int pieces) {
  public Window {
    requireNonNull(text, "text");
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0, was " + index);
    }
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad char range [" + start + ", " + end + ")");
    }
    if (text.length() != end - start) {
      throw new IllegalArgumentException(
          "text has " + text.length() + " chars, range [" + start + ", " + end + ") has " + (end - start));
    }
    if (pieces < WindowPolicy.SPECIAL_PIECES || pieces > WindowPolicy.MODEL_MAX_PIECES) {
      throw new IllegalArgumentException(
          "pieces must be in [2, " + WindowPolicy.MODEL_MAX_PIECES + "], was " + pieces);
    }
  }

  @Override
  public String toString() {
    // The text may be anything a user sent: keep it out of logs by default.
    return "Window{index=" + index + ", chars=[" + start + ", " + end + "), pieces=" + pieces + "}";
  }
}
