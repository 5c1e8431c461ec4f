package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Ticker;
import dev.bulwark.core.policy.RateLimits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Per-key request rate (a token bucket refilled continuously, burst equal to the per-minute rate) and
 * concurrency limits.
 *
 * <p>Concurrency: one small lock per key; keys never contend with each other.
 */
public final class RateLimiter {
  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Ticker ticker;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /**
   * Takes a request slot for a key.
   *
   * @return a permit to {@link Permit#release()} when the request ends, or a refusal with the seconds
   *     to wait
   */
  public Outcome acquire(String keyId, RateLimits limits) {
    if (limits.requestsPerMinute() == 0 && limits.maxConcurrent() == 0) {
      return Permit.NONE;
    }
    Bucket b = buckets.computeIfAbsent(keyId, k -> new Bucket(ticker.read()));
    synchronized (b) {
      long now = ticker.read();
      if (limits.maxConcurrent() > 0 && b.inFlight >= limits.maxConcurrent()) {
        return new Refused(1, "concurrency");
      }
      if (limits.requestsPerMinute() > 0) {
        double capacity = limits.requestsPerMinute();
        double perNano = capacity / MINUTE_NANOS;
        b.tokens = Math.min(capacity, b.initialized ? b.tokens + (now - b.updated) * perNano : capacity);
        b.initialized = true;
        b.updated = now;
        if (b.tokens < 1.0) {
          long waitNanos = (long) Math.ceil((1.0 - b.tokens) / perNano);
          return new Refused(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos) + 1), "rate");
        }
        b.tokens -= 1.0;
      }
      b.inFlight++;
      return new Permit(b);
    }
  }

  /** What {@link #acquire} returns. */
  public sealed interface Outcome permits Permit, Refused {}

  /** A request slot; release exactly once. */
  public static final class Permit implements Outcome {
    static final Permit NONE = new Permit(null);

    private final @Nullable Bucket bucket;
    private boolean released;

    private Permit(@Nullable Bucket bucket) {
      this.bucket = bucket;
    }

    /** Frees the concurrency slot. Idempotent. */
    public void release() {
      if (bucket == null) {
        return;
      }
      synchronized (bucket) {
        if (!released) {
          released = true;
          bucket.inFlight--;
        }
      }
    }
  }

  /**
   * A refused request.
   *
   * @param retryAfterSeconds the {@code retry-after} to send
   * @param limit which limit refused it: {@code rate} or {@code concurrency}
   */
  public record Refused(long retryAfterSeconds, String limit) implements Outcome {}

  private static final class Bucket {
    double tokens;
    long updated;
    boolean initialized;
    int inFlight;

    Bucket(long now) {
      this.updated = now;
    }
  }
}
