package dev.bulwark.core;

/**
 * What a safeguard decided about a piece of content, ordered from least to most severe.
 *
 * <p>{@link #BLOCK} refuses a request before anything reaches the model; {@link #HALT} stops a
 * completion that is already streaming. Both {@linkplain #stops() stop} the exchange.
 */
public enum Action {
  /** Nothing of concern. */
  ALLOW,
  /** Let it through, but record it for monitoring and review. */
  FLAG,
  /** Refuse the request. */
  BLOCK,
  /** Stop a streaming completion; nothing unscored is released. */
  HALT;

  /** Whether this action ends the exchange. */
  public boolean stops() {
    return this == BLOCK || this == HALT;
  }

  /** The more severe of two actions. */
  public Action max(Action other) {
    return compareTo(other) >= 0 ? this : other;
  }

  /** The lower-case name used on the wire and in events. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
