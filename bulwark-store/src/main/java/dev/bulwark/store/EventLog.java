package dev.bulwark.store;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The append-only, hash-chained log of everything the gateway and its operators did.
 *
 * <p>Appends never block: they queue for the store's single writer thread, which commits whatever
 * has queued in one transaction (group commit) and then completes the futures, on the writer
 * thread. Dependent stages that do real work belong on the caller's own executor ({@code
 * thenApplyAsync(fn, executor)}), since a stage run on the writer thread delays every later
 * commit.
 *
 * <p>Reads run on pooled connections, never on the writer's, and see committed events only.
 */
public interface EventLog {
  /**
   * Queues {@code event}; the future completes with its seq once the transaction that holds it has
   * committed. It completes exceptionally with a {@link StoreException} when this event could not
   * be written (the other events of its batch are retried without it), when the queue is full, or
   * when the store is closed.
   *
   * <p>A completed future means the event is durable (to the configured {@link Durability}). A
   * failed one means it is not known to be: if the connection was lost during the commit itself,
   * the event may still be in the log. Callers that must fail closed (the gateway does not forward
   * a request whose start record failed) are safe either way; the log may hold more than what
   * happened, never less.
   */
  CompletableFuture<Long> append(EventRecord event);

  /**
   * Queues {@code events} to be written in one transaction, with consecutive seqs: all of them are
   * committed or none is.
   */
  CompletableFuture<List<Long>> appendAll(List<EventRecord> events);

  /**
   * Up to {@code limit} (1 to 10,000) committed events with seq above {@code afterSeq}, in seq
   * order.
   */
  List<StoredEvent> read(long afterSeq, int limit);

  /** Every committed event of one request, in seq order. */
  List<StoredEvent> forRequest(String requestId);

  /**
   * Walks the whole chain in seq order, a page at a time, and reports the first event that was
   * edited, deleted or moved. Events committed while it runs are not checked.
   */
  ChainReport verify();

  /**
   * Ids of requests that have an event of {@code startType} and none of {@code endTypes}, in the
   * order they started: after a crash, the requests that reached the model without a recorded end.
   */
  List<String> unfinishedRequests(String startType, Set<String> endTypes);

  /** The seq of the newest committed event, 0 when the log is empty. */
  long headSeq();

  /** This process's writer counters. */
  EventLogStats stats();
}
