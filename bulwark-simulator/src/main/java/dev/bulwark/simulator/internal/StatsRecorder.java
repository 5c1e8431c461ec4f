package dev.bulwark.simulator.internal;

import dev.bulwark.simulator.SimulatorStats;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The simulator's counters. Concurrency: lock-free; every event loop serving the port updates them,
 * and a snapshot may mix counts from just before and just after a concurrent update.
 */
public final class StatsRecorder {
  /** Paths counted by name; any other path counts as {@link #OTHER}, so the map stays small. */
  static final Set<String> KNOWN_PATHS =
      Set.of(
          Routes.OPENAI,
          Routes.ANTHROPIC,
          Routes.MODELS,
          Routes.HEALTH,
          Routes.SIM_STATS,
          Routes.SIM_REQUESTS,
          Routes.SIM_RESET,
          Routes.SIM_SCRIPT);

  static final String OTHER = "other";

  private final ConcurrentHashMap<String, LongAdder> byPath = new ConcurrentHashMap<>();
  final LongAdder streamsStarted = new LongAdder();
  final LongAdder streamsCompleted = new LongAdder();
  final LongAdder streamsCancelled = new LongAdder();
  final LongAdder requestsAbandoned = new LongAdder();
  final LongAdder faultsInjected = new LongAdder();
  final AtomicLong inFlight = new AtomicLong();

  void request(String path) {
    String key = KNOWN_PATHS.contains(path) ? path : OTHER;
    byPath.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  public SimulatorStats snapshot() {
    Map<String, Long> paths = new TreeMap<>();
    byPath.forEach(
        (k, v) -> {
          long n = v.sum();
          if (n > 0) {
            paths.put(k, n);
          }
        });
    return new SimulatorStats(
        paths,
        streamsStarted.sum(),
        streamsCompleted.sum(),
        streamsCancelled.sum(),
        requestsAbandoned.sum(),
        faultsInjected.sum(),
        inFlight.get());
  }

  /** Zeroes the counters, except in-flight, which counts what is really happening. */
  public void reset() {
    byPath.values().forEach(LongAdder::reset);
    streamsStarted.reset();
    streamsCompleted.reset();
    streamsCancelled.reset();
    requestsAbandoned.reset();
    faultsInjected.reset();
  }
}
