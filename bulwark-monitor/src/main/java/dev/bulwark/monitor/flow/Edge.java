package dev.bulwark.monitor.flow;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An edge from a node: when {@code condition} holds after the node has run, the run goes on to
 * {@code to} (if set) and takes {@code actions} (if any).
 *
 * @param from the node it leaves
 * @param index its position among the node's edges, from 1 (for messages and {@code explain})
 * @param condition when it fires
 * @param to the node it leads to, or null for an edge that only acts
 * @param actions the actions it takes, by name
 */
public record Edge(String from, int index, Condition condition, @Nullable String to, List<String> actions) {
  public Edge {
    requireNonNull(from, "from");
    requireNonNull(condition, "condition");
    actions = List.copyOf(actions);
  }
}
