package dev.bulwark.monitor.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.monitor.Acknowledgement;
import dev.bulwark.monitor.Delivery;
import dev.bulwark.monitor.ExchangeQueue;
import dev.bulwark.monitor.LeaseLostException;
import dev.bulwark.monitor.QueueStats;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Outbox;
import dev.bulwark.store.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link ExchangeQueue} over the store's {@code monitor_outbox} table.
 *
 * <p>Leases are per partition ({@code monitor_partitions}), not per row: a consumer that holds a
 * partition reads its rows in seq order without locking them, which keeps an account's exchanges in
 * order and a batch's reads cheap. Taking a partition is a short write transaction: on PostgreSQL the
 * free partitions are selected {@code FOR UPDATE SKIP LOCKED}, so consumers racing for them never wait
 * on each other; on SQLite the transaction's {@code BEGIN IMMEDIATE} makes it a single-writer lease.
 * Every change of owner increases the partition's epoch; a commit checks the epochs it was delivered
 * at ({@link #checkLeases}), so a consumer that stalled past its lease cannot commit work that its
 * successor redoes.
 *
 * <p>Fair share: a consumer takes free partitions up to {@code ceil(16 / live consumers)} and gives
 * back what it holds beyond that, so a new consumer gets work within a poll or two, and a dead one's
 * partitions go to the others once its lease has expired.
 *
 * <p>Concurrency: {@link #poll} and {@link #acknowledge} run on the consumer's thread, {@link #renew}
 * on a timer; each is one transaction, and the only shared state is the owned-partition map, guarded
 * by {@code this}.
 */
public final class SqlExchangeQueue implements ExchangeQueue {
  /** The candidates: narrow columns only, so that reading past held-back entries is cheap. */
  private static final String SCAN =
      "SELECT seq, account, part, available_at FROM monitor_outbox"
          + " WHERE status = 'pending' AND part IN (%s) ORDER BY seq LIMIT ?";
  /** The chosen entries in full: the event and the payload. */
  private static final String FETCH =
      "SELECT o.seq, o.request_id, o.account, o.part, o.attempts, o.enqueued_at, o.payload,"
          + " e.seq, e.type, e.request_id, e.key_id, e.org_id, e.occurred_at, e.body, e.prev_hash, e.hash"
          + " FROM monitor_outbox o LEFT JOIN events e ON e.seq = o.seq WHERE o.seq IN (%s)";

  private final DataSource pool;
  private final Dialect dialect;
  private final String id;
  private final Duration lease;
  private final Clock clock;
  private final long startedAt;
  private final Map<Integer, Long> owned = new TreeMap<>();
  private volatile int live = 1;

  public SqlExchangeQueue(DataSource pool, Dialect dialect, String consumerId, Duration lease, Clock clock) {
    this.pool = requireNonNull(pool, "pool");
    this.dialect = requireNonNull(dialect, "dialect");
    this.id = requireNonNull(consumerId, "consumerId");
    this.lease = requireNonNull(lease, "lease");
    this.clock = requireNonNull(clock, "clock");
    this.startedAt = Sql.micros(clock.instant());
  }

  @Override
  public String consumerId() {
    return id;
  }

  @Override
  public List<Delivery> poll(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, was " + max);
    }
    Map<Integer, Long> mine = claim();
    if (mine.isEmpty()) {
      return List.of();
    }
    long now = Sql.micros(clock.instant());
    // Scan past max: entries held back behind a retry do not count towards it.
    Object[] args = new Object[mine.size() + 1];
    int i = 0;
    for (Integer p : mine.keySet()) {
      args[i++] = p;
    }
    args[i] = max * 4 + 16;
    List<Object[]> candidates = Sql.read(pool, "scanning the monitor outbox", c -> Sql.list(c,
        String.format(SCAN, Sql.marks(mine.size())),
        rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(4)}, args));
    List<Long> chosen = new ArrayList<>();
    Set<String> blocked = new HashSet<>();
    for (Object[] r : candidates) {
      String account = r[1] == null ? Outbox.UNKNOWN_ACCOUNT : (String) r[1];
      if (blocked.contains(account)) {
        continue;
      }
      if ((Long) r[2] > now) {
        blocked.add(account); // its account waits for the retry, to stay in order
        continue;
      }
      chosen.add((Long) r[0]);
      if (chosen.size() >= max) {
        break;
      }
    }
    if (chosen.isEmpty()) {
      return List.of();
    }
    Map<Long, Delivery> bySeq = new HashMap<>();
    Sql.read(pool, "reading the monitor outbox", c -> {
      for (int from = 0; from < chosen.size(); from += 500) {
        List<Long> chunk = chosen.subList(from, Math.min(chosen.size(), from + 500));
        for (Delivery d : Sql.list(c, String.format(FETCH, Sql.marks(chunk.size())), rs -> {
          long seq = rs.getLong(1);
          long eventSeq = rs.getLong(8);
          StoredEvent event = rs.wasNull() ? null : new StoredEvent(eventSeq, rs.getString(9), rs.getString(10),
              rs.getString(11), rs.getString(12), Sql.instant(rs.getLong(13)), rs.getString(14), rs.getString(15),
              rs.getString(16));
          String account = rs.getString(3);
          int part = rs.getInt(4);
          return new Delivery(seq, rs.getString(2), account == null ? Outbox.UNKNOWN_ACCOUNT : account, part,
              mine.getOrDefault(part, -1L), rs.getInt(5), Sql.instant(rs.getLong(6)), event, rs.getString(7));
        }, chunk.toArray())) {
          bySeq.put(d.seq(), d);
        }
      }
      return null;
    });
    List<Delivery> out = new ArrayList<>(chosen.size());
    for (Long seq : chosen) {
      Delivery d = bySeq.get(seq);
      if (d != null) { // acknowledged by a former owner since the scan: nothing to do
        out.add(d);
      }
    }
    return out;
  }

  /** Heartbeat, renewal, and partitions up to the fair share; returns what this consumer holds. */
  private Map<Integer, Long> claim() {
    Map<Integer, Long> result = Sql.write(pool, dialect, "leasing monitor partitions", c -> {
      long now = Sql.micros(clock.instant());
      long until = now + lease.toNanos() / 1_000;
      Sql.update(c, "INSERT INTO monitor_workers (id, started_at, heartbeat_at) VALUES (?, ?, ?)"
          + " ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at", id, startedAt, now);
      Sql.update(c, "UPDATE monitor_partitions SET lease_expires_at = ? WHERE owner = ?", until, id);
      long liveConsumers = Sql.count(c, "SELECT COUNT(*) FROM monitor_workers WHERE heartbeat_at >= ?",
          now - lease.toNanos() / 1_000);
      live = (int) Math.max(1, liveConsumers);
      Map<Integer, Long> mine = new TreeMap<>();
      for (long[] r : Sql.list(c, "SELECT part, epoch FROM monitor_partitions WHERE owner = ? ORDER BY part",
          rs -> new long[] {rs.getLong(1), rs.getLong(2)}, id)) {
        mine.put((int) r[0], r[1]);
      }
      int fair = (Outbox.PARTITIONS + live - 1) / live;
      if (mine.size() > fair) {
        List<Integer> parts = new ArrayList<>(mine.keySet());
        for (int i = parts.size() - 1; i >= fair; i--) {
          int p = parts.get(i);
          Sql.update(c, "UPDATE monitor_partitions SET owner = NULL, lease_expires_at = 0, epoch = epoch + 1"
              + " WHERE part = ? AND owner = ?", p, id);
          mine.remove(p);
        }
      } else if (mine.size() < fair) {
        String free = "SELECT part FROM monitor_partitions WHERE owner IS NULL OR lease_expires_at < ?"
            + " ORDER BY part LIMIT ?" + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "");
        for (Integer p : Sql.list(c, free, rs -> rs.getInt(1), now, fair - mine.size())) {
          int n = Sql.update(c, "UPDATE monitor_partitions SET owner = ?, lease_expires_at = ?, epoch = epoch + 1"
              + " WHERE part = ? AND (owner IS NULL OR lease_expires_at < ?)", id, until, p, now);
          if (n == 1) {
            Long epoch = Sql.first(c, "SELECT epoch FROM monitor_partitions WHERE part = ?", rs -> rs.getLong(1), p);
            mine.put(p, requireNonNull(epoch));
          }
        }
      }
      // Workers gone for a long time are forgotten (their leases expired long ago).
      Sql.update(c, "DELETE FROM monitor_workers WHERE heartbeat_at < ?", now - 20 * lease.toNanos() / 1_000);
      return mine;
    });
    synchronized (this) {
      owned.clear();
      owned.putAll(result);
    }
    return result;
  }

  /**
   * Extends this consumer's leases. On PostgreSQL it skips partitions whose rows this consumer's own
   * commit holds at the moment ({@code SKIP LOCKED}): waiting for them while holding others could
   * deadlock with the commit, and the next renewal or poll extends them anyway.
   */
  @Override
  public void renew() {
    Sql.write(pool, dialect, "renewing monitor leases", c -> {
      long now = Sql.micros(clock.instant());
      long until = now + lease.toNanos() / 1_000;
      Sql.update(c, "UPDATE monitor_workers SET heartbeat_at = ? WHERE id = ?", now, id);
      if (dialect == Dialect.POSTGRESQL) {
        return Sql.update(c, "UPDATE monitor_partitions SET lease_expires_at = ? WHERE part IN (SELECT part FROM"
            + " monitor_partitions WHERE owner = ? ORDER BY part FOR UPDATE SKIP LOCKED)", until, id);
      }
      return Sql.update(c, "UPDATE monitor_partitions SET lease_expires_at = ? WHERE owner = ?", until, id);
    });
  }

  @Override
  public void checkLeases(Connection c, Collection<Delivery> deliveries) throws SQLException {
    Map<Integer, Long> expected = new TreeMap<>();
    for (Delivery d : deliveries) {
      Long prev = expected.put(d.partition(), d.epoch());
      if (prev != null && prev != d.epoch()) {
        throw new LeaseLostException("partition " + d.partition() + " was delivered at two epochs");
      }
    }
    if (expected.isEmpty()) {
      return;
    }
    // In partition order, so that two transactions locking several partitions never wait in a cycle.
    String sql = "SELECT part, owner, epoch FROM monitor_partitions WHERE part IN (" + Sql.marks(expected.size())
        + ") ORDER BY part" + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : "");
    Map<Integer, String> owners = new HashMap<>();
    Map<Integer, Long> epochs = new HashMap<>();
    for (Object[] r : Sql.list(c, sql, rs -> new Object[] {rs.getInt(1), rs.getString(2), rs.getLong(3)},
        expected.keySet().toArray())) {
      owners.put((Integer) r[0], (String) r[1]);
      epochs.put((Integer) r[0], (Long) r[2]);
    }
    for (Map.Entry<Integer, Long> e : expected.entrySet()) {
      if (!id.equals(owners.get(e.getKey())) || !e.getValue().equals(epochs.get(e.getKey()))) {
        throw new LeaseLostException("partition " + e.getKey() + " is no longer leased to " + id);
      }
    }
  }

  @Override
  public boolean acknowledge(Acknowledgement ack) {
    requireNonNull(ack, "ack");
    if (ack.isEmpty()) {
      return true;
    }
    try {
      return Sql.write(pool, dialect, "acknowledging monitor work", c -> {
        checkLeases(c, ack.all());
        List<Delivery> done = ack.done();
        for (int from = 0; from < done.size(); from += 500) {
          List<Delivery> chunk = done.subList(from, Math.min(done.size(), from + 500));
          Object[] seqs = new Object[chunk.size()];
          for (int i = 0; i < chunk.size(); i++) {
            seqs[i] = chunk.get(i).seq();
          }
          Sql.update(c, "DELETE FROM monitor_outbox WHERE seq IN (" + Sql.marks(seqs.length) + ")", seqs);
        }
        for (Acknowledgement.Failure f : ack.retries()) {
          Sql.update(c, "UPDATE monitor_outbox SET attempts = ?, available_at = ?, last_error = ? WHERE seq = ?",
              f.delivery().attempts() + 1, Sql.micros(f.notBefore()), truncate(f.reason()), f.delivery().seq());
        }
        if (!ack.dead().isEmpty()) {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_dead_letters (seq, request_id, account,"
              + " part, attempts, reason, failed_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Acknowledgement.Failure f : ack.dead()) {
              Delivery d = f.delivery();
              Sql.bind(ps, d.seq(), d.requestId(), d.account(), d.partition(), d.attempts() + 1, truncate(f.reason()),
                  Sql.micros(f.notBefore()), d.payload());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          for (Acknowledgement.Failure f : ack.dead()) {
            Sql.update(c, "DELETE FROM monitor_outbox WHERE seq = ?", f.delivery().seq());
          }
        }
        return true;
      });
    } catch (LeaseLostException e) {
      return false;
    }
  }

  @Override
  public QueueStats stats() {
    return Sql.read(pool, "reading monitor queue stats", c -> {
      long[] pending = Sql.first(c, "SELECT COUNT(*), MIN(enqueued_at) FROM monitor_outbox",
          rs -> new long[] {rs.getLong(1), rs.getLong(2)});
      long dead = Sql.count(c, "SELECT COUNT(*) FROM monitor_dead_letters");
      @Nullable Instant oldest = pending == null || pending[0] == 0 ? null : Sql.instant(pending[1]);
      int mine;
      synchronized (this) {
        mine = owned.size();
      }
      return new QueueStats(pending == null ? 0 : pending[0], oldest, dead, mine, live);
    });
  }

  /** Partitions held after the last poll. */
  public synchronized Set<Integer> ownedPartitions() {
    return new TreeSet<>(owned.keySet());
  }

  @Override
  public void close() {
    Sql.write(pool, dialect, "releasing monitor partitions", c -> {
      Sql.update(c, "UPDATE monitor_partitions SET owner = NULL, lease_expires_at = 0, epoch = epoch + 1"
          + " WHERE owner = ?", id);
      return Sql.update(c, "DELETE FROM monitor_workers WHERE id = ?", id);
    });
    synchronized (this) {
      owned.clear();
    }
  }

  private static String truncate(String s) {
    return s.length() <= 2000 ? s : s.substring(0, 2000);
  }

  @Override
  public String toString() {
    return "SqlExchangeQueue{" + id + ", " + dialect + "}";
  }
}
