package dev.bulwark.monitor.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.Ticker;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.flow.Edge;
import dev.bulwark.monitor.flow.FlowNode;
import dev.bulwark.monitor.flow.Flowchart;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Runs one exchange through one flowchart (see {@link Flowchart} for the semantics). Stateless. */
final class FlowchartRunner {
  private FlowchartRunner() {}

  /** One node's part of a run. */
  record NodeRun(String node, String analyzer, NodeOutput output, double cost, long nanos, List<Integer> fired) {}

  /** A finding with the node that made it. */
  record NodeFinding(String node, String analyzer, Finding finding) {}

  /**
   * A finished run.
   *
   * @param actions action name to what triggered it ({@code node#edge}), in the order they fired
   */
  record Run(String version, List<NodeRun> path, Map<String, String> actions, double cost, long nanos,
      List<NodeFinding> findings) {}

  /**
   * Runs {@code flowchart}; an analyzer's exception propagates (the exchange is retried).
   */
  static Run run(Flowchart flowchart, RunContext context, Ticker ticker) throws Exception {
    long start = ticker.read();
    Set<String> active = new HashSet<>(flowchart.start());
    List<NodeRun> path = new ArrayList<>();
    Map<String, String> actions = new LinkedHashMap<>();
    List<NodeFinding> findings = new ArrayList<>();
    double cost = 0;
    for (FlowNode node : flowchart.nodes()) {
      if (!active.contains(node.name())) {
        continue;
      }
      long t0 = ticker.read();
      NodeOutput out = node.analyzer().analyze(context.exchange(), context);
      if (out == null) {
        throw new IllegalStateException("analyzer " + node.analyzerName() + " of node " + node.name() + " returned no output");
      }
      long nanos = ticker.read() - t0;
      if (!node.keepsFindings()) {
        out = out.withoutFindings();
      }
      context.put(node.name(), out);
      for (Finding f : out.findings()) {
        findings.add(new NodeFinding(node.name(), node.analyzerName(), f));
      }
      List<Integer> fired = new ArrayList<>();
      for (Edge e : node.edges()) {
        if (e.condition().test(context)) {
          fired.add(e.index());
          if (e.to() != null) {
            active.add(e.to());
          }
          for (String a : e.actions()) {
            actions.putIfAbsent(a, node.name() + "#" + e.index());
          }
        }
      }
      double c = node.analyzer().costUnits();
      cost += c;
      path.add(new NodeRun(node.name(), node.analyzerName(), out, c, nanos, fired));
    }
    return new Run(flowchart.version(), path, actions, cost, ticker.read() - start, findings);
  }

  /** The run as stored: nodes with their outputs, cost, latency and fired edges. */
  static ArrayNode pathJson(Run run) {
    ArrayNode nodes = JsonNodeFactory.instance.arrayNode();
    for (NodeRun r : run.path()) {
      ObjectNode n = nodes.addObject();
      n.put("node", r.node());
      n.put("analyzer", r.analyzer());
      NodeOutput o = r.output();
      n.put("score", round(o.score()));
      if (o.category() != null) {
        n.put("category", o.category());
      }
      if (o.failed()) {
        n.put("failed", true);
      }
      if (!o.values().isEmpty()) {
        ObjectNode v = n.putObject("values");
        new java.util.TreeMap<>(o.values()).forEach((k, x) -> v.put(k, round(x)));
      }
      if (!o.labels().isEmpty()) {
        ArrayNode l = n.putArray("labels");
        o.labels().forEach(l::add);
      }
      if (!o.findings().isEmpty()) {
        ArrayNode fs = n.putArray("findings");
        for (Finding f : o.findings()) {
          fs.addObject().put("category", f.category()).put("severity", f.severity().wireName())
              .put("score", round(f.score())).put("summary", f.summary());
        }
      }
      n.put("detail", o.detail());
      n.put("cost", r.cost());
      n.put("latency_us", r.nanos() / 1_000);
      ArrayNode fired = n.putArray("fired");
      r.fired().forEach(fired::add);
    }
    return nodes;
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
