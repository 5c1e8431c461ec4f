package dev.bulwark.protocol.openai;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.internal.Errors;
import dev.bulwark.protocol.internal.Json;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.sse.SseEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Decodes {@code chat.completion.chunk} streams.
 *
 * <p>The first chunk gives {@link StreamEvent.MessageStart}. Within each choice a delta's {@code
 * reasoning_content} (or {@code reasoning}) goes to a THINKING block, {@code content} (and {@code
 * refusal}) to a TEXT block, and each {@code tool_calls} index to a TOOL_USE block whose id and name
 * come from its first delta; a block of another kind, or a new tool index, closes the open block
 * first, so blocks never overlap. Within one delta, reasoning is taken before content and content
 * before tool calls. A {@code finish_reason} closes the open block and gives {@link
 * StreamEvent.ChoiceStop}; any chunk's {@code usage} gives {@link StreamEvent.UsageUpdate}; {@code
 * [DONE]} stops any choice still open (END_TURN) and gives {@link StreamEvent.MessageStop}. An error
 * object gives {@link StreamEvent.StreamError}, after which the stream is over and later events are
 * ignored.
 *
 * <p>A tool call's id marks a new call even under an index already seen, since some servers send
 * each whole call without an index; a call without an id gets {@code call_<choice>_<index>}.
 * Arguments for a tool call whose block was already closed by a later block cannot be placed
 * without overlapping blocks; no server interleaves them, so they are refused as a bad gateway, as
 * is malformed JSON.
 */
final class OpenAiStreamDecoder implements StreamDecoder {
  private final LongSupplier clock;
  private boolean started;
  private boolean done;
  private boolean failed;
  private final Map<Integer, ChoiceState> choices = new TreeMap<>();

  OpenAiStreamDecoder(LongSupplier epochSeconds) {
    this.clock = epochSeconds;
  }

  /** One choice's blocks. */
  private static final class ChoiceState {
    final int index;
    int nextBlock;
    int openBlock = -1;
    @Nullable BlockType openType;
    /** Per tool-call index, its block and call id. */
    final Map<Integer, ToolBlock> toolBlocks = new HashMap<>();
    boolean stopped;

    ChoiceState(int index) {
      this.index = index;
    }
  }

  private record ToolBlock(int block, String id) {}

