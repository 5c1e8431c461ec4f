package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import dev.bulwark.access.diligence.OrgAccess;
import dev.bulwark.core.Principal;
import dev.bulwark.store.ApiKeyRecord;
import dev.bulwark.store.KeyStore;
import dev.bulwark.store.TierRecord;
import dev.bulwark.store.diligence.DiligenceStore;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.TierOverride;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates keys against an in-memory snapshot of the store's keys and tiers, and resolves the
 * tier each organization's traffic runs under from the same snapshot's grants and step-downs, so the
 * hot path never reads the database.
 *
 * <p>Concurrency: the snapshot is immutable and published through a volatile field; {@link
 * #authenticate} reads it without locks. A poller compares the store's change counter every {@code
 * pollInterval} and reloads when it moved, so a key created or revoked by the CLI (another process)
 * takes effect within one interval. An unknown key id also asks for an early poll (coalesced);
 * {@link #authenticateFresh} waits for it, so a key used right after its creation works on its first
 * request. Refreshes are serialized; {@link #authenticate} never waits for them.
 */
public final class KeyDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyDirectory.class);

  private final KeyStore store;
  private final @Nullable DiligenceStore diligence;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final AtomicReference<@Nullable CompletableFuture<Void>> pendingRefresh = new AtomicReference<>();
  private final @Nullable ScheduledFuture<?> poller;
  private volatile Snapshot snapshot;

  /**
   * Loads the keys and starts polling; every key runs under its own tier (no grants, no
   * step-downs).
   *
   * @param scheduler runs the poll; owned by the caller
   */
  public KeyDirectory(
      KeyStore store, Clock clock, ScheduledExecutorService scheduler, Duration pollInterval) {
    this(store, null, clock, scheduler, pollInterval);
  }

  /**
   * Loads the keys, the unexpired grants and the step-downs, and starts polling.
   *
   * @param diligence where grants and step-downs live; null for none
   * @param scheduler runs the poll; owned by the caller
   */
  public KeyDirectory(
      KeyStore store,
      @Nullable DiligenceStore diligence,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration pollInterval) {
    this.store = requireNonNull(store, "store");
    this.diligence = diligence;
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
    Authentication a = check(presented);
    if (a instanceof Authentication.Denied d && d.reason() == Authentication.Reason.UNKNOWN && unknownId(presented)) {
      refreshSoon();
    }
    return a;
  }

  /**
   * {@link #authenticate}, except that a key whose id the snapshot does not hold yet is checked again
   * after a refresh (shared with every request waiting at the time), so a key another process created
   * a moment ago works on its first request instead of after the next poll. Completes at once unless
   * the id is unknown; otherwise on the scheduler, after the refresh, even if the refresh failed.
   */
  public CompletionStage<Authentication> authenticateFresh(@Nullable String presented) {
    Authentication a = check(presented);
    if (!(a instanceof Authentication.Denied d && d.reason() == Authentication.Reason.UNKNOWN && unknownId(presented))) {
      return CompletableFuture.completedFuture(a);
    }
    return refreshSoon().thenApply(v -> check(presented));
  }

  /** Whether a well-formed key's id is missing from the snapshot (not a wrong secret for a known id). */
  private boolean unknownId(@Nullable String presented) {
    Optional<KeyToken> t = presented == null ? Optional.empty() : KeyToken.parse(presented.trim());
    return t.isPresent() && !snapshot.keys.containsKey(t.get().id());
  }

  private Authentication check(@Nullable String presented) {
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

  /**
   * The tier a principal's request runs under now: its organization's step-down, else its active
   * grant covering {@code model}, else the key's tier. Reads the snapshot and the clock only; the
   * grant's window is compared with the clock here, so an adjusted tier ends at its expiry even if
   * the snapshot is older.
   *
   * @param model the requested model, or null before it is known (then only grants for every
   *     model apply)
   */
  public String effectiveTier(Principal principal, @Nullable String model) {
    OrgAccess org = snapshot.orgs.get(principal.orgId());
    return org == null ? principal.tier() : org.tier(principal.tier(), model, clock.instant());
  }

  /** {@link #effectiveTier}, for an organization and a key tier, with what decided it. */
  public OrgAccess.Resolution resolve(String orgId, String keyTier, @Nullable String model) {
    return snapshot.orgs.getOrDefault(orgId, OrgAccess.NONE).resolve(keyTier, model, clock.instant());
  }

  /** The policy name a tier points at, from the same snapshot. */
  public Optional<String> policyOfTier(String tier) {
    return Optional.ofNullable(snapshot.tierPolicies.get(tier));
  }

  /**
   * Reloads now if the store changed. Synchronized so that loads publish in order: the poller and
   * this process's admin writes may refresh at once, and an older load published after a newer one
   * would hide a revocation until the next poll.
   */
  public synchronized void refresh() {
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

  /**
   * A refresh on the scheduler, shared by every caller until it starts: a burst of unknown ids (a
   * client with a typo, or someone guessing) costs one change-counter read, not one each.
   */
  private CompletableFuture<Void> refreshSoon() {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> queued = pendingRefresh.compareAndExchange(null, mine);
    if (queued != null) {
      return queued;
    }
    try {
      scheduler.execute(
          () -> {
            // Callers from now on need a refresh that starts after them: they may look for a newer key.
            pendingRefresh.set(null);
            try {
              pollQuietly();
            } finally {
              mine.complete(null);
            }
          });
    } catch (RejectedExecutionException e) {
      pendingRefresh.set(null);
      mine.complete(null);
    }
    return mine;
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
    return new Snapshot(version, Map.copyOf(keys), Map.copyOf(tiers), orgs());
  }

  private Map<String, OrgAccess> orgs() {
    if (diligence == null) {
      return Map.of();
    }
    Map<String, List<Grant>> grants = new HashMap<>();
    for (Grant g : diligence.unexpiredGrants(clock.instant())) {
      grants.computeIfAbsent(g.orgId(), k -> new ArrayList<>()).add(g);
    }
    Map<String, TierOverride> stepDowns = new HashMap<>();
    for (TierOverride o : diligence.openOverrides()) {
      stepDowns.putIfAbsent(o.orgId(), o);
    }
    Map<String, OrgAccess> orgs = new HashMap<>();
    for (Map.Entry<String, List<Grant>> e : grants.entrySet()) {
      orgs.put(e.getKey(), OrgAccess.of(e.getValue(), stepDowns.get(e.getKey())));
    }
    for (Map.Entry<String, TierOverride> e : stepDowns.entrySet()) {
      orgs.putIfAbsent(e.getKey(), OrgAccess.of(List.of(), e.getValue()));
    }
    return Map.copyOf(orgs);
  }

  private record Snapshot(
      long version,
      Map<String, ApiKeyRecord> keys,
      Map<String, String> tierPolicies,
      Map<String, OrgAccess> orgs) {}
}
