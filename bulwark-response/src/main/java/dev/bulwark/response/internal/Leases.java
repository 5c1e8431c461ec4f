package dev.bulwark.response.internal;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Leases in the store ({@code response_leases}, migration V7): a named piece of work that one server
 * at a time may do, for a bounded time. {@link #acquire} takes a lease that is free, expired or the
 * caller's own, in one transaction (a conditional UPDATE, then an INSERT that does nothing on a
 * conflict, the pattern the intake's origin rows use): of two servers asking at the same instant one
 * gets it and the other is told who holds it and until when. Holders renew what they keep working on
 * and release it when done; a holder that died keeps others out until its lease expires.
 *
 * <p>Expiry is read from the injected clock of whoever asks: servers sharing a store must either read
 * one clock ({@link StoreTime#clock}: the database's, for PostgreSQL) or have clocks that agree to well
 * within a lease's length. Thread-safe; every method is one statement or one transaction (plus one
 * query for the time, with the database's clock).
 */
public final class Leases {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Jdbc db;
  private final Clock clock;

  public Leases(Jdbc db, Clock clock) {
    this.db = requireNonNull(db, "db");
    this.clock = requireNonNull(clock, "clock");
  }

  /** A lease row: who holds {@code name}, since when, until when. */
  public record Lease(String name, String holder, Instant acquiredAt, Instant expiresAt) {
    public Lease {
      requireNonNull(name, "name");
      requireNonNull(holder, "holder");
      requireNonNull(acquiredAt, "acquiredAt");
      requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether it still keeps others out at {@code now}. */
    public boolean live(Instant now) {
      return expiresAt.isAfter(now);
    }
  }

  /**
   * What {@link #acquire} got.
   *
   * @param acquired whether the caller holds the lease now
   * @param lease the caller's lease when acquired, else the holder's
   */
  public record Claim(boolean acquired, Lease lease) {}

  /**
   * A name for this process in lease rows: its pid and host, and a random suffix so that two holders
   * in one process (two responders in a test, a responder and a timer) stay apart.
   */
  public static String newHolder() {
    byte[] b = new byte[4];
    RANDOM.nextBytes(b);
    return ManagementFactory.getRuntimeMXBean().getName() + "/" + HexFormat.of().formatHex(b);
  }

  /** Takes {@code name} for {@code holder} until now + {@code ttl}, unless another holder's lease is live. */
  public Claim acquire(String name, String holder, Duration ttl) {
    requireNonNull(name, "name");
    requireNonNull(holder, "holder");
    long now = Jdbc.micros(clock.instant());
    long until = Jdbc.micros(clock.instant().plus(positive(ttl)));
    return db.inTransaction("taking lease " + name, tx -> {
      // The holder's own lease is taken again (a renewal that also moves acquired_at: a new piece of work).
      int n = tx.update("UPDATE response_leases SET holder = ?, acquired_at = ?, expires_at = ? WHERE name = ?"
          + " AND (expires_at <= ? OR holder = ?)", holder, now, until, name, now, holder);
      if (n == 0) {
        // Absent: of two inserts at once the second waits for the first (PostgreSQL) or could not begin
        // (SQLite's transactions take the write lock first), then does nothing.
        n = tx.update("INSERT INTO response_leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING", name, holder, now, until);
      }
      Lease l = tx.query("SELECT * FROM response_leases WHERE name = ?", Leases::lease, name).get(0);
      return new Claim(n == 1 && l.holder().equals(holder), l);
    });
  }

  /**
   * Extends {@code holder}'s lease on {@code name} to now + {@code ttl}.
   *
   * @return false when the holder no longer holds it (released, or expired and taken by another)
   */
  public boolean renew(String name, String holder, Duration ttl) {
    long until = Jdbc.micros(clock.instant().plus(positive(ttl)));
    // An expired lease nobody took meanwhile is still the holder's: renewing it loses nothing.
    return db.update("UPDATE response_leases SET expires_at = ? WHERE name = ? AND holder = ?", until, name, holder) == 1;
  }

  /** Gives {@code name} up, if {@code holder} holds it; returns whether it did. */
  public boolean release(String name, String holder) {
    return db.update("DELETE FROM response_leases WHERE name = ? AND holder = ?", name, holder) == 1;
  }

  /** The lease row of {@code name}, live or expired, if any. */
  public Optional<Lease> current(String name) {
    return db.queryOne("SELECT * FROM response_leases WHERE name = ?", Leases::lease, name);
  }

  /** The lease of {@code name} if it is live now. */
  public Optional<Lease> live(String name) {
    return current(name).filter(this::isLive);
  }

  /** Whether {@code lease} keeps others out now, by this object's clock. */
  public boolean isLive(Lease lease) {
    return lease.live(clock.instant());
  }

  private static Duration positive(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease needs a positive length, was " + ttl);
    }
    return ttl;
  }

  private static Lease lease(ResultSet rs) throws SQLException {
    return new Lease(rs.getString("name"), rs.getString("holder"), Jdbc.instant(rs.getLong("acquired_at")),
        Jdbc.instant(rs.getLong("expires_at")));
  }
}
