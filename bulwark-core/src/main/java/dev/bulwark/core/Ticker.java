package dev.bulwark.core;

/**
 * A source of monotonic nanoseconds, injected wherever latency is measured so that tests can
 * control it (as Caffeine's {@code Ticker} does).
 */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds from an arbitrary origin; only differences are meaningful. */
  long read();

  /** The system's monotonic clock. */
  static Ticker system() {
    return System::nanoTime;
  }
}
