package dev.bulwark.monitor.analyzer;

import java.util.Set;

/**
 * Makes an {@link Analyzer} from a flowchart node's settings; registered by name in an {@link
 * AnalyzerRegistry}. This is the monitor's plug-in point: a new analysis step is a factory, and
 * operators use it by naming it in a flowchart, without any other code change.
 */
public interface AnalyzerFactory {
  /** The name flowcharts use, e.g. {@code exchange_classifier}; lower case, digits and underscores. */
  String name();

  /**
   * The names of the numbers its outputs carry in {@link NodeOutput#values()}, which conditions may
   * read as {@code node.<name>}; a condition naming another one is refused at load.
   */
  Set<String> values();

  /** Whether it can run in this deployment (the LLM judge needs a configured model). */
  default boolean available() {
    return true;
  }

  /** Why it cannot run, when {@link #available()} is false. */
  default String unavailableReason() {
    return "not configured";
  }

  /**
   * A new analyzer with {@code settings}.
   *
   * @throws IllegalArgumentException naming the bad setting, e.g. {@code settings.stage: must be 1
   *     or 2, was 3}
   */
  Analyzer create(Settings settings);
}
