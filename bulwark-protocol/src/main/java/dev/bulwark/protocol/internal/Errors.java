package dev.bulwark.protocol.internal;

import dev.bulwark.protocol.ErrorKind;
import org.jspecify.annotations.Nullable;

/** Error vocabulary shared by both codecs. */
public final class Errors {
  /** Upstream messages are passed on, but never at any length: they may quote the request. */
  public static final int MAX_MESSAGE_CHARS = 1000;

  private Errors() {}

  /** The Anthropic error type for an OpenAI {@code error.type}; {@code api_error} when unknown. */
  public static String anthropicTypeOf(@Nullable String openAiType) {
    if (openAiType != null) {
      for (ErrorKind k : ErrorKind.values()) {
        if (k.openAiType().equals(openAiType)) {
          return k.anthropicType();
        }
      }
    }
    return ErrorKind.API_ERROR.anthropicType();
  }

  /** The OpenAI error type for an Anthropic {@code error.type}; {@code server_error} when unknown. */
  public static String openAiTypeOf(String anthropicType) {
    for (ErrorKind k : ErrorKind.values()) {
      if (k.anthropicType().equals(anthropicType)) {
        return k.openAiType();
      }
    }
    return ErrorKind.API_ERROR.openAiType();
  }

  /**
   * An upstream's message made safe to relay: control characters (which could forge log lines or SSE
   * frames) become spaces, and the length is capped.
   */
  public static String sanitize(String message) {
    StringBuilder b = new StringBuilder(Math.min(message.length(), MAX_MESSAGE_CHARS));
    for (int i = 0; i < message.length() && b.length() < MAX_MESSAGE_CHARS; i++) {
      char c = message.charAt(i);
      b.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (b.length() > 0 && Character.isHighSurrogate(b.charAt(b.length() - 1))) {
      // The cap fell inside a surrogate pair; half a character is not text.
      b.setLength(b.length() - 1);
    }
    return b.toString().strip();
  }
}
