package dev.bulwark.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.response.internal.Leases;
import dev.bulwark.response.internal.StoreTime;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases read the time servers agree on: the database's with PostgreSQL, where two servers' own
 * clocks may drift apart (a lease taken by a server whose clock is late must not look expired to the
 * others), the local clock with SQLite (one machine).
 */
class StoreTimeTest {
  @TempDir Path dir;

  @Test
  void clock_sqlite_isTheLocalClock() throws Exception {
    try (TestStores stores = new TestStores()) {
      Store store = stores.open(Dialect.SQLITE, dir);
      Clock local = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);

      assertThat(StoreTime.clock(store, local)).isSameAs(local);
    }
  }

  @Test
  void clock_postgres_readsTheDatabaseServersTime() throws Exception {
    try (TestStores stores = new TestStores()) {
      Store store = stores.open(Dialect.POSTGRESQL, dir);
      Clock late = Clock.offset(Clock.systemUTC(), Duration.ofHours(-3));

      Instant db = StoreTime.clock(store, late).instant();

      // The database runs on this machine here: its time is the real one, not the late local clock.
      assertThat(Duration.between(Instant.now(), db).abs()).isLessThan(Duration.ofMinutes(1));
    }
  }

  @Test
  void acquire_holdersClockFarBehind_leaseStaysLiveForOthersOnStoreTime() throws Exception {
    try (TestStores stores = new TestStores()) {
      Store a = stores.open(Dialect.POSTGRESQL, dir);
      Store b = stores.openAgain();
      // Server A's clock is 30 minutes late; B's is right. A takes a 15-minute lease.
      Clock late = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-30));
      Leases onLocalA = new Leases(new ResponseStore(a).jdbc(), late);
      Leases onLocalB = new Leases(new ResponseStore(b).jdbc(), Clock.systemUTC());
      assertThat(onLocalA.acquire("patch:fam-local", "server-a", Duration.ofMinutes(15)).acquired()).isTrue();
      assertThat(onLocalB.acquire("patch:fam-local", "server-b", Duration.ofMinutes(15)).acquired())
          .as("on their own clocks, B reads A's fresh lease as long expired and takes it").isTrue();

      Leases onStoreA = new Leases(new ResponseStore(a).jdbc(), StoreTime.clock(a, late));
      Leases onStoreB = new Leases(new ResponseStore(b).jdbc(), StoreTime.clock(b, Clock.systemUTC()));
      assertThat(onStoreA.acquire("patch:fam-store", "server-a", Duration.ofMinutes(15)).acquired()).isTrue();
      Leases.Claim claim = onStoreB.acquire("patch:fam-store", "server-b", Duration.ofMinutes(15));

      assertThat(claim.acquired()).as("on the database's clock, A's lease is live for B").isFalse();
      assertThat(claim.lease().holder()).isEqualTo("server-a");
      assertThat(onStoreB.live("patch:fam-store")).isPresent();
    }
  }
}
