package dev.bulwark.monitor;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * The monitor's source of exchanges: a durable, partitioned queue with at-least-once delivery.
 *
 * <p>Consumers share the partitions: each holds a lease on some of them (about an equal share of the
 * live consumers), renews it while alive, and receives only its partitions' entries, in order. An
 * account lives in one partition, so its exchanges are processed in order, by one consumer at a
 * time. A consumer that dies stops renewing; its leases expire and the others take its partitions,
 * redelivering whatever it had not acknowledged.
 *
 * <p>The SQL implementation ({@code SqlExchangeQueue}) reads the gateway's outbox table; at larger
 * scale a Kafka-backed implementation fits the same contract (partitions and consumer groups), which
 * is why processing must be idempotent: the monitor records each processed seq and each action's
 * (seq, action) key, so a redelivered entry changes nothing.
 *
 * <p>Implementations are used by one consumer thread ({@link #poll}, {@link #acknowledge}) plus a
 * renewal thread ({@link #renew}); {@link #stats()} may be called from any thread.
 */
public interface ExchangeQueue extends AutoCloseable {
  /** This consumer's id, unique among the live consumers. */
  String consumerId();

  /**
   * Renews this consumer's leases, takes free partitions up to its fair share (or gives back what it
   * holds beyond it), and returns up to {@code max} entries of its partitions in order. An entry
   * waiting for a retry holds back its account's later entries.
   */
  List<Delivery> poll(int max);

  /** Extends this consumer's leases, for a batch that takes long. */
  void renew();

  /**
   * Checks, inside a transaction of the caller's on the queue's database, that every delivery's
   * partition is still this consumer's at the epoch it was delivered at; throws {@link
   * LeaseLostException} if not, so that the caller rolls back. Queues on another system (Kafka)
   * implement it as a no-op and rely on the idempotence of processing.
   */
  default void checkLeases(Connection c, Collection<Delivery> deliveries) throws SQLException {}

  /**
   * Applies an acknowledgement. Returns false, changing nothing, when this consumer lost a partition
   * of the batch meanwhile: the new owner will redeliver.
   */
  boolean acknowledge(Acknowledgement ack);

  QueueStats stats();

  /** Gives this consumer's partitions back so that others take them at once. */
  @Override
  void close();
}
