package dev.bulwark.monitor.analyzer;

/**
 * One analysis step of the flowchart. Implementations are immutable and thread-safe: the monitor
 * runs many exchanges at once through the same instance.
 */
public interface Analyzer {
  /**
   * Analyses {@code exchange}. An exception means the exchange could not be processed at all: the
   * monitor retries it with backoff and dead-letters it after the last attempt. Analyzers whose
   * failures are findings of their own (an unreachable LLM judge) return {@link
   * NodeOutput#failure} instead.
   */
  NodeOutput analyze(Exchange exchange, AnalysisContext context) throws Exception;

  /**
   * What one call costs, in the monitor's cost units (1 unit is about one stage-1 classification), so
   * the cost report can say what a flowchart spends per thousand exchanges.
   */
  double costUnits();

  /**
   * Loads what it needs (a model, an index) before the first exchange. The monitor calls it on its
   * own thread when it starts, so heavy loading neither delays the gateway's start nor holds a batch's
   * leases; an analyzer that is not prepared loads on first use.
   */
  default void prepare() {}
}
