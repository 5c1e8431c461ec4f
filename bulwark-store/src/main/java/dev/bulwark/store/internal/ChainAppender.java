package dev.bulwark.store.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.Dialect;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Outbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one code path that extends the hash chain, used by the event writer for its batches and by
 * the key store for its audited admin writes, so that both produce the same rows.
 *
 * <p>A write transaction is {@link #begin}, any statements of the caller's, {@link #append}, then
 * {@link #commit} or {@link #rollback}. {@code begin} takes the database's write lock and reads
 * {@code chain_head} under it, so seqs are assigned correctly even when another process (the
 * {@code bulwark keys} CLI beside a running gateway) writes to the same database:
 *
 * <ul>
 *   <li>SQLite: {@code BEGIN IMMEDIATE}, issued as a statement while JDBC auto-commit stays on.
 *       (sqlite-jdbc's own auto-commit-off mode begins the next transaction as soon as one commits,
 *       which in IMMEDIATE mode would hold the write lock between batches and starve the other
 *       process.) A second writer waits for the lock up to the busy timeout.
 *   <li>PostgreSQL: {@code SELECT ... FOR UPDATE} on the head row; the row lock is the mutex.
 * </ul>
 *
 * Thread-safe: it keeps no state between calls. Each call uses only the connection it is given.
 */
public final class ChainAppender {
  private static final String INSERT_EVENT =
      "INSERT INTO events (seq, type, request_id, key_id, org_id, occurred_at, body, prev_hash,"
          + " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_OUTBOX =
      "INSERT INTO monitor_outbox (seq, request_id, enqueued_at, account, part, payload)"
          + " VALUES (?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_HEAD = "UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1";

  private final Dialect dialect;
  private final Clock clock;
  private final String selectHead;

  public ChainAppender(Dialect dialect, Clock clock) {
    this.dialect = requireNonNull(dialect, "dialect");
    this.clock = requireNonNull(clock, "clock");
    this.selectHead =
        "SELECT seq, hash FROM chain_head WHERE id = 1"
            + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
  }

  /**
   * Opens a write transaction on {@code c} (which must be in auto-commit mode) and returns the
   * chain's head under the write lock. On failure no transaction is left open.
   */
  public ChainHead begin(Connection c) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
    } else {
      c.setAutoCommit(false);
    }
    try (PreparedStatement ps = c.prepareStatement(selectHead);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("chain_head has no row: the schema was not migrated or was damaged");
      }
      return new ChainHead(rs.getLong(1), rs.getString(2));
    } catch (SQLException | RuntimeException e) {
      rollback(c, e);
      throw e;
    }
  }

  /**
   * Inserts {@code events} after {@code head}, with consecutive seqs, their outbox rows, and the
   * new head, inside the transaction {@link #begin} opened.
   *
   * @return the new head; the first event's seq is {@code head.seq() + 1}
   */
  public ChainHead append(Connection c, ChainHead head, List<EventRecord> events)
      throws SQLException {
    if (events.isEmpty()) {
      return head;
    }
    ChainHash hasher = new ChainHash();
    long seq = head.seq();
    String prev = head.hash();
    boolean anyOutbox = false;
    try (PreparedStatement insert = c.prepareStatement(INSERT_EVENT)) {
      for (EventRecord e : events) {
        seq++;
        long at = Micros.of(e.occurredAt());
        String hash =
            hasher.hash(seq, e.type(), e.requestId(), e.keyId(), e.orgId(), at, e.body(), prev);
        insert.setLong(1, seq);
        insert.setString(2, e.type());
        setText(insert, 3, e.requestId());
        setText(insert, 4, e.keyId());
        setText(insert, 5, e.orgId());
        insert.setLong(6, at);
        insert.setString(7, e.body());
        insert.setString(8, prev);
        insert.setString(9, hash);
        insert.addBatch();
        prev = hash;
        anyOutbox |= e.toOutbox();
      }
      insert.executeBatch();
    }
    if (anyOutbox) {
      long enqueuedAt = Micros.of(clock.instant());
      try (PreparedStatement outbox = c.prepareStatement(INSERT_OUTBOX)) {
        long s = head.seq();
        for (EventRecord e : events) {
          s++;
          if (e.toOutbox()) {
            String account = Outbox.account(e.orgId(), e.keyId());
            outbox.setLong(1, s);
            setText(outbox, 2, e.requestId());
            outbox.setLong(3, enqueuedAt);
            outbox.setString(4, account);
            outbox.setInt(5, Outbox.partition(account));
            setText(outbox, 6, e.outboxPayload());
            outbox.addBatch();
          }
        }
        outbox.executeBatch();
      }
    }
    try (PreparedStatement update = c.prepareStatement(UPDATE_HEAD)) {
      update.setLong(1, seq);
      update.setString(2, prev);
      if (update.executeUpdate() != 1) {
        throw new SQLException("chain_head has no row: the schema was damaged");
      }
    }
    return new ChainHead(seq, prev);
  }

  /** Commits the transaction {@link #begin} opened and returns {@code c} to auto-commit. */
  public void commit(Connection c) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    } else {
      c.commit();
      c.setAutoCommit(true);
    }
  }

  /**
   * Rolls back the transaction {@link #begin} opened, if any is still open. A failure to roll back
   * is added to {@code cause} rather than hiding it.
   */
  public void rollback(Connection c, Throwable cause) {
    try {
      if (dialect == Dialect.SQLITE) {
        // SQLite may already have rolled back by itself (e.g. after SQLITE_FULL); then this fails
        // with "no transaction is active", which is harmless.
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

  private static void setText(PreparedStatement ps, int index, @Nullable String value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }
}
