package dev.bulwark.protocol;

import static java.util.Objects.requireNonNull;

/**
 * The kinds of error the gateway answers with, and how each protocol spells them. Anthropic types are
 * from its documented error list; OpenAI types follow its API's {@code error.type} values.
 */
public enum ErrorKind {
  INVALID_REQUEST(400, "invalid_request_error", "invalid_request_error"),
  AUTHENTICATION(401, "authentication_error", "authentication_error"),
  PERMISSION(403, "permission_error", "permission_error"),
  NOT_FOUND(404, "not_found_error", "not_found_error"),
  REQUEST_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
  RATE_LIMIT(429, "rate_limit_error", "rate_limit_error"),
  API_ERROR(500, "server_error", "api_error"),
  BAD_GATEWAY(502, "server_error", "api_error"),
  OVERLOADED(503, "server_error", "overloaded_error"),
  TIMEOUT(504, "timeout_error", "timeout_error");

  private final int status;
  private final String openAiType;
  private final String anthropicType;

  ErrorKind(int status, String openAiType, String anthropicType) {
    this.status = status;
    this.openAiType = requireNonNull(openAiType);
    this.anthropicType = requireNonNull(anthropicType);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** OpenAI's {@code error.type}. */
  public String openAiType() {
    return openAiType;
  }

  /** Anthropic's {@code error.type}. */
  public String anthropicType() {
    return anthropicType;
  }
}
