package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import dev.bulwark.response.gate.GateResult;
import dev.bulwark.response.gate.GateResults;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.internal.Leases;
import dev.bulwark.response.registry.Registry;
import dev.bulwark.response.registry.Release;
import dev.bulwark.response.review.Priority;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends shadow periods in a running server. Each round ({@link #runOnce}):
 *
 * <ol>
 *   <li>renews the leases of this server's responder (its running patch, its shadow periods), so other
 *       servers know a live process holds them;
 *   <li>refuses every release left in status {@code shadow} that no live process holds: no shadow
 *       period in this server's memory and no live lease in the store. That is a release whose server
 *       stopped or restarted during its shadow period (its live counts were in that server's memory and
 *       are lost), once its lease has expired ({@link RapidResponse#DEFAULT_SHADOW_LEASE} after the
 *       last renewal). It is never deployed: status {@code refused}, a gate result whose failed {@code
 *       shadow} check says {@value #RESTARTED}, a review item, and {@code response.shadow.abandoned} in
 *       the audit log. Taking the lease first makes one server do it, however many run the timer;
 *   <li>ends the responder's shadow periods that are due ({@link RapidResponse#finishDueShadows}).
 * </ol>
 *
 * <p>Time is the injected clock's; the server runs a round every {@link #DEFAULT_INTERVAL} on a thread
 * of its own ({@link #start}). Thread-safe: rounds are serialized.
 */
public final class ShadowTimer {
  private static final Logger log = LoggerFactory.getLogger(ShadowTimer.class);

  /** The name the timer uses for itself in audit records and deployments. */
  public static final String ACTOR = "rapid-response (shadow timer)";

  /** How often a server runs a round. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** The reason a release abandoned in its shadow period is refused with. */
  public static final String RESTARTED = "server restarted during its shadow period";

  private final Registry registry;
  private final GateResults gateResults;
  private final Leases leases;
  private final Audit audit;
  private final Clock clock;
  private final @Nullable ReviewQueue reviews;
  private final Supplier<Optional<RapidResponse>> responder;
  private final String holder = Leases.newHolder();

  /**
   * @param reviews where a refused release's review item goes, or null for none
   * @param responder this server's responder if it has been built (one that was never built holds no
   *     shadow period), without building it
   */
  public ShadowTimer(Store store, Clock clock, @Nullable ReviewQueue reviews, Supplier<Optional<RapidResponse>> responder) {
    this(store, clock, clock, reviews, responder);
  }

  /**
   * As {@link #ShadowTimer(Store, Clock, ReviewQueue, Supplier)}, reading leases by {@code leaseClock}
   * (the database's, where servers share a PostgreSQL store).
   */
  public ShadowTimer(Store store, Clock clock, Clock leaseClock, @Nullable ReviewQueue reviews,
      Supplier<Optional<RapidResponse>> responder) {
    ResponseStore rs = new ResponseStore(requireNonNull(store, "store"));
    this.clock = requireNonNull(clock, "clock");
    this.audit = new Audit(store.events(), clock);
    this.registry = new Registry(rs.jdbc(), audit);
    this.gateResults = new GateResults(rs.jdbc(), audit);
    this.leases = new Leases(rs.jdbc(), requireNonNull(leaseClock, "leaseClock"));
    this.reviews = reviews;
    this.responder = requireNonNull(responder, "responder");
  }

  /**
   * What one round did.
   *
   * @param finished the final gate results of the shadow periods this server ended
   * @param abandoned the releases refused because no live process held their shadow period
   */
  public record Round(List<GateResult> finished, List<String> abandoned) {}

  /** One round (see the class comment). */
  public synchronized Round runOnce() {
    Optional<RapidResponse> rr = responder.get();
    rr.ifPresent(RapidResponse::renewLeases);
    List<String> abandoned = refuseAbandoned(rr.map(RapidResponse::shadowReleaseIds).orElse(Set.of()));
    List<GateResult> finished = rr.map(r -> r.finishDueShadows(ACTOR)).orElse(List.of());
    return new Round(finished, abandoned);
  }

  /** Runs {@link #runOnce()} every {@code interval} on {@code scheduler}, the first time at once. */
  public ScheduledFuture<?> start(ScheduledExecutorService scheduler, Duration interval) {
    long ms = Math.max(1, interval.toMillis());
    return scheduler.scheduleWithFixedDelay(() -> {
      try {
        Round r = runOnce();
        for (GateResult g : r.finished()) {
          log.info("rapid response: the shadow period of {} ended: {}", g.releaseId(), g.reason());
        }
        for (String id : r.abandoned()) {
          log.warn("rapid response: refused {}: {}", id, RESTARTED);
        }
      } catch (RuntimeException e) {
        // Never let an exception cancel the periodic task; the next round tries again.
        log.warn("rapid response: the shadow timer's round failed; retrying: {}", e.toString());
      }
    }, 0, ms, TimeUnit.MILLISECONDS);
  }

  private List<String> refuseAbandoned(Set<String> mine) {
    List<String> out = new ArrayList<>();
    for (Release r : registry.releases(Release.Status.SHADOW)) {
      if (mine.contains(r.id())) {
        continue;
      }
      String name = RapidResponse.shadowLeaseName(r.id());
      Optional<Leases.Lease> before = leases.current(name);
      if (before.isPresent() && leases.isLive(before.get())) {
        continue; // a live server holds it
      }
      if (!leases.acquire(name, holder, Duration.ofMinutes(1)).acquired()) {
        continue; // another server is refusing it at this moment
      }
      try {
        if (refuse(r, before.orElse(null))) {
          out.add(r.id());
        }
      } finally {
        leases.release(name, holder);
      }
    }
    return out;
  }

  private boolean refuse(Release r, Leases.@Nullable Lease lost) {
    String family = r.familyId() == null ? "its family" : r.familyId();
    String detail = RESTARTED + ": no server holds its live counts any more ("
        + (lost == null ? "no lease was ever taken for it" : "the lease of " + lost.holder() + " expired at " + lost.expiresAt())
        + "); nothing was deployed: patch " + family + " again";
    audit.record("response.shadow.abandoned", Json.object().put("release", r.id()).put("family", r.familyId())
        .put("actor", ACTOR).put("reason", RESTARTED).put("previous_holder", lost == null ? null : lost.holder())
        .put("lease_expired_at", lost == null ? null : lost.expiresAt().toString()));
    if (!registry.setStatusIf(r.id(), Release.Status.SHADOW, Release.Status.REFUSED)) {
      return false; // its shadow period ended meanwhile
    }
    List<GateResult> earlier = gateResults.forRelease(r.id());
    GateResult offline = earlier.isEmpty() ? null : earlier.get(earlier.size() - 1);
    List<GateResult.Check> checks = new ArrayList<>(offline == null ? List.of() : offline.checks());
    checks.add(new GateResult.Check("shadow", false, 0, 0, detail));
    gateResults.record(new GateResult("", r.id(), r.familyId(), offline == null ? "unknown" : offline.against(),
        clock.instant(), false, checks));
    if (reviews != null) {
      reviews.enqueue(new ReviewQueue.NewItem("gate", "shadow period refused " + r.id() + ": " + detail, Priority.HIGH,
          r.familyId(), null, "-", 0));
    }
    return true;
  }
}
