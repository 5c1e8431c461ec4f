package dev.bulwark.store.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.EventLogStats;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that writes the event log: it takes what has queued (up to {@code maxBatch}
 * events), appends it in one transaction, and completes each append's future after the commit.
 *
 * <p>Concurrency: any thread may call {@link #append}, {@link #appendAll} and {@link #stats}; they
 * never block (the queue is bounded and a full queue fails the append). Only the writer thread
 * ({@link #run}) touches the database connection. Shutdown is two volatile flags: {@code closed}
 * stops new appends at the door; the writer, once it has seen the shutdown marker and committed
 * everything queued, sets {@code terminated} and fails whatever is left. An append that slipped
 * past the door while close was in progress checks {@code terminated} after enqueueing, so either
 * it or the writer's final sweep finds it: no future is left pending.
 *
 * <p>One bad event must not lose the others of its batch: when the inserts fail, the batch is
 * split in halves and each half retried, down to the single append (an {@code appendAll} group is
 * never split) whose future then fails. Failures outside the inserts (no connection, lock timeout,
 * commit) fail the whole batch: retrying them event by event would only fail slower.
 */
public final class EventWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

  private final DataSource connections;
  private final ChainAppender chain;
  private final int maxBatch;
  private final long maxDelayNanos;
  private final int maxQueued;
  private final BlockingQueue<Pending> queue;
  private final Pending shutdownMarker = new Batch(List.of());
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicLong batchesCommitted = new AtomicLong();
  private final AtomicLong eventsCommitted = new AtomicLong();
  private final AtomicLong eventsFailed = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean terminated;
  private volatile @Nullable Thread writerThread;

  /**
   * @param connections where the writer's connection comes from; it takes one per batch, so a
   *     single-connection pool keeps it dedicated and replaces it when it breaks
   */
  public EventWriter(
      DataSource connections, ChainAppender chain, int maxBatch, Duration maxBatchDelay,
      int maxQueued) {
    this.connections = requireNonNull(connections, "connections");
    this.chain = requireNonNull(chain, "chain");
    this.maxBatch = maxBatch;
    this.maxDelayNanos = maxBatchDelay.toNanos();
    // One slot above the limit, which appends never take: room for close()'s marker.
    this.queue = new LinkedBlockingQueue<>(maxQueued + 1);
    this.maxQueued = maxQueued;
  }

  public CompletableFuture<Long> append(EventRecord event) {
    Single pending = new Single(requireNonNull(event, "event"));
    enqueue(pending);
    return pending.future;
  }

  public CompletableFuture<List<Long>> appendAll(List<EventRecord> events) {
    List<EventRecord> copy = List.copyOf(events);
    if (copy.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Batch pending = new Batch(copy);
    enqueue(pending);
    return pending.future;
  }

  public EventLogStats stats() {
    return new EventLogStats(
        batchesCommitted.get(), eventsCommitted.get(), eventsFailed.get(), queue.size());
  }

  private void enqueue(Pending pending) {
    if (closed) {
      fail(pending, closedException());
      return;
    }
    if (queue.size() >= maxQueued || !queue.offer(pending)) {
      fail(pending, new StoreException(
          "the event log's queue is full (" + maxQueued + " appends waiting): the database is"
              + " not keeping up"));
      return;
    }
    if (terminated && queue.remove(pending)) {
      fail(pending, closedException());
    }
  }

  /**
   * Stops accepting appends, waits until the writer has committed everything queued before, and
   * returns. Must not be called from the writer thread (for example from a future's callback).
   */
  public void close() {
    checkNotWriterThread();
    closed = true;
    boolean interrupted = false;
    try {
      // If the writer already died (of an Error), nobody would take the marker off a full queue.
      while (finished.getCount() > 0) {
        try {
          if (queue.offer(shutdownMarker, 100, TimeUnit.MILLISECONDS)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      while (true) {
        try {
          finished.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Throws if called on the writer thread, where waiting for the writer would wait forever (a
   * future's callback runs there).
   */
  public void checkNotWriterThread() {
    if (Thread.currentThread() == writerThread) {
      throw new IllegalStateException(
          "the store was closed on its writer thread, which would wait for itself forever; run"
              + " callbacks of append futures on another executor");
    }
  }

  @Override
  public void run() {
    writerThread = Thread.currentThread();
    List<Pending> batch = new ArrayList<>();
    boolean draining = false;
    try {
      while (true) {
        Pending first = draining ? queue.poll() : take();
        if (first == null) {
          break;
        }
        if (first == shutdownMarker) {
          draining = true;
          continue;
        }
        batch.add(first);
        int events = first.size();
        long deadline = System.nanoTime() + maxDelayNanos;
        while (events < maxBatch) {
          Pending next = draining ? queue.poll() : pollUntil(deadline);
          if (next == null) {
            break;
          }
          if (next == shutdownMarker) {
            draining = true;
            continue;
          }
          batch.add(next);
          events += next.size();
        }
        commit(batch);
        batch.clear();
      }
    } finally {
      // Also reached if the thread dies of an Error: then appends must fail fast, not hang.
      closed = true;
      terminated = true;
      StoreException closedException = closedException();
      batch.forEach(p -> fail(p, closedException));
      for (Pending p; (p = queue.poll()) != null; ) {
        if (p != shutdownMarker) {
          fail(p, closedException);
        }
      }
      finished.countDown();
    }
  }

  private Pending take() {
    while (true) {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        // Nothing but close() stops the writer; an interrupt from elsewhere is ignored.
        log.warn("the event writer was interrupted; it stops only when the store is closed");
      }
    }
  }

  private @Nullable Pending pollUntil(long deadline) {
    if (maxDelayNanos == 0) {
      return queue.poll();
    }
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      return queue.poll();
    }
    try {
      return queue.poll(remaining, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      return queue.poll();
    }
  }

  private void commit(List<Pending> batch) {
    Connection c;
    try {
      c = connections.getConnection();
    } catch (SQLException | RuntimeException e) {
      failAll(batch, e);
      return;
    }
    try {
      commitOrSplit(c, batch);
    } finally {
      try {
        c.close();
      } catch (SQLException e) {
        log.warn("closing the event writer's connection failed", e);
      }
    }
  }

  private void commitOrSplit(Connection c, List<Pending> groups) {
    try {
      long seq = writeOnce(c, groups);
      // Counted before completing, so that a caller who saw its future complete sees it counted.
      batchesCommitted.incrementAndGet();
      eventsCommitted.addAndGet(groups.stream().mapToInt(Pending::size).sum());
      for (Pending p : groups) {
        p.complete(seq);
        seq += p.size();
      }
    } catch (Rejected e) {
      if (groups.size() == 1) {
        Pending bad = groups.get(0);
        log.warn("the database rejected an append of {} event(s) (first type {}): {}",
            bad.size(), bad.events().get(0).type(), e.getCause().getMessage());
        fail(bad, e.getCause());
      } else if (!isValid(c)) {
        failAll(groups, e.getCause());
      } else {
        int mid = groups.size() / 2;
        commitOrSplit(c, groups.subList(0, mid));
        commitOrSplit(c, groups.subList(mid, groups.size()));
      }
    } catch (SQLException | RuntimeException e) {
      failAll(groups, e);
    }
  }

  /** Appends {@code groups} in one transaction; returns the first seq. */
  private long writeOnce(Connection c, List<Pending> groups) throws SQLException, Rejected {
    ChainHead head = chain.begin(c);
    try {
      List<EventRecord> all = new ArrayList<>();
      for (Pending p : groups) {
        all.addAll(p.events());
      }
      try {
        chain.append(c, head, all);
      } catch (SQLException e) {
        throw new Rejected(e);
      }
      chain.commit(c);
      return head.seq() + 1;
    } catch (Throwable t) {
      chain.rollback(c, t);
      throw t;
    }
  }

  private static boolean isValid(Connection c) {
    try {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private void failAll(List<Pending> groups, Throwable cause) {
    int events = groups.stream().mapToInt(Pending::size).sum();
    log.warn("appending {} event(s) to the event log failed: {}", events, cause.toString());
    groups.forEach(p -> fail(p, cause));
  }

  private void fail(Pending pending, Throwable cause) {
    StoreException e = cause instanceof StoreException se
        ? se
        : new StoreException("appending to the event log failed: " + cause.getMessage(), cause);
    // Counted before completing, as in commitOrSplit. Each append is completed by one thread only
    // (the writer, or the appender that never got it queued); the check skips those of a batch
    // that had already committed when the writer died.
    if (!pending.isDone()) {
      eventsFailed.addAndGet(pending.size());
      pending.fail(e);
    }
  }

  private static StoreException closedException() {
    return new StoreException("the store is closed");
  }

  /** The inserts failed, so the events themselves may be at fault. */
  private static final class Rejected extends Exception {
    Rejected(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) requireNonNull(super.getCause());
    }
  }

  /**
   * One append or appendAll waiting for the writer. Identity matters (the queue removes and
   * compares by it), so these are classes, not records.
   */
  private abstract static class Pending {
    abstract List<EventRecord> events();

    abstract int size();

    abstract void complete(long firstSeq);

    abstract void fail(StoreException e);

    abstract boolean isDone();
  }

  private static final class Single extends Pending {
    private final EventRecord event;
    final CompletableFuture<Long> future = new CompletableFuture<>();

    Single(EventRecord event) {
      this.event = event;
    }

    @Override
    List<EventRecord> events() {
      return List.of(event);
    }

    @Override
    int size() {
      return 1;
    }

    @Override
    void complete(long firstSeq) {
      future.complete(firstSeq);
    }

    @Override
    void fail(StoreException e) {
      future.completeExceptionally(e);
    }

    @Override
    boolean isDone() {
      return future.isDone();
    }
  }

  private static final class Batch extends Pending {
    private final List<EventRecord> events;
    final CompletableFuture<List<Long>> future = new CompletableFuture<>();

    Batch(List<EventRecord> events) {
      this.events = events;
    }

    @Override
    List<EventRecord> events() {
      return events;
    }

    @Override
    int size() {
      return events.size();
    }

    @Override
    void complete(long firstSeq) {
      future.complete(
          LongStream.range(firstSeq, firstSeq + events.size()).boxed()
              .collect(Collectors.toUnmodifiableList()));
    }

    @Override
    void fail(StoreException e) {
      future.completeExceptionally(e);
    }

    @Override
    boolean isDone() {
      return future.isDone();
    }
  }
}
