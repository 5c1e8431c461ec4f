package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.store.internal.ChainAppender;
import dev.bulwark.store.internal.Databases;
import dev.bulwark.store.internal.EventWriter;
import dev.bulwark.store.diligence.DiligenceStore;
import dev.bulwark.store.internal.JdbcAuditedWrites;
import dev.bulwark.store.internal.JdbcDiligenceStore;
import dev.bulwark.store.internal.JdbcEventLog;
import dev.bulwark.store.internal.JdbcKeyStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An open store: the event log, the key store and their connections. Open one per process with
 * {@link #open(StoreConfig)} and close it on shutdown; {@link #close()} commits every append queued
 * before it.
 *
 * <p>Several processes may open the same database at once (the {@code bulwark keys} CLI while
 * {@code bulwark serve} runs): every write transaction takes the database's write lock before it
 * reads the chain head, so they share one hash chain.
 */
public final class Store implements AutoCloseable {
  /** The name of the event writer's thread. */
  public static final String WRITER_THREAD_NAME = "bulwark-store-writer";

  private final StoreConfig config;
  private final HikariDataSource pool;
  private final HikariDataSource writerPool;
  private final EventWriter writer;
  private final JdbcEventLog events;
  private final JdbcKeyStore keys;
  private final JdbcDiligenceStore diligence;
  private final JdbcAuditedWrites audited;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Store(
      StoreConfig config, HikariDataSource pool, HikariDataSource writerPool, EventWriter writer,
      Clock clock, ChainAppender chain) {
    this.config = config;
    this.pool = pool;
    this.writerPool = writerPool;
    this.writer = writer;
    this.events = new JdbcEventLog(pool, config.dialect(), writer);
    this.keys = new JdbcKeyStore(pool, chain, clock);
    this.diligence = new JdbcDiligenceStore(pool, chain);
    this.audited = new JdbcAuditedWrites(pool, chain);
  }

  /**
   * Opens the store: creates the SQLite file's directory, connects, migrates the schema and starts
   * the writer, a daemon platform thread named {@value #WRITER_THREAD_NAME}.
   *
   * @throws StoreException naming the database if it cannot be reached or migrated
   */
  public static Store open(StoreConfig config) {
    return open(config, Store::newWriterThread, Clock.systemUTC());
  }

  /**
   * {@link #open(StoreConfig)} with the writer's thread made by {@code writerThreads} and times
   * (outbox enqueue times, key-store change times) read from {@code clock}.
   */
  public static Store open(StoreConfig config, ThreadFactory writerThreads, Clock clock) {
    requireNonNull(config, "config");
    requireNonNull(writerThreads, "writerThreads");
    requireNonNull(clock, "clock");
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      HikariDataSource pool = Databases.pool(config, "bulwark-store", config.poolSize());
      opened.add(pool);
      Databases.migrate(pool, config);
      // Its own pool of one: a dedicated connection that Hikari replaces if it breaks.
      HikariDataSource writerPool = Databases.pool(config, "bulwark-store-writer", 1);
      opened.add(writerPool);
      ChainAppender chain = new ChainAppender(config.dialect(), clock);
      EventWriter writer = new EventWriter(
          writerPool, chain, config.maxBatch(), config.maxBatchDelay(), config.maxQueued());
      Thread thread = writerThreads.newThread(writer);
      if (thread == null) {
        throw new StoreException("the writer thread factory returned no thread");
      }
      thread.start();
      return new Store(config, pool, writerPool, writer, clock, chain);
    } catch (RuntimeException | Error e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static Thread newWriterThread(Runnable writer) {
    Thread t = new Thread(writer, WRITER_THREAD_NAME);
    // A forgotten close() must not keep the JVM alive; appends not yet committed then are lost
    // exactly as in a crash, and their futures never said otherwise.
    t.setDaemon(true);
    return t;
  }

  public Dialect dialect() {
    return config.dialect();
  }

  public StoreConfig config() {
    return config;
  }

  public EventLog events() {
    return events;
  }

  public KeyStore keys() {
    return keys;
  }

  /** People, admin credentials and the due-diligence workflow's records. */
  public DiligenceStore diligence() {
    return diligence;
  }

  /** Write transactions of other modules' tables, audited in the hash chain in the same commit. */
  public AuditedWrites audited() {
    return audited;
  }

  /**
   * The pool that reads and admin writes use, for later modules (the monitor's outbox consumer,
   * access). On SQLite a connection with auto-commit off begins an IMMEDIATE transaction, which
   * takes the write lock at once: keep such transactions short, and never leave a connection idle
   * with auto-commit off.
   */
  public DataSource dataSource() {
    return pool;
  }

  /**
   * Stops accepting appends, commits everything queued before, then closes the connections.
   * Idempotent. Must not be called from the writer thread, i.e. from an append future's callback.
   */
  @Override
  public void close() {
    writer.checkNotWriterThread();
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    @Nullable RuntimeException failure = null;
    try {
      writer.close();
    } catch (RuntimeException e) {
      failure = e;
    }
    writerPool.close();
    pool.close();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "Store{" + config.redactedUrl() + "}";
  }
}
