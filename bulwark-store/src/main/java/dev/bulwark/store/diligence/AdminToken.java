package dev.bulwark.store.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Instant;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An admin credential as stored: the hash of its secret, never the secret, and never the hash in
 * {@link #toString()} or an event.
 *
 * @param id the credential's public id
 * @param personId whose it is
 * @param tokenHash the access module's hash of the secret
 * @param createdAt when it was issued
 * @param expiresAt when it stops working by itself, if ever
 * @param revokedAt when it was revoked, if it was
 * @param label a note
 */
public record AdminToken(
    String id,
    String personId,
    String tokenHash,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt,
    @Nullable String label) {
  private static final Pattern HASH = Pattern.compile("[\\x21-\\x7e]{1,512}");
  private static final Pattern TOKEN_ID = Pattern.compile("[a-z2-7]{16}");

  public AdminToken {
    requireNonNull(id, "id");
    requireNonNull(personId, "personId");
    requireNonNull(tokenHash, "tokenHash");
    requireNonNull(createdAt, "createdAt");
    Checks.matches("adminToken.id", id, TOKEN_ID);
    Ids.id("adminToken.person", personId);
    if (!HASH.matcher(tokenHash).matches()) {
      throw new IllegalArgumentException(
          "adminToken.tokenHash: must be 1 to 512 printable ASCII characters without spaces");
    }
    createdAt = Micros.truncate("adminToken.createdAt", createdAt);
    if (expiresAt != null) {
      expiresAt = Micros.truncate("adminToken.expiresAt", expiresAt);
      if (!expiresAt.isAfter(createdAt)) {
        throw new IllegalArgumentException("adminToken.expiresAt: must be after createdAt");
      }
    }
    if (revokedAt != null) {
      revokedAt = Micros.truncate("adminToken.revokedAt", revokedAt);
    }
    Checks.optionalText("adminToken.label", label, 200);
  }

  /** Whether it authenticates at {@code now}. */
  public boolean usableAt(Instant now) {
    return (revokedAt == null || now.isBefore(revokedAt))
        && (expiresAt == null || now.isBefore(expiresAt));
  }

  /** This token, revoked at {@code at}. */
  public AdminToken revoked(Instant at) {
    return new AdminToken(id, personId, tokenHash, createdAt, expiresAt, at, label);
  }

  @Override
  public String toString() {
    return "AdminToken{id=" + id + ", personId=" + personId + ", tokenHash=<masked>, createdAt="
        + createdAt + ", expiresAt=" + expiresAt + ", revokedAt=" + revokedAt + ", label=" + label
        + "}";
  }
}
