package dev.bulwark.protocol.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.StreamEncoder;
import dev.bulwark.protocol.internal.Json;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.sse.SseWriter;
import org.jspecify.annotations.Nullable;

/**
 * Encodes canonical events as Messages stream events.
 *
 * <p>{@link StreamEvent.MessageStart} is {@code message_start} (id {@code msg_} prefixed, empty
 * content, null stop reason, its usage); block events are {@code content_block_start} ({@code text},
 * {@code thinking} with empty signature, {@code redacted_thinking} with its data, {@code tool_use}
 * with id, name and {@code input: {}}), {@code content_block_delta} ({@code text_delta}, {@code
 * thinking_delta}, {@code input_json_delta}, {@code signature_delta}) and {@code content_block_stop},
 * with the canonical block index as Anthropic's index. {@link StreamEvent.ChoiceStop} and {@link
 * StreamEvent.UsageUpdate} are held, and {@link StreamEvent.MessageStop} writes one {@code
 * message_delta} with the stop reason and the last usage, then {@code message_stop}: Anthropic
 * reports the final usage with the stop reason, and an OpenAI upstream sends its usage after its
 * finish reason. {@link StreamEvent.Ping} is {@code ping}; {@link StreamEvent.StreamError} is an
 * {@code error} event, after which nothing is written.
 *
 * <p>Only choice 0 is written: an Anthropic client never asks for more than one.
 */
final class AnthropicStreamEncoder implements StreamEncoder {
  private boolean started;
  private boolean closed;
  private @Nullable StopReason reason;
  private @Nullable String stopSequence;
  private Usage usage = Usage.ZERO;

  @Override
  public void encode(StreamEvent event, StringBuilder out) {
    requireNonNull(event, "event");
    requireNonNull(out, "out");
    if (closed) {
      return;
    }
    if (event instanceof StreamEvent.Ping) {
      SseWriter.event(out, "ping", "{\"type\":\"ping\"}");
      return;
    }
    if (event instanceof StreamEvent.StreamError e) {
      closed = true;
      SseWriter.event(out, "error", Json.write(AnthropicResponses.errorBody(e.type(), e.message())));
      return;
    }
    if (event instanceof StreamEvent.UsageUpdate u) {
      usage = u.usage();
      return;
    }
    if (event instanceof StreamEvent.MessageStart s) {
      started = true;
      usage = s.usage();
      ObjectNode e = Json.object().put("type", "message_start");
      ObjectNode m = e.putObject("message");
      m.put("id", AnthropicResponses.prefixedId(s.id()));
      m.put("type", "message");
      m.put("role", "assistant");
      m.putArray("content");
      m.put("model", s.model());
      m.putNull("stop_reason");
      m.putNull("stop_sequence");
      m.set("usage", AnthropicResponses.usageJson(s.usage()));
      SseWriter.event(out, "message_start", Json.write(e));
      return;
    }
    if (!started) {
      throw new IllegalStateException("MessageStart must come before " + event);
    }
    if (event instanceof StreamEvent.BlockStart b) {
      if (b.choice() != 0) {
        return;
      }
      ObjectNode e = Json.object().put("type", "content_block_start").put("index", b.block());
      ObjectNode cb = e.putObject("content_block");
      switch (b.type()) {
        case TEXT -> cb.put("type", "text").put("text", "");
        case THINKING -> cb.put("type", "thinking").put("thinking", "").put("signature", "");
        case REDACTED_THINKING -> cb.put("type", "redacted_thinking")
            .put("data", b.data() == null ? "" : b.data());
        case TOOL_USE -> {
          cb.put("type", "tool_use");
          cb.put("id", b.toolId() == null ? "" : b.toolId());
          cb.put("name", b.toolName() == null ? "" : b.toolName());
          cb.putObject("input");
        }
      }
      SseWriter.event(out, "content_block_start", Json.write(e));
    } else if (event instanceof StreamEvent.BlockDelta d) {
      if (d.choice() != 0) {
        return;
      }
      ObjectNode delta = Json.object();
      switch (d.type()) {
        case TEXT -> delta.put("type", "text_delta").put("text", d.text());
        case THINKING -> delta.put("type", "thinking_delta").put("thinking", d.text());
        case TOOL_USE -> delta.put("type", "input_json_delta").put("partial_json", d.text());
        case REDACTED_THINKING -> {
          return;
        }
      }
      blockDelta(d.block(), delta, out);
    } else if (event instanceof StreamEvent.SignatureDelta s) {
      if (s.choice() == 0) {
        blockDelta(
            s.block(),
            Json.object().put("type", "signature_delta").put("signature", s.signature()),
            out);
      }
    } else if (event instanceof StreamEvent.BlockStop b) {
      if (b.choice() == 0) {
        ObjectNode e = Json.object().put("type", "content_block_stop").put("index", b.block());
        SseWriter.event(out, "content_block_stop", Json.write(e));
      }
    } else if (event instanceof StreamEvent.ChoiceStop c) {
      if (c.choice() == 0) {
        reason = c.reason();
        stopSequence = c.stopSequence();
      }
    } else if (event instanceof StreamEvent.MessageStop) {
      closed = true;
      ObjectNode e = Json.object().put("type", "message_delta");
      ObjectNode delta = e.putObject("delta");
      delta.put("stop_reason", AnthropicResponses.stopReason(reason));
      if (stopSequence == null) {
        delta.putNull("stop_sequence");
      } else {
        delta.put("stop_sequence", stopSequence);
      }
      e.set("usage", AnthropicResponses.usageJson(usage));
      SseWriter.event(out, "message_delta", Json.write(e));
      SseWriter.event(out, "message_stop", "{\"type\":\"message_stop\"}");
    }
  }

  private static void blockDelta(int block, ObjectNode delta, StringBuilder out) {
    ObjectNode e = Json.object().put("type", "content_block_delta").put("index", block);
    e.set("delta", delta);
    SseWriter.event(out, "content_block_delta", Json.write(e));
  }
}
