package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Principal;
import org.jspecify.annotations.Nullable;

/** The outcome of presenting a key. */
public sealed interface Authentication {
  /** A valid key. */
  record Granted(Principal principal) implements Authentication {
    public Granted {
      requireNonNull(principal, "principal");
    }
  }

  /**
   * An unusable key.
   *
   * @param keyId the key's public id when the key was well-formed, else null
   */
  record Denied(Reason reason, @Nullable String keyId) implements Authentication {
    public Denied {
      requireNonNull(reason, "reason");
    }
  }

  /** Why a key was refused; the first three answer 401, the last two 403. */
  enum Reason {
    MISSING("no API key: send Authorization: Bearer <key> or x-api-key: <key>"),
    MALFORMED("the API key is not a Bulwark key"),
    UNKNOWN("unknown API key"),
    REVOKED("this API key has been revoked"),
    EXPIRED("this API key has expired");

    private final String message;

    Reason(String message) {
      this.message = message;
    }

    /** A message for the client; names no secret. */
    public String message() {
      return message;
    }

    /** Whether the key was recognised (403) rather than not (401). */
    public boolean recognised() {
      return this == REVOKED || this == EXPIRED;
    }

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
