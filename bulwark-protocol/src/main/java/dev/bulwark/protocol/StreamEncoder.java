package dev.bulwark.protocol;

import dev.bulwark.protocol.model.StreamEvent;

/**
 * Turns canonical {@link StreamEvent}s into one protocol's SSE bytes for a client. Stateful: one
 * encoder per response, used from one thread at a time.
 */
public interface StreamEncoder {
  /**
   * Encodes one event, appending complete SSE frames ({@code event:}/{@code data:} lines and the blank
   * line) to {@code out}. Some events produce nothing (e.g. OpenAI has no block-stop frame); some are
   * held until a later event (Anthropic's {@code message_delta} waits for the final usage).
   */
  void encode(StreamEvent event, StringBuilder out);
}
