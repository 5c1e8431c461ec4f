package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Instant;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An API key as stored. The store never sees the secret, only the hash the access module made of
 * it, and even that stays out of {@link #toString()} and of every event.
 *
 * @param id the key's public id
 * @param orgId the organization it belongs to, which must exist
 * @param tier the tier it runs under, which must exist
 * @param secretHash the access module's hash of the secret, printable ASCII without spaces
 * @param createdAt when it was issued
 * @param expiresAt when it stops working by itself, if ever
 * @param revokedAt when it was revoked, if it was
 * @param label a note for operators
 */
public record ApiKeyRecord(
    String id,
    String orgId,
    String tier,
    String secretHash,
    Instant createdAt,
    @Nullable Instant expiresAt,
    @Nullable Instant revokedAt,
    @Nullable String label) {

  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
  private static final Pattern SECRET_HASH = Pattern.compile("[\\x21-\\x7e]{1,512}");

  public ApiKeyRecord {
    requireNonNull(id, "id");
    requireNonNull(orgId, "orgId");
    requireNonNull(tier, "tier");
    requireNonNull(secretHash, "secretHash");
    requireNonNull(createdAt, "createdAt");
    Checks.matches("apiKey.id", id, ID);
    Checks.matches("apiKey.orgId", orgId, Organization.ID);
    Checks.matches("apiKey.tier", tier, TierRecord.NAME);
    if (!SECRET_HASH.matcher(secretHash).matches()) {
      // Not echoed: even a hash should not reach a log through an error message.
      throw new IllegalArgumentException(
          "apiKey.secretHash: must be 1 to 512 printable ASCII characters without spaces");
    }
    createdAt = Micros.truncate("apiKey.createdAt", createdAt);
    if (expiresAt != null) {
      expiresAt = Micros.truncate("apiKey.expiresAt", expiresAt);
      if (!expiresAt.isAfter(createdAt)) {
        throw new IllegalArgumentException(
            "apiKey.expiresAt: must be after createdAt " + createdAt + ", was " + expiresAt);
      }
    }
    if (revokedAt != null) {
      revokedAt = Micros.truncate("apiKey.revokedAt", revokedAt);
    }
    Checks.optionalText("apiKey.label", label, 200);
  }

  /** Whether it has been revoked. */
  public boolean revoked() {
    return revokedAt != null;
  }

  @Override
  public String toString() {
    return "ApiKeyRecord{id=" + id
        + ", orgId=" + orgId
        + ", tier=" + tier
        + ", secretHash=<masked>"
        + ", createdAt=" + createdAt
        + ", expiresAt=" + expiresAt
        + ", revokedAt=" + revokedAt
        + ", label=" + label
        + "}";
  }
}
