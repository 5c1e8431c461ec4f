package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Principal;
import dev.bulwark.store.ApiKeyRecord;
import dev.bulwark.store.KeyStore;
import dev.bulwark.store.TierRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates keys against an in-memory snapshot of the store's keys and tiers, so the hot path
 * never reads the database.
 *
 * <p>Concurrency: the snapshot is immutable and published through a volatile field; {@link
 * #authenticate} reads it without locks. A poller compares the store's change counter every {@code
 * pollInterval} and reloads when it moved, so a key created or revoked by the CLI (another process)
 * takes effect within one interval. An unknown key id also asks for an early poll (coalesced), so a
 * key used right after creation works on a retry.
 */
public final class KeyDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyDirectory.class);

  private final KeyStore store;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private final @Nullable ScheduledFuture<?> poller;
  private volatile Snapshot snapshot;

  /**
   * Loads the keys and starts polling.
   *
   * @param scheduler runs the poll; owned by the caller
   */
  public KeyDirectory(
      KeyStore store, Clock clock, ScheduledExecutorService scheduler, Duration pollInterval) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
    }
    this.snapshot = load();
    long ms = pollInterval.toMillis();
    this.poller = scheduler.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Authenticates a presented key (the raw header value, {@code Bearer } already stripped).
   *
   * @param presented the key, or null when the request carried none
   */
  public Authentication authenticate(@Nullable String presented) {
    if (presented == null || presented.isBlank()) {
      return new Authentication.Denied(Authentication.Reason.MISSING, null);
    }
    Optional<KeyToken> parsed = KeyToken.parse(presented.trim());
    if (parsed.isEmpty()) {
      return new Authentication.Denied(Authentication.Reason.MALFORMED, null);
    }
    KeyToken token = parsed.get();
    ApiKeyRecord key = snapshot.keys.get(token.id());
    if (key == null) {
      requestRefresh();
      return new Authentication.Denied(Authentication.Reason.UNKNOWN, token.id());
    }
    if (!token.matches(key.secretHash())) {
      return new Authentication.Denied(Authentication.Reason.UNKNOWN, token.id());
    }
    Instant now = clock.instant();
    if (key.revokedAt() != null && !now.isBefore(key.revokedAt())) {
      return new Authentication.Denied(Authentication.Reason.REVOKED, key.id());
    }
    if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
      return new Authentication.Denied(Authentication.Reason.EXPIRED, key.id());
    }
    return new Authentication.Granted(new Principal(key.id(), key.orgId(), key.tier()));
  }

  /** The policy name a tier points at, from the same snapshot. */
  public Optional<String> policyOfTier(String tier) {
    return Optional.ofNullable(snapshot.tierPolicies.get(tier));
  }

  /** Reloads now if the store changed. */
  public void refresh() {
    long version = store.changeVersion();
    if (version != snapshot.version) {
      snapshot = load();
    }
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.cancel(false);
    }
  }

  private void requestRefresh() {
    if (refreshQueued.compareAndSet(false, true)) {
      scheduler.execute(
          () -> {
            refreshQueued.set(false);
            pollQuietly();
          });
    }
  }

  private void pollQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // Keep serving from the last good snapshot: a store blip must not lock every client out.
      log.warn("key directory refresh failed; serving the previous snapshot", e);
    }
  }

  private Snapshot load() {
    // Read the counter first: a change that lands during the load bumps it again, so the next poll
    // reloads rather than missing it.
    long version = store.changeVersion();
    Map<String, ApiKeyRecord> keys = new HashMap<>();
    for (ApiKeyRecord k : store.keys(null)) {
      keys.put(k.id(), k);
    }
    Map<String, String> tiers = new HashMap<>();
    for (TierRecord t : store.tiers()) {
      tiers.put(t.name(), t.policy());
    }
    return new Snapshot(version, Map.copyOf(keys), Map.copyOf(tiers));
  }

  private record Snapshot(long version, Map<String, ApiKeyRecord> keys, Map<String, String> tierPolicies) {}
}
