package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.ApiKeyRecord;
import dev.bulwark.store.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Creates, lists and revokes API keys. Every change is an audited event in the store. */
public final class ApiKeys {
  private final KeyStore store;
  private final Clock clock;
  private final SecureRandom random;

  public ApiKeys(KeyStore store, Clock clock, SecureRandom random) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.random = requireNonNull(random, "random");
  }

  /**
   * Creates a key for an organization (created if new) on an existing tier.
   *
   * @param expiresIn how long the key is valid, or null for no expiry
   * @param actor who asked, for the audit event
   * @throws IllegalArgumentException if the tier does not exist or the expiry is not positive
   */
  public IssuedKey create(
      String orgId, String tier, @Nullable Duration expiresIn, @Nullable String label, String actor) {
    requireNonNull(orgId, "orgId");
    requireNonNull(tier, "tier");
    requireNonNull(actor, "actor");
    if (store.tier(tier).isEmpty()) {
      throw new IllegalArgumentException(
          "tier: unknown tier '" + tier + "'; known tiers: " + tierNames());
    }
    if (expiresIn != null && (expiresIn.isZero() || expiresIn.isNegative())) {
      throw new IllegalArgumentException("expires: must be a positive duration, was " + expiresIn);
    }
    store.ensureOrganization(orgId, orgId, actor);
    KeyToken token = KeyToken.generate(random);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    ApiKeyRecord record =
        new ApiKeyRecord(
            token.id(), orgId, tier, token.secretHash(), now,
            expiresIn == null ? null : now.plus(expiresIn), null, label);
    store.insertKey(record, actor);
    return new IssuedKey(token.token(), record);
  }

  /** Keys, optionally of one organization. */
  public List<ApiKeyRecord> list(@Nullable String orgId) {
    return store.keys(orgId);
  }

  /**
   * Revokes a key at once (running gateways notice within their poll interval).
   *
   * @return false if the key is unknown or already revoked
   */
  public boolean revoke(String keyId, String actor) {
    return store.revoke(keyId, clock.instant().truncatedTo(ChronoUnit.MICROS), actor);
  }

  private String tierNames() {
    List<String> names = store.tiers().stream().map(t -> t.name()).sorted().toList();
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }
}
