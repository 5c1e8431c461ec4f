package dev.bulwark.monitor.internal;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The monitor's metrics: throughput by outcome, lag (enqueue to processed), queue depth and age, dead
 * letters, per-node runs and cost units (the cascade's shape), actions by type, batch time.
 */
final class MonitorMetrics {
  private final MeterRegistry registry;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong oldestSeconds = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong partitions = new AtomicLong();
  private final Timer lag;
  private final Timer batch;

  MonitorMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    registry.gauge("bulwark_monitor_pending", pending);
    registry.gauge("bulwark_monitor_oldest_pending_seconds", oldestSeconds);
    registry.gauge("bulwark_monitor_dead_letters", deadLetters);
    registry.gauge("bulwark_monitor_partitions_owned", partitions);
    this.lag = Timer.builder("bulwark_monitor_lag")
        .description("From the gateway's enqueue to the monitor's commit")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
    this.batch = Timer.builder("bulwark_monitor_batch_duration").description("One batch, poll to acknowledgement")
        .register(registry);
  }

  void exchanges(String outcome, int n) {
    if (n > 0) {
      Counter.builder("bulwark_monitor_exchanges").description("Exchanges by outcome: processed, retried, dead")
          .tag("outcome", outcome).register(registry).increment(n);
    }
  }

  void lag(Duration d) {
    lag.record(d.isNegative() ? Duration.ZERO : d);
  }

  void batch(long nanos) {
    batch.record(nanos, TimeUnit.NANOSECONDS);
  }

  void node(String node, double cost, long nanos) {
    Counter.builder("bulwark_monitor_node_runs").description("Exchanges that reached each flowchart node")
        .tag("node", node).register(registry).increment();
    Counter.builder("bulwark_monitor_cost_units").description("Cost units spent per flowchart node")
        .tag("node", node).register(registry).increment(cost);
    Timer.builder("bulwark_monitor_node_latency").tag("node", node).register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  void action(String type, int n) {
    if (n > 0) {
      Counter.builder("bulwark_monitor_actions").description("Actions taken (new, not repeated)")
          .tag("type", type).register(registry).increment(n);
    }
  }

  void queue(long pendingNow, long oldestAgeSeconds, long dead, int owned) {
    pending.set(pendingNow);
    oldestSeconds.set(oldestAgeSeconds);
    deadLetters.set(dead);
    partitions.set(owned);
  }

  void leaseLost() {
    Counter.builder("bulwark_monitor_lease_lost").description("Batches dropped because a partition lease moved on")
        .register(registry).increment();
  }

  void error() {
    Counter.builder("bulwark_monitor_errors").description("Batches that failed (the database, most likely)")
        .register(registry).increment();
  }
}
