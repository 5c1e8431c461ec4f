package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import dev.bulwark.monitor.internal.Sql;
import dev.bulwark.store.Store;
import java.time.Clock;
import java.util.List;

/**
 * The dead letters: entries that failed every attempt, or could never be processed. An operator
 * reads the reason, fixes the cause (a flowchart, an analyzer's configuration), and requeues them.
 * A dead letter keeps the exchange's text until it is requeued and processed, or discarded.
 */
public final class DeadLetters {
  private final Store store;
  private final Clock clock;

  public DeadLetters(Store store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  public List<DeadLetter> list(int limit) {
    return Sql.read(store.dataSource(), "listing dead letters", c -> Sql.list(c,
        "SELECT seq, request_id, account, attempts, reason, failed_at FROM monitor_dead_letters ORDER BY seq LIMIT ?",
        rs -> new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
            Sql.instant(rs.getLong(6))), limit));
  }

  /** Puts a dead letter back in the queue with its attempts reset; false if there is none. */
  public boolean requeue(long seq) {
    long now = Sql.micros(clock.instant());
    return Sql.write(store.dataSource(), store.dialect(), "requeueing dead letter " + seq, c -> {
      int n = Sql.update(c, "INSERT INTO monitor_outbox (seq, request_id, enqueued_at, account, part, payload)"
          + " SELECT seq, request_id, ?, account, part, payload FROM monitor_dead_letters WHERE seq = ?", now, seq);
      Sql.update(c, "DELETE FROM monitor_dead_letters WHERE seq = ?", seq);
      return n == 1;
    });
  }

  /** Deletes a dead letter (and the text it kept) without processing it; false if there is none. */
  public boolean discard(long seq) {
    return Sql.write(store.dataSource(), store.dialect(), "discarding dead letter " + seq, c ->
        Sql.update(c, "DELETE FROM monitor_dead_letters WHERE seq = ?", seq) == 1);
  }
}
