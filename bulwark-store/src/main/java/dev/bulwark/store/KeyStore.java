package dev.bulwark.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * API keys, organizations and tiers. Writes are synchronous and rare; each runs in its own
 * transaction that also appends its audit event to the {@link EventLog}'s hash chain, so the log
 * holds every change or none was made. Every change also increases {@link #changeVersion()}.
 *
 * <p>{@code actor} names who made a change (an operator, {@code cli}, a service); it is recorded in
 * the event. Ids are checked against {@link Organization#ID}, {@link TierRecord#NAME} and
 * {@link ApiKeyRecord#ID}; a bad one fails with an {@link IllegalArgumentException} naming the
 * field.
 */
public interface KeyStore {
  /**
   * The organization {@code id}, created with {@code name} if absent (event {@code org.created}).
   * An existing organization is returned as it is, whatever {@code name} says.
   */
  Organization ensureOrganization(String id, String name, String actor);

  Optional<Organization> organization(String id);

  /** All organizations, by id. */
  List<Organization> organizations();

  /**
   * Creates tier {@code name} or replaces its policy. Writes event {@code tier.upserted} and counts
   * a change only when the policy differs from the stored one.
   */
  TierRecord upsertTier(String name, String policy, String actor);

  Optional<TierRecord> tier(String name);

  /** All tiers, by name. */
  List<TierRecord> tiers();

  /**
   * Stores a new key (event {@code key.created}, which names the key, organization, tier and expiry
   * but never the secret hash).
   *
   * @throws IllegalArgumentException if the id is taken, or the organization or tier is unknown
   */
  void insertKey(ApiKeyRecord key, String actor);

  Optional<ApiKeyRecord> key(String id);

  /** The keys of organization {@code orgId}, or of all organizations when null, by id. */
  List<ApiKeyRecord> keys(@Nullable String orgId);

  /**
   * Revokes key {@code id} as of {@code at} (event {@code key.revoked}).
   *
   * @return false, changing nothing, if the key is unknown or already revoked
   */
  boolean revoke(String id, Instant at, String actor);

  /**
   * A number that increases with every change to keys, tiers or organizations, and with every
   * audited write of the {@link dev.bulwark.store.diligence.DiligenceStore} (grants, step-downs,
   * people), by this process or another. One indexed read: the gateway polls it to know when to
   * drop its caches.
   */
  long changeVersion();
}