  @Override
  public void decode(SseEvent event, Consumer<StreamEvent> out) throws ProtocolException {
    requireNonNull(event, "event");
    requireNonNull(out, "out");
    if (done || failed) {
      return;
    }
    String data = event.data().strip();
    if (data.equals("[DONE]")) {
      finish(out);
      return;
    }
    if (data.isEmpty()) {
      return;
    }
    JsonNode chunk = Json.tryRead(data);
    if (chunk == null || !chunk.isObject()) {
      throw OpenAiResponses.badGateway("upstream sent a stream event that is not a JSON object");
    }
    if (chunk.has("error") || event.event().equals("error")) {
      String message = OpenAiResponses.errorMessage(chunk);
      failed = true;
      out.accept(
          new StreamEvent.StreamError(
              Errors.anthropicTypeOf(OpenAiResponses.errorType(chunk)),
              message == null ? "upstream stream failed" : message));
      return;
    }
    if (!started) {
      started = true;
      String id = Json.text(chunk, "id");
      String model = Json.text(chunk, "model");
      JsonNode created = chunk.get("created");
      out.accept(
          new StreamEvent.MessageStart(
              id == null ? "" : id,
              model == null ? "" : model,
              created != null && created.canConvertToLong() ? created.asLong() : clock.getAsLong(),
              Usage.ZERO));
    }
    JsonNode rawChoices = chunk.get("choices");
    if (rawChoices != null && rawChoices.isArray()) {
      for (int i = 0; i < rawChoices.size(); i++) {
        JsonNode c = rawChoices.get(i);
        if (!c.isObject()) {
          throw OpenAiResponses.badGateway("upstream sent a choice that is not an object");
        }
        choice(c, Json.intValue(c, "index", i), out);
      }
    }
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.isObject()) {
      out.accept(new StreamEvent.UsageUpdate(OpenAiResponses.usage(usage)));
    }
  }

  private void choice(JsonNode c, int index, Consumer<StreamEvent> out) throws ProtocolException {
    if (index < 0) {
      throw OpenAiResponses.badGateway("upstream sent a negative choice index");
    }
    ChoiceState s = choices.computeIfAbsent(index, ChoiceState::new);
    JsonNode delta = c.get("delta");
    if (delta != null && delta.isObject()) {
      String reasoning = OpenAiResponses.reasoning(delta);
      if (reasoning != null && !reasoning.isEmpty()) {
        text(s, BlockType.THINKING, reasoning, out);
      }
      String content = Json.text(delta, "content");
      if (content != null && !content.isEmpty()) {
        text(s, BlockType.TEXT, content, out);
      }
      String refusal = Json.text(delta, "refusal");
      if (refusal != null && !refusal.isEmpty()) {
        text(s, BlockType.TEXT, refusal, out);
      }
      JsonNode calls = delta.get("tool_calls");
      if (calls != null && calls.isArray()) {
        for (int j = 0; j < calls.size(); j++) {
          toolCall(s, calls.get(j), j, out);
        }
      }
    }
    String finish = Json.text(c, "finish_reason");
    if (finish != null && !s.stopped) {
      StopReason reason = OpenAiResponses.stopReason(finish);
      String sequence = null;
      String matched = Json.text(c, "stop_reason");
      if (reason == StopReason.END_TURN && matched != null) {
        reason = StopReason.STOP_SEQUENCE;
        sequence = matched;
      }
      stop(s, reason, sequence, out);
    }
  }

  private void text(ChoiceState s, BlockType type, String text, Consumer<StreamEvent> out)
      throws ProtocolException {
    checkOpen(s);
    if (s.openType != type) {
      open(s, type, null, null, out);
    }
    out.accept(new StreamEvent.BlockDelta(s.index, s.openBlock, type, text));
  }

  private void toolCall(ChoiceState s, JsonNode call, int position, Consumer<StreamEvent> out)
      throws ProtocolException {
    checkOpen(s);
    int toolIndex = Json.intValue(call, "index", position);
    JsonNode fn = call.get("function");
    String id = Json.text(call, "id");
    ToolBlock known = s.toolBlocks.get(toolIndex);
    // A new id under a known index is a new call: some servers send each whole call without an
    // index, so every call would otherwise land on index 0.
    if (known == null || (id != null && !id.isEmpty() && !id.equals(known.id()))) {
      String name = Json.text(fn, "name");
      String callId =
          id == null || id.isEmpty() ? OpenAiResponses.syntheticToolId(s.index, toolIndex) : id;
      open(s, BlockType.TOOL_USE, callId, name == null ? "" : name, out);
      s.toolBlocks.put(toolIndex, new ToolBlock(s.openBlock, callId));
    } else if (s.openType != BlockType.TOOL_USE || s.openBlock != known.block()) {
      throw OpenAiResponses.badGateway(
          "upstream sent arguments for a tool call after a later block began");
    }
    JsonNode args = fn == null ? null : fn.get("arguments");
    String text =
        args == null || args.isNull() ? "" : args.isTextual() ? args.asText() : Json.write(args);
    if (!text.isEmpty()) {
      out.accept(new StreamEvent.BlockDelta(s.index, s.openBlock, BlockType.TOOL_USE, text));
    }
  }

  private static void checkOpen(ChoiceState s) throws ProtocolException {
    if (s.stopped) {
      throw OpenAiResponses.badGateway("upstream sent content for a choice after it finished");
    }
  }

  private static void open(
      ChoiceState s,
      BlockType type,
      @Nullable String toolId,
      @Nullable String toolName,
      Consumer<StreamEvent> out) {
    closeBlock(s, out);
    s.openBlock = s.nextBlock++;
    s.openType = type;
    out.accept(new StreamEvent.BlockStart(s.index, s.openBlock, type, toolId, toolName, null));
  }

  private static void closeBlock(ChoiceState s, Consumer<StreamEvent> out) {
    if (s.openType != null) {
      out.accept(new StreamEvent.BlockStop(s.index, s.openBlock));
      s.openType = null;
    }
  }

  private static void stop(
      ChoiceState s, StopReason reason, @Nullable String sequence, Consumer<StreamEvent> out) {
    closeBlock(s, out);
    s.stopped = true;
    out.accept(new StreamEvent.ChoiceStop(s.index, reason, sequence));
  }

  private void finish(Consumer<StreamEvent> out) {
    if (!started) {
      failed = true;
      out.accept(new StreamEvent.StreamError("api_error", "upstream stream had no chunks"));
      return;
    }
    done = true;
    List<ChoiceState> open = new ArrayList<>();
    for (ChoiceState s : choices.values()) {
      if (!s.stopped) {
        open.add(s);
      }
    }
    // A choice that never said why it ended still ends, so that every choice has its stop.
    for (ChoiceState s : open) {
      stop(s, StopReason.END_TURN, null, out);
    }
    out.accept(new StreamEvent.MessageStop());
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
