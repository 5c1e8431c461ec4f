package dev.bulwark.protocol.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.internal.Errors;
import dev.bulwark.protocol.internal.Json;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.sse.SseEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Decodes Messages streams, one to one: {@code message_start} is {@link StreamEvent.MessageStart}
 * (created now, since Anthropic has no timestamp), {@code content_block_start}/{@code _delta}/{@code
 * _stop} are block events of choice 0 ({@code text_delta}, {@code thinking_delta} and {@code
 * input_json_delta} as {@link StreamEvent.BlockDelta}, {@code signature_delta} as {@link
 * StreamEvent.SignatureDelta}), {@code message_delta} is {@link StreamEvent.ChoiceStop} and a {@link
 * StreamEvent.UsageUpdate} (input tokens remembered from {@code message_start} unless the delta
 * carries its own), {@code message_stop} is {@link StreamEvent.MessageStop}, {@code ping} is {@link
 * StreamEvent.Ping}, {@code error} is {@link StreamEvent.StreamError}.
 *
 * <p>Blocks of types the canonical model does not know (server tool calls and results) are left out
 * with all their deltas, and the remaining blocks are renumbered from 0 without gaps. Empty {@code
 * partial_json} deltas and citation deltas carry nothing and are skipped. A block still open when the
 * message ends is closed first, so the canonical order holds even if the upstream's does not.
 */
final class AnthropicStreamDecoder implements StreamDecoder {
  private final LongSupplier clock;
  private boolean started;
  private boolean done;
  private boolean failed;
  private int inputTokens;
  /** Upstream block index to canonical block. */
  private final Map<Integer, Block> blocks = new HashMap<>();
  /** Upstream indexes of skipped blocks. */
  private final Set<Integer> skipped = new HashSet<>();
  private int nextBlock;
  private @Nullable Block open;
  private boolean stopped;

  private record Block(int index, BlockType type) {}

  AnthropicStreamDecoder(LongSupplier epochSeconds) {
    this.clock = epochSeconds;
  }

  @Override
  public void decode(SseEvent event, Consumer<StreamEvent> out) throws ProtocolException {
    requireNonNull(event, "event");
    requireNonNull(out, "out");
    if (done || failed) {
      return;
    }
    String data = event.data().strip();
    if (data.isEmpty()) {
      return;
    }
    JsonNode e = Json.tryRead(data);
    if (e == null || !e.isObject()) {
      throw AnthropicResponses.badGateway("upstream sent a stream event that is not a JSON object");
    }
    String type = Json.text(e, "type");
    if (type == null) {
      type = event.event();
    }
    switch (type) {
      case "message_start" -> messageStart(e, out);
      case "content_block_start" -> blockStart(e, out);
      case "content_block_delta" -> blockDelta(e, out);
      case "content_block_stop" -> blockStop(e, out);
      case "message_delta" -> messageDelta(e, out);
      case "message_stop" -> {
        requireStarted();
        closeOpen(out);
        done = true;
        out.accept(new StreamEvent.MessageStop());
      }
      case "ping" -> out.accept(new StreamEvent.Ping());
      case "error" -> {
        failed = true;
        JsonNode error = e.get("error");
        String errorType = Json.text(error, "type");
        String message = AnthropicResponses.errorMessage(e);
        out.accept(
            new StreamEvent.StreamError(
                errorType == null ? "api_error" : Errors.sanitize(errorType),
                message == null ? "upstream stream failed" : message));
      }
      default -> {
        // Event types added later are ignored, as Anthropic's versioning policy asks of clients.
      }
    }
  }

  private void messageStart(JsonNode e, Consumer<StreamEvent> out) throws ProtocolException {
    if (started) {
      throw AnthropicResponses.badGateway("upstream sent message_start twice");
    }
    JsonNode message = e.get("message");
    if (message == null || !message.isObject()) {
      throw AnthropicResponses.badGateway("upstream message_start has no message");
    }
    started = true;
    Usage usage = AnthropicResponses.usage(message.get("usage"), 0);
    inputTokens = usage.inputTokens();
    String id = Json.text(message, "id");
    String model = Json.text(message, "model");
    out.accept(
        new StreamEvent.MessageStart(
            id == null ? "" : id, model == null ? "" : model, clock.getAsLong(), usage));
  }

