package dev.bulwark.simulator.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.simulator.RecordedRequest;
import dev.bulwark.simulator.Script;
import dev.bulwark.simulator.SimulatorConfig;
import dev.bulwark.simulator.SimulatorStats;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one simulator shares between the event loops serving its port: the frozen configuration, the
 * one setting that can change at run time (the script, swapped atomically), counters and the
 * request log. Concurrency: every member is thread-safe.
 */
public final class SimulatorState {
  final SimulatorConfig config;
  private final AtomicReference<Script> script;
  final StatsRecorder stats = new StatsRecorder();
  final RequestLog log = new RequestLog();
  private final AtomicLong seq = new AtomicLong();

  public SimulatorState(SimulatorConfig config) {
    this.config = requireNonNull(config, "config");
    this.script = new AtomicReference<>(config.script());
  }

  public SimulatorConfig config() {
    return config;
  }

  public Script script() {
    return script.get();
  }

  public void script(Script replacement) {
    script.set(requireNonNull(replacement, "script"));
  }

  public SimulatorStats stats() {
    return stats.snapshot();
  }

  public List<RecordedRequest> requests() {
    return log.snapshot();
  }

  /** Clears the counters (but in-flight) and the request log; the script stays. */
  public void reset() {
    stats.reset();
    log.clear();
  }

  long nextSeq() {
    return seq.incrementAndGet();
  }
}
