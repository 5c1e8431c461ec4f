package dev.bulwark.store.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Instants as BIGINT epoch microseconds, the one time representation both databases store exactly
 * and the hash chain covers.
 */
public final class Micros {
  private Micros() {}

  /** Microseconds since the epoch; exact for any instant {@link #truncate} accepted. */
  public static long of(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
  }

  public static Instant toInstant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /**
   * {@code instant} cut to whole microseconds, so that what a caller hands in equals what it reads
   * back.
   *
   * @throws IllegalArgumentException naming {@code field} if it does not fit in a BIGINT
   */
  public static Instant truncate(String field, Instant instant) {
    Instant cut = instant.truncatedTo(ChronoUnit.MICROS);
    try {
      of(cut);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          field + ": must fit in 64-bit epoch microseconds, was " + instant, e);
    }
    return cut;
  }
}
