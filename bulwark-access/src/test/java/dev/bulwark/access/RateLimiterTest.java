package dev.bulwark.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.policy.RateLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong();
  private final RateLimiter limiter = new RateLimiter(nanos::get);

  @Test
  void acquire_unlimited_alwaysPermits() {
    for (int i = 0; i < 1000; i++) {
      assertThat(limiter.acquire("k", RateLimits.UNLIMITED)).isInstanceOf(RateLimiter.Permit.class);
    }
  }

  @Test
  void acquire_burstSpent_refusesWithRetryAfterUntilRefilled() {
    RateLimits sixty = new RateLimits(60, 0);
    for (int i = 0; i < 60; i++) {
      assertThat(limiter.acquire("k", sixty)).isInstanceOf(RateLimiter.Permit.class);
    }

    RateLimiter.Outcome refused = limiter.acquire("k", sixty);
    assertThat(refused).isInstanceOf(RateLimiter.Refused.class);
    assertThat(((RateLimiter.Refused) refused).retryAfterSeconds()).isBetween(1L, 2L);
    assertThat(((RateLimiter.Refused) refused).limit()).isEqualTo("rate");

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(limiter.acquire("k", sixty)).isInstanceOf(RateLimiter.Permit.class);
    assertThat(limiter.acquire("k", sixty)).isInstanceOf(RateLimiter.Refused.class);
  }

  @Test
  void acquire_keysAreIndependent() {
    RateLimits one = new RateLimits(1, 0);
    assertThat(limiter.acquire("a", one)).isInstanceOf(RateLimiter.Permit.class);
    assertThat(limiter.acquire("b", one)).isInstanceOf(RateLimiter.Permit.class);
    assertThat(limiter.acquire("a", one)).isInstanceOf(RateLimiter.Refused.class);
  }

  @Test
  void acquire_concurrencyLimit_freedByRelease() {
    RateLimits two = new RateLimits(0, 2);
    RateLimiter.Permit p1 = (RateLimiter.Permit) limiter.acquire("k", two);
    limiter.acquire("k", two);

    assertThat(limiter.acquire("k", two)).isInstanceOf(RateLimiter.Refused.class);
    p1.release();
    p1.release();
    assertThat(limiter.acquire("k", two)).isInstanceOf(RateLimiter.Permit.class);
    assertThat(limiter.acquire("k", two)).isInstanceOf(RateLimiter.Refused.class);
  }

  @Test
  void acquire_64ConcurrentClients_neverMorePermitsThanTheLimits() throws Exception {
    RateLimiter real = new RateLimiter(() -> 0L);
    RateLimits limits = new RateLimits(500, 8);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(64);
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 64; t++) {
      futures.add(pool.submit(() -> {
        start.await();
        // Until the rate limit itself refuses: a refusal for concurrency consumes no token, so a
        // fixed number of attempts would leave tokens unspent on a busy machine. The futures' get()
        // below bounds the loop.
        while (true) {
          RateLimiter.Outcome outcome = real.acquire("shared", limits);
          if (outcome instanceof RateLimiter.Permit p) {
            granted.incrementAndGet();
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            Thread.yield();
            inFlight.decrementAndGet();
            p.release();
          } else if ("rate".equals(((RateLimiter.Refused) outcome).limit())) {
            return null;
          } else {
            Thread.yield();
          }
        }
      }));
    }
    start.countDown();
    for (var f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    // The clock never moves, so the bucket grants its burst exactly once.
    assertThat(granted.get()).isEqualTo(500);
    assertThat(maxInFlight.get()).isLessThanOrEqualTo(8);
  }
}
