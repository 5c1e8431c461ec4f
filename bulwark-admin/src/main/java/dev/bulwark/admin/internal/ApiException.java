package dev.bulwark.admin.internal;

import static java.util.Objects.requireNonNull;

/** An answer other than success: its status, a machine-readable code and a sentence. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  ApiException(int status, String code, String message) {
    super(requireNonNull(message, "message"), null, false, false);
    this.status = status;
    this.code = requireNonNull(code, "code");
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "invalid_argument", message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  static ApiException forbidden(String code, String message) {
    return new ApiException(403, code, message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
