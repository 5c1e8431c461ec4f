package dev.bulwark.monitor.internal;

import dev.bulwark.store.Dialect;
import dev.bulwark.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * JDBC helpers for both dialects. Write transactions follow the store's rule for SQLite: {@code BEGIN
 * IMMEDIATE} issued as a statement with auto-commit on (sqlite-jdbc's own auto-commit-off mode would
 * begin the next transaction at once and hold the write lock between batches).
 */
public final class Sql {
  private Sql() {}

  /** Work inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  /** Work reading on a pooled connection. */
  @FunctionalInterface
  public interface Read<T> {
    T apply(Connection c) throws SQLException;
  }

  /** Maps one row. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Runs {@code work} in one write transaction; anything it throws rolls back and propagates. */
  public static <T> T write(DataSource pool, Dialect dialect, String what, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      begin(c, dialect);
      try {
        T result = work.apply(c);
        commit(c, dialect);
        return result;
      } catch (Throwable t) {
        rollback(c, dialect, t);
        throw t;
      }
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  public static <T> T read(DataSource pool, String what, Read<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  private static void begin(Connection c, Dialect dialect) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
    } else {
      c.setAutoCommit(false);
    }
  }

  private static void commit(Connection c, Dialect dialect) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    } else {
      c.commit();
      c.setAutoCommit(true);
    }
  }

  private static void rollback(Connection c, Dialect dialect, Throwable cause) {
    try {
      if (dialect == Dialect.SQLITE) {
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK");
        }
      } else {
        c.rollback();
        c.setAutoCommit(true);
      }
    } catch (SQLException | RuntimeException e) {
      if (e != cause) {
        cause.addSuppressed(e);
      }
    }
  }

  public static int update(Connection c, String sql, @Nullable Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  public static <T> List<T> list(Connection c, String sql, Row<T> row, @Nullable Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(row.map(rs));
        }
        return out;
      }
    }
  }

  public static <T> @Nullable T first(Connection c, String sql, Row<T> row, @Nullable Object... args)
      throws SQLException {
    List<T> all = list(c, sql, row, args);
    return all.isEmpty() ? null : all.get(0);
  }

  public static long count(Connection c, String sql, @Nullable Object... args) throws SQLException {
    Long n = first(c, sql, rs -> rs.getLong(1), args);
    return n == null ? 0 : n;
  }

  public static void bind(PreparedStatement ps, @Nullable Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        ps.setNull(i + 1, Types.NULL); // untyped: PostgreSQL infers the column's type
      } else if (a instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else if (a instanceof Double d) {
        ps.setDouble(i + 1, d);
      } else if (a instanceof String s) {
        ps.setString(i + 1, s);
      } else {
        throw new IllegalArgumentException("unsupported parameter type " + a.getClass().getName());
      }
    }
  }

  /** "?, ?, ?" for {@code n} parameters. */
  public static String marks(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "?" : ", ?");
    }
    return b.toString();
  }


  public static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000L);
  }

  public static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  public static @Nullable Instant instantOrNull(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : instant(v);
  }


}
