package dev.bulwark.core.policy;

/**
 * Per-key limits of a tier. Zero means unlimited.
 *
 * @param requestsPerMinute sustained request rate, enforced as a token bucket with a burst of the
 *     same size
 * @param maxConcurrent requests in flight at once
 */
public record RateLimits(int requestsPerMinute, int maxConcurrent) {
  /** No limits. */
  public static final RateLimits UNLIMITED = new RateLimits(0, 0);

  public RateLimits {
    if (requestsPerMinute < 0) {
      throw new IllegalArgumentException("requestsPerMinute must be >= 0, was " + requestsPerMinute);
    }
    if (maxConcurrent < 0) {
      throw new IllegalArgumentException("maxConcurrent must be >= 0, was " + maxConcurrent);
    }
  }
}
