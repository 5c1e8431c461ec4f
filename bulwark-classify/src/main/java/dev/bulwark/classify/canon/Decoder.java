package dev.bulwark.classify.canon;

import org.jspecify.annotations.Nullable;

/**
 * One decoding of obfuscated text. Stateless and thread-safe. A decoder is a single linear scan (a
 * bounded number of them) over its input, and reports the characters it visits to {@link Work}.
 */
interface Decoder {
  /**
   * The decoded text, or null when the decoding does not plausibly apply. Encoded parts are replaced
   * in place; the text around them is kept, since it is often the instruction that goes with them.
   */
  @Nullable Decoded decode(String text, Work work);

  /**
   * A decoding's result: the view's name part ({@code base64}, {@code shift3}, ...) and the text.
   *
   * @param payload the decoded parts alone, when only some parts of the text were decoded and the rest
   *     kept (null otherwise): what the sender hid, without the plain framing around it
   */
  record Decoded(String name, String text, @Nullable String payload) {
    Decoded(String name, String text) {
      this(name, text, null);
    }
  }
}
