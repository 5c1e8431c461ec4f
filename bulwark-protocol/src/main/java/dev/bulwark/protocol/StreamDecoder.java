package dev.bulwark.protocol;

import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.sse.SseEvent;
import java.util.function.Consumer;

/**
 * Turns one upstream response's SSE events into canonical {@link StreamEvent}s. Stateful: one decoder
 * per response, used from one thread at a time.
 */
public interface StreamDecoder {
  /**
   * Decodes one SSE event, emitting zero or more canonical events in order.
   *
   * @throws ProtocolException if the event is not valid for the protocol (bad JSON, wrong shape)
   */
  void decode(SseEvent event, Consumer<StreamEvent> out) throws ProtocolException;

  /**
   * Says the upstream connection ended. If the protocol's own end marker was not seen (OpenAI {@code
   * [DONE]}, Anthropic {@code message_stop}), emits a {@link StreamEvent.StreamError} so that a stream
   * cut short is never mistaken for a finished one.
   */
  void end(Consumer<StreamEvent> out);

  /** Whether the protocol's own end marker has been seen. */
  boolean complete();
}
