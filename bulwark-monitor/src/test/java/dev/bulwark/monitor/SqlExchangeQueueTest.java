package dev.bulwark.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.monitor.internal.SqlExchangeQueue;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Outbox;
import dev.bulwark.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Partition leases: fair shares, expiry of a dead consumer's leases, and fencing of a stale one. */
class SqlExchangeQueueTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2025-03-01T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static List<Traffic.Ex> traffic(int n) {
    List<Traffic.Ex> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Traffic.Ex("org" + (i % 40), "k", Instant.parse("2025-03-01T10:00:00Z").plusSeconds(i), "hi " + i, "ok"));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void poll_twoConsumers_shareThePartitionsAndNeverOverlap(Dialect dialect) {
    try (TestDb db = TestDb.create(dialect, dir)) {
      Store store = db.open();
      Traffic.append(store, traffic(200));
      TestClock clock = new TestClock();
      SqlExchangeQueue a = new SqlExchangeQueue(store.dataSource(), store.dialect(), "a", Duration.ofSeconds(10), clock);
      SqlExchangeQueue b = new SqlExchangeQueue(store.dataSource(), store.dialect(), "b", Duration.ofSeconds(10), clock);
      assertThat(a.poll(1000)).hasSize(200);
      assertThat(a.ownedPartitions()).hasSize(Outbox.PARTITIONS);
      assertThat(b.poll(1000)).as("nothing free yet").isEmpty();
      a.poll(1000); // a sees two live consumers and gives half back
      List<Delivery> fromB = b.poll(1000);
      List<Delivery> fromA = a.poll(1000);
      assertThat(a.ownedPartitions()).hasSize(Outbox.PARTITIONS / 2);
      assertThat(b.ownedPartitions()).hasSize(Outbox.PARTITIONS / 2);
      Set<Integer> overlap = new HashSet<>(a.ownedPartitions());
      overlap.retainAll(b.ownedPartitions());
      assertThat(overlap).isEmpty();
      assertThat(fromA.size() + fromB.size()).isEqualTo(200);
      for (Delivery d : fromA) {
        assertThat(a.ownedPartitions()).contains(d.partition());
      }
      // Each account's entries come in seq order.
      long last = -1;
      for (Delivery d : fromB) {
        if (d.account().equals(fromB.get(0).account())) {
          assertThat(d.seq()).isGreaterThan(last);
          last = d.seq();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void poll_deadConsumer_itsPartitionsComeBackWhenItsLeaseExpiresAndItIsFenced(Dialect dialect) {
    try (TestDb db = TestDb.create(dialect, dir)) {
      Store store = db.open();
      Traffic.append(store, traffic(50));
      TestClock clock = new TestClock();
      SqlExchangeQueue dead = new SqlExchangeQueue(store.dataSource(), store.dialect(), "dead", Duration.ofSeconds(10), clock);
      SqlExchangeQueue live = new SqlExchangeQueue(store.dataSource(), store.dialect(), "live", Duration.ofSeconds(10), clock);
      List<Delivery> stale = dead.poll(1000);
      assertThat(stale).hasSize(50);
      assertThat(live.poll(1000)).isEmpty();
      clock.now = clock.now.plusSeconds(11); // "dead" stopped renewing
      List<Delivery> taken = live.poll(1000);
      assertThat(taken).hasSize(50);
      assertThat(live.ownedPartitions()).hasSize(Outbox.PARTITIONS);

      // The stalled consumer wakes up: its acknowledgement is refused, the entries stay queued.
      Acknowledgement ack = new Acknowledgement();
      stale.forEach(ack::done);
      assertThat(dead.acknowledge(ack)).isFalse();
      assertThat(db.count("SELECT COUNT(*) FROM monitor_outbox")).isEqualTo(50);
      Acknowledgement good = new Acknowledgement();
      taken.forEach(good::done);
      assertThat(live.acknowledge(good)).isTrue();
      assertThat(db.count("SELECT COUNT(*) FROM monitor_outbox")).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void close_givesPartitionsBackAtOnce(Dialect dialect) {
    try (TestDb db = TestDb.create(dialect, dir)) {
      Store store = db.open();
      Traffic.append(store, traffic(10));
      TestClock clock = new TestClock();
      SqlExchangeQueue a = new SqlExchangeQueue(store.dataSource(), store.dialect(), "a", Duration.ofSeconds(10), clock);
      SqlExchangeQueue b = new SqlExchangeQueue(store.dataSource(), store.dialect(), "b", Duration.ofSeconds(10), clock);
      a.poll(100);
      a.close();
      assertThat(b.poll(100)).hasSize(10);
      QueueStats stats = b.stats();
      assertThat(stats.pending()).isEqualTo(10);
      assertThat(stats.ownedPartitions()).isEqualTo(Outbox.PARTITIONS);
      assertThat(stats.oldestEnqueuedAt()).isNotNull();
    }
  }
}
