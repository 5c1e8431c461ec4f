package dev.bulwark.store.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.ChainReport;
import dev.bulwark.store.ChainReport.Problem;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.EventLog;
import dev.bulwark.store.EventLogStats;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.StoreException;
import dev.bulwark.store.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/**
 * {@link EventLog} over JDBC: appends go to the {@link EventWriter}; reads use pooled connections.
 */
public final class JdbcEventLog implements EventLog {
  static final int MAX_READ = 10_000;
  private static final int VERIFY_PAGE = 1_000;
  private static final String COLUMNS =
      "seq, type, request_id, key_id, org_id, occurred_at, body, prev_hash, hash";

  private final DataSource pool;
  private final Dialect dialect;
  private final EventWriter writer;

  public JdbcEventLog(DataSource pool, Dialect dialect, EventWriter writer) {
    this.pool = requireNonNull(pool, "pool");
    this.dialect = requireNonNull(dialect, "dialect");
    this.writer = requireNonNull(writer, "writer");
  }

  @Override
  public CompletableFuture<Long> append(EventRecord event) {
    return writer.append(event);
  }

  @Override
  public CompletableFuture<List<Long>> appendAll(List<EventRecord> events) {
    requireNonNull(events, "events");
    return writer.appendAll(events);
  }

  @Override
  public List<StoredEvent> read(long afterSeq, int limit) {
    if (afterSeq < 0) {
      throw new IllegalArgumentException("afterSeq: must be >= 0, was " + afterSeq);
    }
    if (limit < 1 || limit > MAX_READ) {
      throw new IllegalArgumentException(
          "limit: must be between 1 and " + MAX_READ + ", was " + limit);
    }
    try (Connection c = pool.getConnection()) {
      return page(c, afterSeq, limit);
    } catch (SQLException e) {
      throw failed("reading events after seq " + afterSeq, e);
    }
  }