  private void blockStart(JsonNode e, Consumer<StreamEvent> out) throws ProtocolException {
    requireStarted();
    int index = index(e);
    if (blocks.containsKey(index) || skipped.contains(index)) {
      throw AnthropicResponses.badGateway("upstream started a content block twice");
    }
    JsonNode cb = e.get("content_block");
    String type = Json.text(cb, "type");
    BlockType blockType =
        type == null
            ? null
            : switch (type) {
              case "text" -> BlockType.TEXT;
              case "thinking" -> BlockType.THINKING;
              case "redacted_thinking" -> BlockType.REDACTED_THINKING;
              case "tool_use" -> BlockType.TOOL_USE;
              default -> null;
            };
    if (blockType == null || cb == null) {
      skipped.add(index);
      return;
    }
    closeOpen(out);
    Block block = new Block(nextBlock++, blockType);
    blocks.put(index, block);
    open = block;
    switch (blockType) {
      case TEXT -> {
        out.accept(new StreamEvent.BlockStart(0, block.index(), blockType, null, null, null));
        String text = Json.text(cb, "text");
        if (text != null && !text.isEmpty()) {
          out.accept(new StreamEvent.BlockDelta(0, block.index(), blockType, text));
        }
      }
      case THINKING -> {
        out.accept(new StreamEvent.BlockStart(0, block.index(), blockType, null, null, null));
        String text = Json.text(cb, "thinking");
        if (text != null && !text.isEmpty()) {
          out.accept(new StreamEvent.BlockDelta(0, block.index(), blockType, text));
        }
        String signature = Json.text(cb, "signature");
        if (signature != null && !signature.isEmpty()) {
          out.accept(new StreamEvent.SignatureDelta(0, block.index(), signature));
        }
      }
      case REDACTED_THINKING -> {
        String data = Json.text(cb, "data");
        out.accept(
            new StreamEvent.BlockStart(
                0, block.index(), blockType, null, null, data == null ? "" : data));
      }
      case TOOL_USE -> {
        String id = Json.text(cb, "id");
        String name = Json.text(cb, "name");
        if (id == null || name == null) {
          throw AnthropicResponses.badGateway("upstream tool_use block has no id or name");
        }
        out.accept(new StreamEvent.BlockStart(0, block.index(), blockType, id, name, null));
        // The input normally streams as partial JSON after an empty {}; some servers send it whole.
        JsonNode input = cb.get("input");
        if (input != null && input.isObject() && !input.isEmpty()) {
          out.accept(new StreamEvent.BlockDelta(0, block.index(), blockType, Json.write(input)));
        }
      }
    }
  }

  private void blockDelta(JsonNode e, Consumer<StreamEvent> out) throws ProtocolException {
    requireStarted();
    int index = index(e);
    if (skipped.contains(index)) {
      return;
    }
    Block block = blocks.get(index);
    if (block == null || block != open) {
      throw AnthropicResponses.badGateway("upstream sent a delta for a block that is not open");
    }
    JsonNode d = e.get("delta");
    String type = Json.text(d, "type");
    if (type == null) {
      throw AnthropicResponses.badGateway("upstream delta has no type");
    }
    switch (type) {
      case "text_delta" -> delta(block, BlockType.TEXT, Json.text(d, "text"), out);
      case "thinking_delta" -> delta(block, BlockType.THINKING, Json.text(d, "thinking"), out);
      case "input_json_delta" -> delta(block, BlockType.TOOL_USE, Json.text(d, "partial_json"), out);
      case "signature_delta" -> {
        String signature = Json.text(d, "signature");
        if (block.type() != BlockType.THINKING || signature == null) {
          throw AnthropicResponses.badGateway("upstream sent a signature outside a thinking block");
        }
        out.accept(new StreamEvent.SignatureDelta(0, block.index(), signature));
      }
      default -> {
        // citations_delta and later delta types carry nothing the canonical model holds.
      }
    }
  }

  private static void delta(
      Block block, BlockType expected, @Nullable String text, Consumer<StreamEvent> out)
      throws ProtocolException {
    if (block.type() != expected || text == null) {
      throw AnthropicResponses.badGateway("upstream sent a delta that does not fit its block");
    }
    if (!text.isEmpty()) {
      out.accept(new StreamEvent.BlockDelta(0, block.index(), expected, text));
    }
  }

  private void blockStop(JsonNode e, Consumer<StreamEvent> out) throws ProtocolException {
    requireStarted();
    int index = index(e);
    if (skipped.contains(index)) {
      return;
    }
    Block block = blocks.get(index);
    if (block == null) {
      throw AnthropicResponses.badGateway("upstream stopped a block that never started");
    }
    if (block == open) {
      closeOpen(out);
    }
  }

  private void messageDelta(JsonNode e, Consumer<StreamEvent> out) throws ProtocolException {
    requireStarted();
    JsonNode d = e.get("delta");
    String reason = Json.text(d, "stop_reason");
    if (reason != null && !stopped) {
      closeOpen(out);
      stopped = true;
      out.accept(
          new StreamEvent.ChoiceStop(
              0, AnthropicResponses.stopReason(reason), Json.text(d, "stop_sequence")));
    }
    JsonNode usage = e.get("usage");
    if (usage != null && usage.isObject()) {
      out.accept(new StreamEvent.UsageUpdate(AnthropicResponses.usage(usage, inputTokens)));
    }
  }

  private void closeOpen(Consumer<StreamEvent> out) {
    if (open != null) {
      out.accept(new StreamEvent.BlockStop(0, open.index()));
      open = null;
    }
  }

  private static int index(JsonNode e) throws ProtocolException {
    int index = Json.intValue(e, "index", -1);
    if (index < 0) {
      throw AnthropicResponses.badGateway("upstream block event has no index");
    }
    return index;
  }

  private void requireStarted() throws ProtocolException {
    if (!started) {
      throw AnthropicResponses.badGateway("upstream stream did not begin with message_start");
    }
  }

  @Override
  public void end(Consumer<StreamEvent> out) {
    requireNonNull(out, "out");
    if (!done && !failed) {
      failed = true;
      out.accept(new StreamEvent.StreamError("api_error", "upstream stream ended early"));
    }
  }

  @Override
  public boolean complete() {
    return done;
  }
}
