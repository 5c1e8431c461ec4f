package dev.bulwark.monitor.flow;

import org.jspecify.annotations.Nullable;

/**
 * A flowchart that cannot be used, with what is wrong; {@link #node()} names the offending node when
 * there is one, and the message always does ({@code node 'deep': unknown analyzer 'stage3'}).
 */
public final class FlowchartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String node;

  public FlowchartException(@Nullable String node, String message) {
    super(message);
    this.node = node;
  }

  public FlowchartException(@Nullable String node, String message, Throwable cause) {
    super(message, cause);
    this.node = node;
  }

  /** The node at fault, or null when the problem is not a node's (bad YAML, a bad action). */
  public @Nullable String node() {
    return node;
  }
}
