package dev.bulwark.monitor.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.monitor.Delivery;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.flow.ActionSpec;
import java.util.List;

/** What became of one delivery in a batch. */
sealed interface Outcome {
  Delivery delivery();

  /** Processed: the run, the risk it moved, the actions to take. */
  record Processed(Delivery delivery, Exchange exchange, FlowchartRunner.Run run, double riskBefore,
      double riskAfter, List<Planned> actions, ObjectNode features) implements Outcome {}

  /**
   * Not processed. {@code poison}: it can never be (dead-letter it now); otherwise retry it later.
   */
  record Failed(Delivery delivery, String reason, boolean poison) implements Outcome {}

  /** An action to take for an exchange, and what triggered it ({@code node#edge} or {@code risk>=N}). */
  record Planned(ActionSpec spec, String trigger) {}
}
