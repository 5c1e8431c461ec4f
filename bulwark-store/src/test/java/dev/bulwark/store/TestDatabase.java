package dev.bulwark.store;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * A fresh, empty database for one test: a SQLite file in the test's temporary directory, or a new
 * schema in the local PostgreSQL server that {@link #close()} drops. The PostgreSQL half of the
 * suite fails, rather than skips, when the server is not there: CI starts it.
 */
final class TestDatabase implements AutoCloseable {
  /** Overridable for machines whose PostgreSQL lives elsewhere. */
  static final String PG_URL = env("BULWARK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = env("BULWARK_TEST_PG_USER", "postgres");

  private static final SecureRandom RANDOM = new SecureRandom();

  final Dialect dialect;
  private final String url;
  private final @Nullable String schema;
  private final List<Store> opened = new ArrayList<>();

  private TestDatabase(Dialect dialect, String url, @Nullable String schema) {
    this.dialect = dialect;
    this.url = url;
    this.schema = schema;
  }

  static TestDatabase create(Dialect dialect, Path dir) {
    if (dialect == Dialect.SQLITE) {
      return new TestDatabase(dialect, "jdbc:sqlite:" + dir.resolve("bulwark.db"), null);
    }
    byte[] suffix = new byte[6];
    RANDOM.nextBytes(suffix);
    String schema = "bw_test_" + HexFormat.of().formatHex(suffix);
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, null)) {
      c.isValid(5);
    } catch (SQLException e) {
      fail("PostgreSQL is not reachable at " + PG_URL + " as user " + PG_USER + " ("
          + e.getMessage() + "). The PostgreSQL half of this suite needs it: CI starts it;"
          + " locally run PostgreSQL on 127.0.0.1:5432 with trust authentication and a database 'test', or set"
          + " BULWARK_TEST_PG_URL and BULWARK_TEST_PG_USER.");
    }
    return new TestDatabase(dialect, PG_URL, schema);
  }

  /** A builder pointing at this database, otherwise at the defaults. */
  StoreConfig.Builder config() {
    StoreConfig.Builder b = StoreConfig.builder().url(url);
    if (dialect == Dialect.POSTGRESQL) {
      b.user(PG_USER).schema(schema);
    }
    return b;
  }

  Store open() {
    return track(Store.open(config().build()));
  }

  Store open(ThreadFactory writerThreads, Clock clock) {
    return track(Store.open(config().build(), writerThreads, clock));
  }

  /** A store whose writer starts only when {@code gate} opens, so appends pile up first. */
  Store openGated(CountDownLatch gate) {
    ThreadFactory gated = r -> {
      Thread t = new Thread(() -> {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        r.run();
      }, Store.WRITER_THREAD_NAME + "-gated");
      t.setDaemon(true);
      return t;
    };
    return open(gated, Clock.systemUTC());
  }

  private Store track(Store store) {
    opened.add(store);
    return store;
  }

  /** A connection of the test's own, outside any store, e.g. to tamper with rows. */
  Connection connect() throws SQLException {
    if (dialect == Dialect.SQLITE) {
      return DriverManager.getConnection(url);
    }
    Connection c = DriverManager.getConnection(PG_URL, PG_USER, null);
    c.setSchema(schema);
    return c;
  }

  /** Runs one statement with {@code args} on a connection of its own. */
  int execute(String sql, Object... args) {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The single long a query returns. */
  long queryLong(String sql, Object... args) {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException(sql + ": no row");
        }
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Every row of a query, each as its columns' string values. */
  List<List<@Nullable String>> rows(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<@Nullable String>> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<@Nullable String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (Store store : opened) {
      store.close();
    }
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, null);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("dropping test schema " + schema + ": " + e, e);
      }
    }
  }

  @Override
  public String toString() {
    return dialect.toString();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
