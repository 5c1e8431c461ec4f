package dev.bulwark.gateway.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's Prometheus metrics. Latency histograms use one fixed bucket layout (0.5 ms to 60 s) so
 * that series stay few and comparable across gateways.
 */
public final class GatewayMetrics {
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final MeterRegistry registry;
  private final AtomicInteger activeStreams = new AtomicInteger();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    registry.gauge("bulwark_streams_active", activeStreams);
  }

  public MeterRegistry registry() {
    return registry;
  }

  void request(String protocol, String model, String outcome, int status, long nanos) {
    Counter.builder("bulwark_requests")
        .description("Requests by client protocol, model, outcome and HTTP status")
        .tags("protocol", protocol, "model", model, "outcome", outcome, "status", Integer.toString(status))
        .register(registry)
        .increment();
    timer("bulwark_request_duration", "Whole request, from arrival to the last byte", "protocol", protocol)
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void verdict(String phase, Verdict v) {
    String category = topCategory(v);
    Counter.builder("bulwark_verdicts")
        .description("Stage verdicts by phase, stage, action, scan status and top category")
        .tags("phase", phase, "stage", v.stage(), "action", v.action().wireName(),
            "status", v.status().wireName(), "category", category)
        .register(registry)
        .increment();
    if (v.status() != dev.bulwark.core.ScanStatus.SKIPPED) {
      timer("bulwark_stage_latency", "Time spent in a safeguard stage", "phase", phase, "stage", v.stage())
          .record(v.latencyNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    if (v.action() == dev.bulwark.core.Action.HALT) {
      Counter.builder("bulwark_halts")
          .description("Streams halted, by the stage that halted them")
          .tags("stage", v.stage(), "category", category)
          .register(registry)
          .increment();
    }
  }

  void upstream(String upstream, String outcome, long nanos) {
    timer("bulwark_upstream_latency", "Time to the upstream's response headers", "upstream", upstream, "outcome", outcome)
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void timeToFirstToken(String model, long nanos) {
    timer("bulwark_time_to_first_token", "From request arrival to the first released content", "model", model)
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void tokens(String model, int input, int output) {
    Counter.builder("bulwark_tokens").tags("model", model, "direction", "input").register(registry).increment(input);
    Counter.builder("bulwark_tokens").tags("model", model, "direction", "output").register(registry).increment(output);
  }

  void heldBackChars(long chars) {
    DistributionSummary.builder("bulwark_stream_withheld_chars")
        .description("Characters a stream never released because it was halted")
        .register(registry)
        .record(chars);
  }

  void streamStarted() {
    activeStreams.incrementAndGet();
  }

  void streamEnded() {
    activeStreams.decrementAndGet();
  }

  private Timer timer(String name, String description, String... tags) {
    return Timer.builder(name)
        .description(description)
        .tags(tags)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  private static String topCategory(Verdict v) {
    String top = "none";
    double best = 0.0;
    for (Map.Entry<String, Double> e : v.scores().asMap().entrySet()) {
      if (e.getValue() > best) {
        best = e.getValue();
        top = e.getKey();
      }
    }
    return top;
  }
}
