package dev.bulwark.protocol.openai;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.StreamEncoder;
import dev.bulwark.protocol.internal.Errors;
import dev.bulwark.protocol.internal.Json;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.sse.SseWriter;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Encodes canonical events as {@code chat.completion.chunk} frames.
 *
 * <p>{@link StreamEvent.MessageStart} gives each of the request's {@code n} choices its role chunk
 * ({@code {"role": "assistant", "content": ""}}); text deltas are {@code content}, thinking deltas
 * {@code reasoning_content} (the vLLM/DeepSeek field), a TOOL_USE block start is a {@code tool_calls}
 * delta carrying the call's index (the count of earlier tool blocks in that choice), id, type and
 * name with empty arguments, and its deltas are {@code arguments}. Block stops, signatures and
 * redacted thinking have no OpenAI form and write nothing. {@link StreamEvent.ChoiceStop} is an
 * empty delta with the {@code finish_reason}. {@link StreamEvent.UsageUpdate}s are remembered, and
 * on {@link StreamEvent.MessageStop} the last one is sent as the {@code choices: []} usage chunk if
 * the client asked for {@code stream_options.include_usage}, then {@code data: [DONE]}. {@link
 * StreamEvent.Ping} is an SSE comment, which clients skip. Under {@code include_usage} every other
 * chunk carries {@code "usage": null}, as OpenAI's do. {@link StreamEvent.StreamError} is {@code
 * data: {"error": {...}}} and nothing is written after it. Every chunk carries the id ({@code
 * chatcmpl-} prefixed), {@code created} and model of the MessageStart.
 */
final class OpenAiStreamEncoder implements StreamEncoder {
  private final int n;
  private final boolean includeUsage;
  private @Nullable String id;
  private String model = "";
  private long created;
  private Usage usage = Usage.ZERO;
  private boolean closed;
  /** Per choice, the number of tool blocks begun. */
  private final Map<Integer, Integer> toolCount = new HashMap<>();
  /** Per (choice, block) of a tool block, its tool-call index. */
  private final Map<Long, Integer> toolIndex = new HashMap<>();

  OpenAiStreamEncoder(int n, boolean includeUsage) {
    this.n = n;
    this.includeUsage = includeUsage;
  }

  @Override
  public void encode(StreamEvent event, StringBuilder out) {
    requireNonNull(event, "event");
    requireNonNull(out, "out");
    if (closed) {
      return;
    }
    if (event instanceof StreamEvent.MessageStart s) {
      id = OpenAiResponses.prefixedId(s.id());
      model = s.model();
      created = s.created();
      usage = s.usage();
      for (int i = 0; i < n; i++) {
        ObjectNode delta = Json.object().put("role", "assistant").put("content", "");
        delta.putNull("refusal");
        choiceChunk(i, delta, null, out);
      }
      return;
    }
    if (event instanceof StreamEvent.Ping) {
      SseWriter.comment(out, "ping");
      return;
    }
    if (event instanceof StreamEvent.StreamError e) {
      closed = true;
      ObjectNode body = OpenAiResponses.errorBody(ErrorKind.API_ERROR, e.message(), null);
      ((ObjectNode) body.get("error")).put("type", Errors.openAiTypeOf(e.type()));
      SseWriter.data(out, Json.write(body));
      return;
    }
    if (event instanceof StreamEvent.UsageUpdate u) {
      usage = u.usage();
      return;
    }
    if (id == null) {
      throw new IllegalStateException("MessageStart must come before " + event);
    }
    if (event instanceof StreamEvent.BlockStart b) {
      if (b.type() == BlockType.TOOL_USE) {
        int index = toolCount.merge(b.choice(), 1, Integer::sum) - 1;
        toolIndex.put(key(b.choice(), b.block()), index);
        ObjectNode call = Json.object().put("index", index);
        call.put("id", b.toolId() == null ? "" : b.toolId()).put("type", "function");
        call.putObject("function")
            .put("name", b.toolName() == null ? "" : b.toolName())
            .put("arguments", "");
        choiceChunk(b.choice(), toolCalls(call), null, out);
      }
    } else if (event instanceof StreamEvent.BlockDelta d) {
      switch (d.type()) {
        case TEXT -> choiceChunk(d.choice(), Json.object().put("content", d.text()), null, out);
        case THINKING -> choiceChunk(
            d.choice(), Json.object().put("reasoning_content", d.text()), null, out);
        case TOOL_USE -> {
          Integer index = toolIndex.get(key(d.choice(), d.block()));
          if (index == null) {
            throw new IllegalStateException("tool arguments before their BlockStart: " + d);
          }
          ObjectNode call = Json.object().put("index", index);
          call.putObject("function").put("arguments", d.text());
          choiceChunk(d.choice(), toolCalls(call), null, out);
        }
        case REDACTED_THINKING -> {
          // Encrypted reasoning means nothing to an OpenAI client.
        }
      }
    } else if (event instanceof StreamEvent.ChoiceStop c) {
      choiceChunk(c.choice(), Json.object(), OpenAiResponses.finishReason(c.reason()), out);
    } else if (event instanceof StreamEvent.MessageStop) {
      closed = true;
      if (includeUsage) {
        ObjectNode chunk = chunk();
        chunk.putArray("choices");
        chunk.set("usage", OpenAiResponses.usageJson(usage));
        SseWriter.data(out, Json.write(chunk));
      }
      SseWriter.data(out, "[DONE]");
    }
    // SignatureDelta and BlockStop have no OpenAI form.
  }

  private static long key(int choice, int block) {
    return ((long) choice << 32) | (block & 0xFFFFFFFFL);
  }

  private static ObjectNode toolCalls(ObjectNode call) {
    ObjectNode delta = Json.object();
    delta.putArray("tool_calls").add(call);
    return delta;
  }

  private ObjectNode chunk() {
    ObjectNode chunk = Json.object();
    chunk.put("id", id);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", created);
    chunk.put("model", model);
    return chunk;
  }

  private void choiceChunk(
      int choice, ObjectNode delta, @Nullable String finishReason, StringBuilder out) {
    ObjectNode chunk = chunk();
    ArrayNode choices = chunk.putArray("choices");
    ObjectNode c = choices.addObject();
    c.put("index", choice);
    c.set("delta", delta);
    c.putNull("logprobs");
    if (finishReason == null) {
      c.putNull("finish_reason");
    } else {
      c.put("finish_reason", finishReason);
    }
    if (includeUsage) {
      // As OpenAI does: under include_usage every chunk has a usage field, null until the last.
      chunk.putNull("usage");
    }
    SseWriter.data(out, Json.write(chunk));
  }
}
