package dev.bulwark.response;

/**
 * A rapid-response operation that cannot be done as asked (unknown id, wrong state); the message says
 * why. {@link PatchInProgressException} is the one kind callers tell apart.
 */
public class ResponseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ResponseException(String message) {
    super(message);
  }

  public ResponseException(String message, Throwable cause) {
    super(message, cause);
  }
}
