package dev.bulwark.protocol;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A request or response that does not follow its protocol. The message is safe to show the client: it
 * names the offending field ({@link #param()}) and what was expected, and never echoes content.
 */
public final class ProtocolException extends Exception {
  private final ErrorKind kind;
  private final @Nullable String param;

  public ProtocolException(ErrorKind kind, @Nullable String param, String message) {
    super(requireNonNull(message, "message"));
    this.kind = requireNonNull(kind, "kind");
    this.param = param;
  }

  /** An invalid-request error about one field, e.g. {@code messages[2].content}. */
  public static ProtocolException invalid(String param, String message) {
    return new ProtocolException(ErrorKind.INVALID_REQUEST, param, message);
  }

  public ErrorKind kind() {
    return kind;
  }

  /** The JSON path of the offending field, or null when the problem is not one field. */
  public @Nullable String param() {
    return param;
  }
}
