package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A due-diligence operation was refused. The {@link Code} is machine-readable (the admin API answers
 * with it and a 4xx status); the message is a sentence for a person and names no secret.
 */
public final class DiligenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why an operation was refused. */
  public enum Code {
    /** A named organization, person, application, grant or token does not exist. */
    NOT_FOUND(Kind.NOT_FOUND),
    /** A field is missing or malformed. */
    INVALID_ARGUMENT(Kind.INVALID),
    /** A justification, reason or statement was missing or blank. */
    JUSTIFICATION_REQUIRED(Kind.INVALID),
    /** The requested duration exceeds the configured maximum grant. */
    DURATION_TOO_LONG(Kind.INVALID),
    /** An approving review rated a criterion below the configured minimum. */
    RATING_TOO_LOW(Kind.INVALID),
    /** The caller lacks the role the operation needs. */
    ROLE_REQUIRED(Kind.FORBIDDEN),
    /** The caller submitted the application they tried to review. */
    SELF_REVIEW(Kind.FORBIDDEN),
    /** The caller belongs to the organization whose application they tried to review. */
    SAME_ORGANIZATION(Kind.FORBIDDEN),
    /** A partner contact acted for an organization not their own. */
    OTHER_ORGANIZATION(Kind.FORBIDDEN),
    /** The caller already reviewed this application: each reviewer counts once. */
    ALREADY_REVIEWED(Kind.CONFLICT),
    /** The application was already approved or denied; a denied one needs a new application. */
    APPLICATION_CLOSED(Kind.CONFLICT),
    /** The application waited longer than the configured time and can no longer be reviewed. */
    APPLICATION_EXPIRED(Kind.CONFLICT),
    /** The grant was already revoked or has expired. */
    GRANT_INACTIVE(Kind.CONFLICT),
    /** The organization is not stepped down. */
    NOT_STEPPED_DOWN(Kind.CONFLICT),
    /** The token was already revoked. */
    TOKEN_INACTIVE(Kind.CONFLICT),
    /** The thing to create exists already. */
    ALREADY_EXISTS(Kind.CONFLICT);

    private final Kind kind;

    Code(Kind kind) {
      this.kind = kind;
    }

    /** The class of refusal, which decides the HTTP status. */
    public Kind kind() {
      return kind;
    }

    /** The code as the API writes it: {@code self_review}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Classes of refusal: 404, 400, 403 and 409 on the admin API. */
  public enum Kind {
    NOT_FOUND,
    INVALID,
    FORBIDDEN,
    CONFLICT
  }

  private final Code code;

  public DiligenceException(Code code, String message) {
    super(requireNonNull(message, "message"));
    this.code = requireNonNull(code, "code");
  }

  public Code code() {
    return code;
  }
}
