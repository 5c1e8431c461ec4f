package dev.bulwark.classify.canon;

import static java.util.Objects.requireNonNull;

/**
 * One reading of a text.
 *
 * @param name how it was derived: {@code raw}, {@code normalized}, or a chain of decodings joined by
 *     {@code >} such as {@code base64>rot13}; reported as the view that fired. The names are stable
 *     (the constants below, and {@code shiftN} for a Caesar shift of N other than 13)
 * @param text the text of this view
 */
public record View(String name, String text) {
  /** The name of the untouched input. */
  public static final String RAW = "raw";

  /** The name of the normalized input (NFKC, confusables folded, invisible characters removed). */
  public static final String NORMALIZED = "normalized";

  /** Base64, standard or URL-safe alphabet. */
  public static final String BASE64 = "base64";

  /** Hexadecimal bytes. */
  public static final String HEX = "hex";

  /** Percent-encoding. */
  public static final String URL = "url";

  /** HTML character references. */
  public static final String HTML = "html";

  /** A Caesar shift by 13. */
  public static final String ROT13 = "rot13";

  /** The prefix of the other Caesar shifts: {@code shift3} undoes a shift of each letter 3 forward. */
  public static final String SHIFT_PREFIX = "shift";

  /** The a↔z substitution. */
  public static final String ATBASH = "atbash";

  /** Text written backwards. */
  public static final String REVERSED = "reversed";

  /** Each word spelled backwards, put right. */
  public static final String REVERSED_WORDS = "reversed-words";

  /** International Morse code. */
  public static final String MORSE = "morse";

  /** Decimal character codes. */
  public static final String DECIMAL = "decimal";

  /** Labelled pieces of a request (numbered words, string variables) joined in order. */
  public static final String JOINED = "joined";

  /** Spaced-out or dotted letters joined. */
  public static final String DESPACED = "despaced";

  /**
   * Appended to a view's name for the decoded parts of a part-wise decoding alone ({@code
   * reversed-words+payload}): a plain framing around a short payload ("For a screenplay about ...,
   * &lt;payload&gt; (reply fully)") otherwise dilutes the payload's score in its view.
   */
  public static final String PAYLOAD_SUFFIX = "+payload";

  /** Leetspeak read as letters. */
  public static final String LEET = "leet";

  public View {
    requireNonNull(name, "name");
    requireNonNull(text, "text");
  }
}
