package dev.bulwark.monitor.analyzer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What an analyzer may read besides the exchange, for one run. Confined to the thread running the
 * exchange's flowchart.
 */
public interface AnalysisContext {
  /** The account's decayed risk score at the exchange's time, before this exchange's findings. */
  double accountRisk();

  /**
   * The account's recent exchanges (those within the monitor's history window), oldest first, not
   * including this one.
   */
  List<PastExchange> history();

  /** The output of an earlier node of this run, or null if it did not run (or has not yet). */
  @Nullable NodeOutput output(String node);

  /**
   * Features to keep for later runs of the same account ({@link PastExchange#features()}). Keep them
   * small and free of text: they are stored with every run.
   */
  ObjectNode features();

  /**
   * A value computed once per run and shared by the analyzers that need it (the stage-1 scores of
   * the last user turn, an embedding).
   */
  <T> T memo(String key, Supplier<T> compute);
}
