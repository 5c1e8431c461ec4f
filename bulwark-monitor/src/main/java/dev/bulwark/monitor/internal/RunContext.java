package dev.bulwark.monitor.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.monitor.analyzer.AnalysisContext;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.PastExchange;
import dev.bulwark.monitor.flow.Condition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The state of one run: what analyzers and conditions read. Confined to the run's thread. */
final class RunContext implements AnalysisContext, Condition.Input {
  private final Exchange exchange;
  private final double accountRisk;
  private final List<PastExchange> history;
  private final Map<String, NodeOutput> outputs = new HashMap<>();
  private final Map<String, Object> memo = new HashMap<>();
  private final ObjectNode features = JsonNodeFactory.instance.objectNode();

  RunContext(Exchange exchange, double accountRisk, List<PastExchange> history) {
    this.exchange = requireNonNull(exchange, "exchange");
    this.accountRisk = accountRisk;
    this.history = List.copyOf(history);
  }

  @Override
  public double accountRisk() {
    return accountRisk;
  }

  @Override
  public Exchange exchange() {
    return exchange;
  }

  @Override
  public List<PastExchange> history() {
    return history;
  }

  @Override
  public @Nullable NodeOutput output(String node) {
    return outputs.get(node);
  }

  void put(String node, NodeOutput output) {
    outputs.put(node, output);
  }

  @Override
  public ObjectNode features() {
    return features;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T memo(String key, Supplier<T> compute) {
    Object v = memo.get(key);
    if (v == null) {
      v = requireNonNull(compute.get(), "memo value");
      memo.put(key, v);
    }
    return (T) v;
  }
}
