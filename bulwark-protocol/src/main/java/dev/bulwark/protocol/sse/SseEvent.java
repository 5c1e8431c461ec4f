package dev.bulwark.protocol.sse;

import static java.util.Objects.requireNonNull;

/**
 * One server-sent event.
 *
 * @param event the {@code event:} field, or "message" when absent (the SSE default)
 * @param data the {@code data:} lines joined with newlines
 */
public record SseEvent(String event, String data) {
  public SseEvent {
    requireNonNull(event, "event");
    requireNonNull(data, "data");
  }
}
