package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a responder's leases ({@link RapidResponse#renewLeases}: the patch running now) on a
 * schedule, for a process that runs no {@link ShadowTimer}, which renews them in a server. Without it
 * a one-shot {@code bulwark respond patch} that runs longer than {@link
 * RapidResponse#DEFAULT_PATCH_LEASE} stops being exclusive: another server could patch the family
 * beside it.
 *
 * <pre>{@code
 * LeaseRenewal renewing = LeaseRenewal.start(responder, scheduler, LeaseRenewal.DEFAULT_INTERVAL);
 * try {
 *   responder.respond(family, options);
 * } finally {
 *   renewing.close();
 * }
 * }</pre>
 *
 * <p>The renewal reads the responder's injected clock, like the lease it extends; the scheduler is the
 * caller's (a daemon thread in the CLI), and {@link #close()} cancels the task without shutting the
 * scheduler down. Thread-safe.
 */
public final class LeaseRenewal implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseRenewal.class);

  /** How often leases are renewed: as often as a server's shadow timer does. */
  public static final Duration DEFAULT_INTERVAL = ShadowTimer.DEFAULT_INTERVAL;

  private final ScheduledFuture<?> task;

  private LeaseRenewal(ScheduledFuture<?> task) {
    this.task = task;
  }

  /**
   * Renews {@code responder}'s leases every {@code interval} on {@code scheduler}, the first time after
   * one interval (a lease is taken fresh when a patch starts), until {@link #close()}.
   */
  public static LeaseRenewal start(RapidResponse responder, ScheduledExecutorService scheduler, Duration interval) {
    requireNonNull(responder, "responder");
    requireNonNull(scheduler, "scheduler");
    requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the lease renewal interval must be positive, was " + interval);
    }
    long ms = Math.max(1, interval.toMillis());
    return new LeaseRenewal(scheduler.scheduleWithFixedDelay(() -> {
      try {
        responder.renewLeases();
      } catch (RuntimeException e) {
        // A store that is briefly unreachable must not cancel the periodic task: the next try renews.
        log.warn("rapid response: renewing the patch lease failed; retrying: {}", e.toString());
      }
    }, ms, ms, TimeUnit.MILLISECONDS));
  }

  /** Whether the renewal has stopped. */
  public boolean stopped() {
    return task.isDone();
  }

  /** Stops renewing; a renewal already running finishes. */
  @Override
  public void close() {
    task.cancel(false);
  }
}
