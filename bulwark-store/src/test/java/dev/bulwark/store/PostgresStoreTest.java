package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only PostgreSQL has: a server to miss, schemas, credentials. */
class PostgresStoreTest {
  @TempDir Path dir;

  @Test
  void open_unreachableServer_throwsStoreExceptionNamingTheUrlButNotThePassword() {
    // Port 1 on the loopback interface: nothing listens there, so the connection is refused.
    StoreConfig config = StoreConfig.builder()
        .url("jdbc:postgresql://127.0.0.1:1/test?connectTimeout=2")
        .user("postgres")
        .password("hunter2")
        .build();

    assertThatThrownBy(() -> Store.open(config))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot connect to the store at jdbc:postgresql://127.0.0.1:1/test")
        .message().doesNotContain("hunter2");
  }

  @Test
  void open_anyDurability_keepsSynchronousCommitOn() throws Exception {
    try (TestDatabase db = TestDatabase.create(Dialect.POSTGRESQL, dir);
        Store store = Store.open(db.config().durability(Durability.NORMAL).build());
        Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("on");
    }
  }

  @Test
  void open_absentSchema_createsItAndKeepsTablesThere() {
    try (TestDatabase db = TestDatabase.create(Dialect.POSTGRESQL, dir)) {
      StoreConfig config = db.config().build();
      try (Store store = Store.open(config)) {
        store.events().append(EventLogTest.event("a", null)).join();
      }

      assertThat(db.queryLong(
          "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ?"
              + " AND table_name IN ('events', 'chain_head', 'monitor_outbox', 'organizations',"
              + " 'tiers', 'api_keys', 'store_meta')", config.schema()))
          .isEqualTo(7);
      assertThat(db.queryLong(
          "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'"
              + " AND table_name = 'chain_head'"))
          .as("nothing leaks into the public schema").isZero();
    }
  }
}
