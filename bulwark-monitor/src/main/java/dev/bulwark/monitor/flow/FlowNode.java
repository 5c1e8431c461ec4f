package dev.bulwark.monitor.flow;

import static java.util.Objects.requireNonNull;

import dev.bulwark.monitor.analyzer.Analyzer;
import java.util.List;

/**
 * A node of a flowchart: an analyzer with its settings, and the edges that leave it.
 *
 * @param name its name, unique in the flowchart
 * @param analyzerName the analyzer's registered name
 * @param analyzer the analyzer, made from the node's settings
 * @param keepsFindings whether its findings count (false for a triage step whose output only steers
 *     the run)
 * @param edges the edges leaving it, in the file's order
 */
public record FlowNode(
    String name, String analyzerName, Analyzer analyzer, boolean keepsFindings, List<Edge> edges) {
  public FlowNode {
    requireNonNull(name, "name");
    requireNonNull(analyzerName, "analyzerName");
    requireNonNull(analyzer, "analyzer");
    edges = List.copyOf(edges);
  }
}
