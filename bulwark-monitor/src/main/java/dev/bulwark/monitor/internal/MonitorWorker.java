package dev.bulwark.monitor.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Ticker;
import dev.bulwark.monitor.Acknowledgement;
import dev.bulwark.monitor.Delivery;
import dev.bulwark.monitor.ExchangeQueue;
import dev.bulwark.monitor.LeaseLostException;
import dev.bulwark.monitor.MonitorSettings;
import dev.bulwark.monitor.QueueStats;
import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.monitor.incident.EvidenceKeeping;
import dev.bulwark.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer: poll a batch, run it, record the results, acknowledge. {@link #runOnce()} is one
 * round; the monitor calls it in a loop on its worker thread.
 *
 * <p>Delivery is at least once, effects exactly once: a batch's results and actions commit in one
 * transaction (guarded by the partitions' lease epochs), and the acknowledgement follows in another.
 * A crash between the two redelivers exchanges that already have a run; those are acknowledged
 * without running them again. Actions are keyed by (seq, action) in {@code monitor_effects}.
 *
 * <p>Account state (risk, recent history) is cached between batches: the worker owns an account's
 * partition exclusively while its lease's epoch stays the same, so what it committed is what the
 * database holds. An entry is used only at the epoch it was cached at, and a batch that fails to
 * commit drops its accounts' entries, so a lost partition or a failed commit always reloads.
 *
 * <p>Concurrency: {@link #runOnce()} is called by one thread at a time; it fans a batch out to the
 * executor by account. The cache is touched only by the calling thread.
 */
public final class MonitorWorker {
  private static final Logger log = LoggerFactory.getLogger(MonitorWorker.class);

  private final ExchangeQueue queue;
  private final FlowchartSource flowcharts;
  private final MonitorSettings settings;
  private final Clock clock;
  private final ResultWriter writer;
  private final BatchProcessor processor;
  private final MonitorMetrics metrics;
  private final Ticker ticker;
  private final Map<String, Cached> cache = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > CACHE_ACCOUNTS;
    }
  };

  private static final int CACHE_ACCOUNTS = 20_000;

  /** An account's state as committed, at the partition epoch it was committed under. */
  private record Cached(int partition, long epoch, AccountState state) {}

  public MonitorWorker(Store store, ExchangeQueue queue, FlowchartSource flowcharts, MonitorSettings settings,
      ExecutorService executor, Clock clock, Ticker ticker, MeterRegistry registry) {
    this(store, queue, flowcharts, settings, executor, clock, ticker, registry, null);
  }

  /**
   * @param keeping how incident actions keep the text of exchanges behind jailbreak incidents, or null
   *     to keep none
   */
  public MonitorWorker(Store store, ExchangeQueue queue, FlowchartSource flowcharts, MonitorSettings settings,
      ExecutorService executor, Clock clock, Ticker ticker, MeterRegistry registry, @Nullable EvidenceKeeping keeping) {
    this.queue = requireNonNull(queue, "queue");
    this.flowcharts = requireNonNull(flowcharts, "flowcharts");
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.ticker = requireNonNull(ticker, "ticker");
    this.writer = new ResultWriter(store, queue.consumerId(), keeping);
    this.processor = new BatchProcessor(executor, ticker);
    this.metrics = new MonitorMetrics(registry);
  }

  /**
   * One round: returns how many deliveries it handled (0 when there was no work).
   *
   * @throws InterruptedException when interrupted (the batch is abandoned, and redelivered later)
   */
  public int runOnce() throws InterruptedException {
    long start = ticker.read();
    List<Delivery> deliveries = queue.poll(settings.batchSize());
    if (deliveries.isEmpty()) {
      return 0;
    }
    Flowchart flowchart = flowcharts.current(); // one version for the whole batch
    Acknowledgement ack = new Acknowledgement();
    List<Long> seqs = new ArrayList<>();
    deliveries.forEach(d -> seqs.add(d.seq()));
    Set<Long> done = writer.alreadyProcessed(seqs);
    List<Delivery> todo = new ArrayList<>();
    for (Delivery d : deliveries) {
      if (done.contains(d.seq())) {
        ack.done(d);
      } else {
        todo.add(d);
      }
    }
    Map<String, AccountState> states = new HashMap<>();
    Map<String, Instant> since = new HashMap<>();
    Map<String, Delivery> firstOf = new HashMap<>();
    for (Delivery d : todo) {
      firstOf.putIfAbsent(d.account(), d);
      Cached c = cache.get(d.account());
      if (c != null && c.partition() == d.partition() && c.epoch() == d.epoch()) {
        states.putIfAbsent(d.account(), c.state().copy());
        continue;
      }
      Instant at = d.event() != null ? d.event().occurredAt() : d.enqueuedAt();
      since.merge(d.account(), at.minus(settings.historyWindow()), (a, b) -> a.isBefore(b) ? a : b);
    }
    if (!since.isEmpty()) {
      states.putAll(writer.load(since, settings.historyLimit()));
    }
    List<Outcome> outcomes = processor.process(todo, flowchart, states);

    List<Outcome.Processed> processed = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Processed p) {
        processed.add(p);
      }
    }
    Instant now = clock.instant();
    Map<String, Integer> actions;
    try {
      actions = writer.commit(queue, deliveries, processed, states.values(), now);
    } catch (LeaseLostException e) {
      states.keySet().forEach(cache::remove);
      metrics.leaseLost();
      log.warn("monitor batch of {} dropped: {}", deliveries.size(), e.getMessage());
      return deliveries.size();
    } catch (RuntimeException e) {
      states.keySet().forEach(cache::remove);
      throw e;
    }
    for (Map.Entry<String, AccountState> e : states.entrySet()) {
      Delivery d = firstOf.get(e.getKey());
      cache.put(e.getKey(), new Cached(d.partition(), d.epoch(), e.getValue()));
    }
    int retried = 0;
    int dead = 0;
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Processed p) {
        ack.done(p.delivery());
      } else if (o instanceof Outcome.Failed f) {
        Delivery d = f.delivery();
        int failures = d.attempts() + 1;
        if (f.poison()) {
          ack.dead(d, "poison: " + f.reason(), now);
          dead++;
        } else if (failures >= settings.maxAttempts()) {
          ack.dead(d, "failed " + failures + " times; last: " + f.reason(), now);
          dead++;
        } else {
          ack.retry(d, f.reason(), now.plus(settings.backoff(failures)));
          retried++;
        }
      }
    }
    if (!queue.acknowledge(ack)) {
      metrics.leaseLost();
      log.warn("monitor acknowledgement of {} lost its lease; the new owner redelivers", deliveries.size());
    }
    metrics.exchanges("processed", processed.size());
    metrics.exchanges("retried", retried);
    metrics.exchanges("dead", dead);
    for (Outcome.Processed p : processed) {
      metrics.lag(Duration.between(p.delivery().enqueuedAt(), now));
      for (FlowchartRunner.NodeRun r : p.run().path()) {
        metrics.node(r.node(), r.cost(), r.nanos());
      }
    }
    actions.forEach(metrics::action);
    metrics.batch(ticker.read() - start);
    return deliveries.size();
  }

  /** Refreshes the queue gauges. */
  public QueueStats refreshStats() {
    QueueStats s = queue.stats();
    long age = s.oldestEnqueuedAt() == null ? 0 : Math.max(0, Duration.between(s.oldestEnqueuedAt(), clock.instant()).toSeconds());
    metrics.queue(s.pending(), age, s.deadLetters(), s.ownedPartitions());
    return s;
  }

  /** For the monitor's loop: counts a failed round. */
  public void failed(RuntimeException e) {
    metrics.error();
    log.error("monitor batch failed; retrying after a pause: {}", e.toString());
  }
}
