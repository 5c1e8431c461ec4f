package dev.bulwark.admin;

import static java.util.Objects.requireNonNull;

/**
 * A refusal a contributed handler ({@link AdminRoutes.Handler}) throws: answered with its status and
 * as {@code {"error": {"code", "message"}}}. The message goes to the client, so it must say what was
 * wrong with the request and nothing of the server's insides.
 */
public final class AdminError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  /**
   * @param status a 4xx status
   * @param code machine-readable, such as {@code not_found}
   */
  public AdminError(int status, String code, String message) {
    super(requireNonNull(message, "message"), null, false, false);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("status must be a 4xx, was " + status);
    }
    this.status = status;
    this.code = requireNonNull(code, "code");
  }

  /** 400 {@code invalid_argument}. */
  public static AdminError badRequest(String message) {
    return new AdminError(400, "invalid_argument", message);
  }

  /** 404 {@code not_found}. */
  public static AdminError notFound(String message) {
    return new AdminError(404, "not_found", message);
  }

  /** 409 {@code conflict}. */
  public static AdminError conflict(String message) {
    return new AdminError(409, "conflict", message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
