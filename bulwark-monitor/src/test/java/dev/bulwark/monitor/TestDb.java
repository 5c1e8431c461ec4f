package dev.bulwark.monitor;

import static org.assertj.core.api.Assertions.fail;

import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A fresh database for one test: a SQLite file in the test's directory, or a new schema in the local
 * PostgreSQL server (dropped by {@link #close()}). As in the store's tests, the PostgreSQL half fails
 * rather than skips when the server is missing.
 */
final class TestDb implements AutoCloseable {
  static final String PG_URL = env("BULWARK_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String PG_USER = env("BULWARK_TEST_PG_USER", "postgres");
  private static final SecureRandom RANDOM = new SecureRandom();

  final Dialect dialect;
  final String url;
  final @Nullable String schema;
  private final List<Store> opened = new ArrayList<>();

  private TestDb(Dialect dialect, String url, @Nullable String schema) {
    this.dialect = dialect;
    this.url = url;
    this.schema = schema;
  }

  static TestDb create(Dialect dialect, Path dir) {
    if (dialect == Dialect.SQLITE) {
      return new TestDb(dialect, "jdbc:sqlite:" + dir.resolve("bulwark.db"), null);
    }
    byte[] suffix = new byte[6];
    RANDOM.nextBytes(suffix);
    try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, null)) {
      c.isValid(5);
    } catch (SQLException e) {
      fail("PostgreSQL is not reachable at " + PG_URL + " as " + PG_USER + " (" + e.getMessage()
          + "); run it on 127.0.0.1:5432 with a database 'test', or set BULWARK_TEST_PG_URL/USER");
    }
    return new TestDb(dialect, PG_URL, "bw_mon_" + HexFormat.of().formatHex(suffix));
  }

  StoreConfig config() {
    StoreConfig.Builder b = StoreConfig.builder().url(url);
    if (dialect == Dialect.POSTGRESQL) {
      b.user(PG_USER).schema(schema);
    }
    return b.build();
  }

  Store open() {
    Store s = Store.open(config());
    opened.add(s);
    return s;
  }

  /** Arguments for a child process to open the same database: url, user, schema ("-" for none). */
  List<String> childArgs() {
    return List.of(url, dialect == Dialect.POSTGRESQL ? PG_USER : "-", schema == null ? "-" : schema);
  }

  Connection connect() throws SQLException {
    if (dialect == Dialect.SQLITE) {
      return DriverManager.getConnection(url);
    }
    Connection c = DriverManager.getConnection(PG_URL, PG_USER, null);
    c.setSchema(schema);
    return c;
  }

  long count(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  int execute(String sql, Object... args) {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** Every row, each column as a string. */
  List<List<@Nullable String>> rows(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<List<@Nullable String>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<@Nullable String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
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
    for (Store s : opened) {
      s.close();
    }
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, null); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("dropping " + schema + ": " + e, e);
      }
    }
  }

  @Override
  public String toString() {
    return dialect.toString();
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