  @Override
  public List<StoredEvent> forRequest(String requestId) {
    requireNonNull(requestId, "requestId");
    String sql = "SELECT " + COLUMNS + " FROM events WHERE request_id = ? ORDER BY seq";
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, requestId);
      return events(ps);
    } catch (SQLException e) {
      throw failed("reading the events of request " + requestId, e);
    }
  }

  @Override
  public List<String> unfinishedRequests(String startType, Set<String> endTypes) {
    requireNonNull(startType, "startType");
    List<String> ends = List.copyOf(endTypes);
    StringBuilder sql = new StringBuilder(
        "SELECT s.request_id, MIN(s.seq) AS first_seq FROM events s"
            + " WHERE s.type = ? AND s.request_id IS NOT NULL");
    if (!ends.isEmpty()) {
      sql.append(" AND NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = s.request_id"
          + " AND e.type IN (")
          .append(String.join(", ", Collections.nCopies(ends.size(), "?")))
          .append("))");
    }
    sql.append(" GROUP BY s.request_id ORDER BY first_seq");
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.toString())) {
      ps.setString(1, startType);
      for (int i = 0; i < ends.size(); i++) {
        ps.setString(i + 2, ends.get(i));
      }
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw failed("finding unfinished requests", e);
    }
  }

  @Override
  public long headSeq() {
    try (Connection c = pool.getConnection()) {
      return head(c).seq();
    } catch (SQLException e) {
      throw failed("reading the chain head", e);
    }
  }

  @Override
  public EventLogStats stats() {
    return writer.stats();
  }

  /**
   * Walks the chain inside one read snapshot (SQLite: a deferred read transaction in WAL mode;
   * PostgreSQL: REPEATABLE READ), so {@code chain_head} and the events agree even while the writer
   * appends, and events past the head can be told apart from concurrent appends.
   *
   * <p>For each event in seq order: a missing seq is DELETED; a {@code prev_hash} that is not the
   * predecessor's hash is REORDERED when it is the hash of some other event (the event was moved),
   * EDITED when the event no longer matches its own hash (its {@code prev_hash} was changed), and
   * DELETED otherwise (what it followed is gone); an event that no longer matches its own hash is
   * EDITED. The link is checked before the event's own hash because moving an event changes its
   * seq, which its hash covers.
   *
   * <p>A chain alone cannot show that the newest events were deleted if {@code chain_head} was
   * moved back with them: the remaining log is a valid, shorter chain. Deleting them without
   * touching the head is caught here. Closing that gap takes signed checkpoints of the head,
   * published outside the database, which come later.
   */
  @Override
  public ChainReport verify() {
    try (Connection c = pool.getConnection()) {
      beginSnapshot(c);
      try {
        return verify(c);
      } finally {
        endSnapshot(c);
      }
    } catch (SQLException e) {
      throw failed("verifying the event log", e);
    }
  }

  private ChainReport verify(Connection c) throws SQLException {
    ChainHead head = head(c);
    ChainHash hasher = new ChainHash();
    String prevHash = ChainHash.GENESIS;
    long expected = 1;
    long checked = 0;
    while (true) {
      List<StoredEvent> page = page(c, expected - 1, VERIFY_PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (StoredEvent e : page) {
        long seq = e.seq();
        if (seq != expected) {
          return ChainReport.broken(checked, expected, Problem.DELETED,
              "event " + expected + " is missing: the log goes from "
                  + (expected == 1 ? "its start" : "seq " + (expected - 1)) + " to seq " + seq);
        }
        if (seq > head.seq()) {
          return ChainReport.broken(checked, seq, Problem.EDITED,
              "event " + seq + " lies past chain_head (seq " + head.seq() + "): it was not"
                  + " written by the store, or chain_head was moved back");
        }
        boolean selfConsistent = hasher.hash(seq, e.type(), e.requestId(), e.keyId(), e.orgId(),
            Micros.of(e.occurredAt()), e.body(), e.prevHash()).equals(e.hash());
        if (!e.prevHash().equals(prevHash)) {
          OptionalLong linked = seqWithHash(c, e.prevHash(), seq);
          if (linked.isPresent()) {
            return ChainReport.broken(checked, seq, Problem.REORDERED,
                "event " + seq + " is out of order: it was written after the event now at seq "
                    + linked.getAsLong() + ", not after "
                    + (seq == 1 ? "the start of the log" : "seq " + (seq - 1)));
          }
          if (!selfConsistent) {
            return edited(checked, seq);
          }
          return ChainReport.broken(checked, seq, Problem.DELETED,
              "event " + seq + " was written after an event that is no longer in the log: the"
                  + " event(s) before it were removed");
        }
        if (!selfConsistent) {
          return edited(checked, seq);
        }
        prevHash = e.hash();
        expected++;
        checked++;
      }
    }
    long last = expected - 1;
    if (last < head.seq()) {
      return ChainReport.broken(checked, last + 1, Problem.DELETED,
          "the log ends at seq " + last + " but chain_head records seq " + head.seq()
              + ": the newest events were removed");
    }
    if (!head.hash().equals(prevHash)) {
      return ChainReport.broken(Math.max(0, checked - 1), head.seq(), Problem.EDITED,
          "event " + head.seq() + " does not match the hash chain_head records for it: it was"
              + " replaced");
    }
    return ChainReport.intact(checked);
  }

  private static ChainReport edited(long checked, long seq) {
    return ChainReport.broken(checked, seq, Problem.EDITED,
        "event " + seq + " was changed after it was written: its columns no longer match its"
            + " hash");
  }

  private static OptionalLong seqWithHash(Connection c, String hash, long exceptSeq)
      throws SQLException {
    // No index on hash: this scan runs only once, at the first broken link.
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT seq FROM events WHERE hash = ? AND seq <> ? ORDER BY seq")) {
      ps.setString(1, hash);
      ps.setLong(2, exceptSeq);
      ps.setMaxRows(1);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  private void beginSnapshot(Connection c) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      // Deferred: takes no write lock; the snapshot starts at the first read.
      try (Statement s = c.createStatement()) {
        s.execute("BEGIN");
      }
    } else {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
    }
  }

  private void endSnapshot(Connection c) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      try (Statement s = c.createStatement()) {
        s.execute("COMMIT");
      }
    } else {
      c.rollback();
      c.setAutoCommit(true);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  static ChainHead head(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM chain_head WHERE id = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("chain_head has no row: the schema was damaged");
      }
      return new ChainHead(rs.getLong(1), rs.getString(2));
    }
  }

  private static List<StoredEvent> page(Connection c, long afterSeq, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM events WHERE seq > ? ORDER BY seq LIMIT ?")) {
      ps.setLong(1, afterSeq);
      ps.setInt(2, limit);
      return events(ps);
    }
  }

  private static List<StoredEvent> events(PreparedStatement ps) throws SQLException {
    List<StoredEvent> events = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        events.add(new StoredEvent(
            rs.getLong(1),
            rs.getString(2),
            rs.getString(3),
            rs.getString(4),
            rs.getString(5),
            Micros.toInstant(rs.getLong(6)),
            rs.getString(7),
            rs.getString(8),
            rs.getString(9)));
      }
    }
    return events;
  }

  private static StoreException failed(String what, SQLException e) {
    return new StoreException(what + " failed: " + e.getMessage(), e);
  }
}
