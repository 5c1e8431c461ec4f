package dev.bulwark.monitor.flow;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated flowchart: analyzer nodes in a running order (a topological order of the graph), the
 * nodes every exchange starts at, named actions and the risk policy. Immutable: the monitor swaps a
 * whole flowchart at once, and each run uses one.
 *
 * <p>A run visits the nodes in {@link #nodes()} order. A node runs when it is a start node or when an
 * edge into it fired; after it runs, each of its edges whose condition holds fires, in order, sending
 * the run on to its target and adding its actions. Since the graph has no cycles, a node runs at most
 * once per exchange and the run always ends.
 *
 * <p>Make one with {@link FlowchartParser}.
 */
public final class Flowchart {
  private final String declaredVersion;
  private final String digest;
  private final String source;
  private final List<FlowNode> nodes;
  private final Map<String, FlowNode> byName;
  private final Set<String> start;
  private final Map<String, ActionSpec> actions;
  private final RiskPolicy risk;
  private final Set<String> dropped;

  Flowchart(String declaredVersion, String digest, String source, List<FlowNode> nodes, Set<String> start,
      Map<String, ActionSpec> actions, RiskPolicy risk, Set<String> dropped) {
    this.declaredVersion = requireNonNull(declaredVersion, "declaredVersion");
    this.digest = requireNonNull(digest, "digest");
    this.source = requireNonNull(source, "source");
    this.nodes = List.copyOf(nodes);
    Map<String, FlowNode> m = new LinkedHashMap<>();
    for (FlowNode n : nodes) {
      m.put(n.name(), n);
    }
    this.byName = Collections.unmodifiableMap(m);
    this.start = Collections.unmodifiableSet(new LinkedHashSet<>(start));
    this.actions = Collections.unmodifiableMap(new LinkedHashMap<>(actions));
    this.risk = requireNonNull(risk, "risk");
    this.dropped = Set.copyOf(dropped);
  }

  /**
   * The version runs record: the file's {@code version} and the first 12 hex digits of the SHA-256 of
   * its bytes, e.g. {@code default-1@3f2a9c1b0d4e}, so two different files never share one.
   */
  public String version() {
    return declaredVersion + "@" + digest;
  }

  /** The {@code version} the file declares ({@code unversioned} when it declares none). */
  public String declaredVersion() {
    return declaredVersion;
  }

  /** The SHA-256 of the file's bytes, first 12 hex digits. */
  public String digest() {
    return digest;
  }

  /** Where it was loaded from. */
  public String source() {
    return source;
  }

  /** The nodes in running order. */
  public List<FlowNode> nodes() {
    return nodes;
  }

  public Optional<FlowNode> node(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The nodes every exchange starts at. */
  public Set<String> start() {
    return start;
  }

  public Map<String, ActionSpec> actions() {
    return actions;
  }

  public RiskPolicy risk() {
    return risk;
  }

  /** Optional nodes left out because their analyzer cannot run in this deployment. */
  public Set<String> dropped() {
    return dropped;
  }

  @Override
  public String toString() {
    return "Flowchart{" + version() + ", nodes=" + byName.keySet() + ", start=" + start + "}";
  }
}
