package dev.bulwark.monitor;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Ticker;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.monitor.incident.EvidenceKeeping;
import dev.bulwark.monitor.internal.MonitorWorker;
import dev.bulwark.monitor.internal.SqlExchangeQueue;
import dev.bulwark.monitor.internal.WebhookDispatcher;
import dev.bulwark.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitor worker: consumes the gateway's outbox, runs each exchange through the flowchart in force,
 * records the run, keeps account risk, and takes the actions, each exactly once.
 *
 * <p>{@code bulwark serve} embeds one; {@code bulwark monitor run} starts more as separate processes
 * against the same (PostgreSQL) store, where they share the work by partition leases. Build with
 * {@link #builder()}, then either {@link #start()} it (its own threads) or drive it with {@link
 * #runOnce()} (tests, benchmarks).
 *
 * <p>Threads: one consumer thread (named {@code bulwark-monitor}), {@code threads} analysis threads,
 * and one scheduler thread (lease renewal, queue gauges, webhook delivery), all daemons. {@link
 * #close()} stops them after the batch in progress and gives the partitions back.
 */
public final class Monitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Monitor.class);

  private final MonitorSettings settings;
  private final ExchangeQueue queue;
  private final FlowchartSource flowcharts;
  private final MonitorWorker worker;
  private final WebhookDispatcher webhooks;
  private final ExecutorService analysis;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable Thread consumer;

  private Monitor(Builder b) {
    this.settings = b.settings;
    Store store = requireNonNull(b.store, "store");
    this.flowcharts = requireNonNull(b.flowcharts, "flowcharts");
    this.queue = b.queue != null ? b.queue
        : new SqlExchangeQueue(store.dataSource(), store.dialect(), settings.workerId(), settings.lease(), b.clock);
    this.analysis = Executors.newFixedThreadPool(settings.threads(), daemon("bulwark-monitor-analysis"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("bulwark-monitor-timer"));
    MeterRegistry registry = b.meters != null ? b.meters : new SimpleMeterRegistry();
    this.worker = new MonitorWorker(store, queue, flowcharts, settings, analysis, b.clock, b.ticker, registry,
        b.evidence);
    HttpClient http = b.http != null ? b.http : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.webhookTimeout()).build();
    this.webhooks = new WebhookDispatcher(store, http, b.env, b.clock, settings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the consumer thread and the scheduler. */
  public Monitor start() {
    if (closed.get()) {
      throw new IllegalStateException("the monitor is closed");
    }
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the monitor is already started");
    }
    long renewMs = Math.max(50, settings.lease().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(this::renew, renewMs, renewMs, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::refresh, 0, 5, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(this::webhooks, 1, 1, TimeUnit.SECONDS);
    Thread t = new Thread(this::loop, "bulwark-monitor");
    t.setDaemon(true);
    consumer = t;
    t.start();
    log.info("monitor worker {} started with flowchart {}", queue.consumerId(), flowcharts.current().version());
    return this;
  }

  /**
   * One round on the caller's thread: polls a batch, runs it, commits, acknowledges.
   *
   * @return the deliveries handled; 0 when there was no work
   */
  public int runOnce() throws InterruptedException {
    return worker.runOnce();
  }

  /**
   * Rounds on the caller's thread until a round finds no work or {@code timeout} passes; returns the
   * deliveries handled. Entries waiting for a retry are not waited for.
   */
  public int drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int total = 0;
    int n;
    do {
      n = runOnce();
      total += n;
    } while (n > 0 && System.nanoTime() < deadline);
    return total;
  }

  /** Delivers the webhooks that are due, on the caller's thread. */
  public int deliverWebhooks() {
    return webhooks.deliverDue();
  }

  public QueueStats stats() {
    return worker.refreshStats();
  }

  public FlowchartSource flowcharts() {
    return flowcharts;
  }

  public ExchangeQueue queue() {
    return queue;
  }

  public MonitorSettings settings() {
    return settings;
  }

  /** Loads the analyzers' models and indexes now, on the caller's thread. */
  public void prepare() {
    for (var node : flowcharts.current().nodes()) {
      node.analyzer().prepare();
    }
  }

  private void loop() {
    try {
      prepare();
    } catch (RuntimeException e) {
      // Each exchange retries the load, and goes to the dead letters with the reason if it never works.
      log.error("monitor analyzers could not load: {}", e.toString());
    }
    long pause = settings.pollInterval().toMillis();
    while (!closed.get()) {
      try {
        int n = worker.runOnce();
        if (n < settings.batchSize()) {
          Thread.sleep(pause);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        worker.failed(e);
        try {
          Thread.sleep(Math.max(pause, 1_000));
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void renew() {
    try {
      queue.renew();
    } catch (RuntimeException e) {
      log.warn("renewing the monitor's leases failed: {}", e.toString());
    }
  }

  private void refresh() {
    try {
      worker.refreshStats();
    } catch (RuntimeException e) {
      log.debug("reading the monitor queue's stats failed", e);
    }
  }

  private void webhooks() {
    try {
      webhooks.deliverDue();
    } catch (RuntimeException e) {
      log.warn("delivering webhooks failed: {}", e.toString());
    }
  }

  /** Stops after the batch in progress and gives the partitions back. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    Thread t = consumer;
    if (t != null) {
      try {
        t.join(30_000);
        if (t.isAlive()) {
          t.interrupt();
          t.join(5_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    analysis.shutdownNow();
    try {
      queue.close();
    } catch (RuntimeException e) {
      log.warn("releasing the monitor's partitions failed (they expire with their leases): {}", e.toString());
    }
    flowcharts.close();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "Monitor{" + queue.consumerId() + ", " + flowcharts.current().version() + "}";
  }

  /** Builds a {@link Monitor}. */
  public static final class Builder {
    private @Nullable Store store;
    private @Nullable FlowchartSource flowcharts;
    private MonitorSettings settings = MonitorSettings.defaults();
    private @Nullable ExchangeQueue queue;
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.system();
    private @Nullable MeterRegistry meters;
    private @Nullable HttpClient http;
    private Map<String, String> env = Map.of();
    private @Nullable EvidenceKeeping evidence;

    private Builder() {}

    /** The store holding the outbox and the monitor's tables (required). */
    public Builder store(Store store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /** The flowchart in force, swappable while running (required). */
    public Builder flowcharts(FlowchartSource flowcharts) {
      this.flowcharts = requireNonNull(flowcharts, "flowcharts");
      return this;
    }

    public Builder settings(MonitorSettings settings) {
      this.settings = requireNonNull(settings, "settings");
      return this;
    }

    /** Another queue than the store's outbox (default: the SQL queue over the store). */
    public Builder queue(ExchangeQueue queue) {
      this.queue = requireNonNull(queue, "queue");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    public Builder meters(MeterRegistry meters) {
      this.meters = requireNonNull(meters, "meters");
      return this;
    }

    /** The HTTP client for webhooks. */
    public Builder http(HttpClient http) {
      this.http = requireNonNull(http, "http");
      return this;
    }

    /** Where webhook secrets are read from ({@code System.getenv()} in production). */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /**
     * Keep the text of exchanges behind jailbreak incidents, redacted and bounded, for rapid response
     * (see {@link EvidenceKeeping}). Without it, no text is kept and incident actions record so.
     */
    public Builder evidence(EvidenceKeeping keeping) {
      this.evidence = requireNonNull(keeping, "keeping");
      return this;
    }

    public Monitor build() {
      if (store == null) {
        throw new IllegalStateException("store is not set");
      }
      if (flowcharts == null) {
        throw new IllegalStateException("flowcharts is not set");
      }
      return new Monitor(this);
    }
  }
}
