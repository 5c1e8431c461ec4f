package dev.bulwark.response.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The time that servers sharing a store agree on, for leases: with PostgreSQL, the database server's
 * clock (one query per reading, {@code clock_timestamp()}), so that servers whose own clocks drift
 * apart still agree when a lease expires; with SQLite, the local clock, since every process that opens
 * the file runs on the same machine and reads the same clock.
 */
public final class StoreTime {
  private StoreTime() {}

  /**
   * The clock leases should read in a store: the database's for PostgreSQL, {@code local} otherwise.
   *
   * @param local this process's clock (also the answer for SQLite)
   */
  public static Clock clock(Store store, Clock local) {
    requireNonNull(store, "store");
    requireNonNull(local, "local");
    return store.dialect() == Dialect.POSTGRESQL ? new DatabaseClock(new Jdbc(store.dataSource()), ZoneOffset.UTC) : local;
  }

  /** The database's clock; every {@link #instant()} is one query. */
  private static final class DatabaseClock extends Clock {
    private final Jdbc db;
    private final ZoneId zone;

    DatabaseClock(Jdbc db, ZoneId zone) {
      this.db = db;
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
      return new DatabaseClock(db, requireNonNull(z, "zone"));
    }

    @Override
    public Instant instant() {
      long micros = db.query("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT) AS now_us",
          rs -> rs.getLong("now_us")).get(0);
      return Jdbc.instant(micros);
    }

    @Override
    public String toString() {
      return "DatabaseClock{" + zone + "}";
    }
  }
}
