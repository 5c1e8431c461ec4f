package dev.bulwark.response.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Small JDBC helpers over the store's pool. Single statements run in auto-commit; {@link #inTransaction}
 * groups several (on SQLite the pool begins IMMEDIATE transactions, so a transaction holds the write
 * lock from its start: keep them short). Failures become {@link StoreException} naming the statement,
 * never the values (which may hold user text).
 */
public final class Jdbc {
  private final DataSource pool;

  public Jdbc(DataSource pool) {
    this.pool = requireNonNull(pool, "pool");
  }

  /** Maps one row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Work inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Tx tx) throws SQLException;
  }

  /** The statements of one transaction. */
  public static final class Tx {
    private final Connection c;

    Tx(Connection c) {
      this.c = c;
    }

    public int update(String sql, @Nullable Object... args) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        return ps.executeUpdate();
      }
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, @Nullable Object... args) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          List<T> out = new ArrayList<>();
          while (rs.next()) {
            out.add(mapper.map(rs));
          }
          return out;
        }
      }
    }

    /** The next value of a named counter (1 for a new one). */
    public long next(String counter) throws SQLException {
      if (update("UPDATE response_counters SET value = value + 1 WHERE name = ?", counter) == 0) {
        // A new counter. Two transactions may both get here: the second insert waits for the first
        // (PostgreSQL) and then does nothing, and its update then counts on from the first's value.
        update("INSERT INTO response_counters (name, value) VALUES (?, 0) ON CONFLICT DO NOTHING", counter);
        update("UPDATE response_counters SET value = value + 1 WHERE name = ?", counter);
      }
      return query("SELECT value FROM response_counters WHERE name = ?", rs -> rs.getLong(1), counter).get(0);
    }
  }

  /** Runs {@code work} in one transaction, committed when it returns and rolled back when it throws. */
  public <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(new Tx(c));
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  /** The next value of a named counter, in a transaction of its own. */
  public long next(String counter) {
    return inTransaction("allocating an id", tx -> tx.next(counter));
  }

  public int update(String sql, @Nullable Object... args) {
    return inAutoCommit(sql, tx -> tx.update(sql, args));
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, @Nullable Object... args) {
    return inAutoCommit(sql, tx -> tx.query(sql, mapper, args));
  }

  public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, @Nullable Object... args) {
    List<T> rows = query(sql, mapper, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private <T> T inAutoCommit(String sql, Work<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(new Tx(c));
    } catch (SQLException e) {
      throw new StoreException(firstWords(sql) + " failed: " + e.getMessage(), e);
    }
  }

  /** Epoch microseconds, as the store keeps times. */
  public static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  public static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** A nullable BIGINT column. */
  public static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static void bind(PreparedStatement ps, @Nullable Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        // Untyped: PostgreSQL infers the column's type (a VARCHAR null into a BIGINT column fails there).
        ps.setNull(i + 1, Types.NULL);
      } else if (a instanceof String s) {
        ps.setString(i + 1, s);
      } else if (a instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else if (a instanceof Boolean b) {
        ps.setInt(i + 1, b ? 1 : 0);
      } else {
        throw new IllegalArgumentException("unsupported parameter type " + a.getClass().getName());
      }
    }
  }

  private static String firstWords(String sql) {
    String s = sql.strip();
    int cut = s.indexOf(" WHERE ");
    return cut > 0 ? s.substring(0, cut) : s.length() > 60 ? s.substring(0, 60) : s;
  }
}
