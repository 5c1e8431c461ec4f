package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Opening, reopening and closing, on each dialect. */
@ParameterizedClass
@EnumSource(Dialect.class)
class StoreLifecycleTest {
  @Parameter Dialect dialect;
  @TempDir Path dir;
  TestDatabase db;

  @BeforeEach
  void create() {
    db = TestDatabase.create(dialect, dir);
  }

  @AfterEach
  void drop() {
    db.close();
  }

  private static EventRecord event(String type) {
    return new EventRecord(type, null, null, null, Instant.EPOCH, "{}", false);
  }

  @Test
  void open_again_migratesOnceAndKeepsTheChain() {
    try (Store first = Store.open(db.config().build())) {
      first.events().append(event("a")).join();
      first.keys().ensureOrganization("acme", "Acme", "test");
    }

    try (Store second = Store.open(db.config().build())) {
      assertThat(second.events().append(event("b")).join()).isEqualTo(3);
      assertThat(second.keys().organization("acme")).isPresent();
      assertThat(second.events().verify()).isEqualTo(ChainReport.intact(3));
    }
    assertThat(db.queryLong("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1'"))
        .isEqualTo(1);
    assertThat(db.queryLong("SELECT COUNT(*) FROM chain_head")).isEqualTo(1);
  }

  @Test
  void open_default_startsANamedDaemonWriterThatCloseStops() throws Exception {
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    Store store = Store.open(db.config().build());
    Thread writer = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(Store.WRITER_THREAD_NAME) && !before.contains(t))
        .findFirst()
        .orElseThrow();

    assertThat(writer.isDaemon()).isTrue();
    assertThat(store.dialect()).isEqualTo(dialect);

    store.close();
    writer.join();
    assertThat(writer.isAlive()).isFalse();
    store.close(); // idempotent
  }

  @Test
  void dataSource_isUsableByOtherModules() throws Exception {
    try (Store store = Store.open(db.config().build())) {
      store.events().append(new EventRecord("a", "r1", null, null, Instant.EPOCH, "{}", true))
          .join();

      try (Connection c = store.dataSource().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT seq, status FROM monitor_outbox")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(1);
        assertThat(rs.getString(2)).isEqualTo("pending");
      }
    }
  }

  @Test
  void open_fullDurabilityAndBatchDelay_stillAppends() {
    StoreConfig config = db.config()
        .durability(Durability.FULL)
        .maxBatch(3)
        .maxBatchDelay(java.time.Duration.ofMillis(2))
        .build();
    try (Store store = Store.open(config)) {
      var futures = java.util.stream.IntStream.range(0, 20)
          .mapToObj(i -> store.events().append(event("e"))).toList();

      assertThat(futures.stream().map(java.util.concurrent.CompletableFuture::join))
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
      assertThat(store.events().stats().batchesCommitted()).isGreaterThanOrEqualTo(7);
    }
  }
}
