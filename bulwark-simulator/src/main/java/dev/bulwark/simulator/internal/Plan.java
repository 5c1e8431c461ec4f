package dev.bulwark.simulator.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.simulator.Fault;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything about one answer, decided before the first byte is sent: content, timing, fault. Every
 * choice of an OpenAI {@code n > 1} request gets the same blocks. Immutable.
 *
 * @param protocol the protocol the client spoke
 * @param request the parsed request
 * @param id the response id
 * @param created response time, epoch seconds
 * @param blocks the content blocks of each choice, in order
 * @param stopReason why each choice ends
 * @param stopSequence the stop sequence that ended the text, or null
 * @param usage the usage reported at the end
 * @param ttftNanos time from the headers to the first token
 * @param tokensPerSecond output rate; 0 is as fast as possible
 * @param chunkTokens tokens per stream event
 * @param delayMillis wait before anything is sent
 * @param fault the fault to inject, or null
 * @param error the error to answer with instead, or null
 */
record Plan(
    Protocol protocol,
    ChatRequest request,
    String id,
    long created,
    List<Block> blocks,
    StopReason stopReason,
    @Nullable String stopSequence,
    Usage usage,
    long ttftNanos,
    double tokensPerSecond,
    int chunkTokens,
    long delayMillis,
    @Nullable Fault fault,
    @Nullable ErrorAnswer error) {

  Plan {
    blocks = List.copyOf(blocks);
  }

  /** How many choices the answer has. */
  int choices() {
    return request.n();
  }

  /** Tokens one choice emits, over all its blocks. */
  int tokensPerChoice() {
    int n = 0;
    for (Block b : blocks) {
      n += b.tokens().size();
    }
    return n;
  }

  /** Nanoseconds from the headers until a choice's token {@code index} (0-based) is due. */
  long dueNanos(int index) {
    if (tokensPerSecond <= 0) {
      return ttftNanos;
    }
    return ttftNanos + (long) (Math.max(0, index) * 1e9 / tokensPerSecond);
  }

  /** The whole answer in canonical form. */
  ChatResponse response() {
    List<ContentPart> parts = new ArrayList<>(blocks.size());
    for (Block b : blocks) {
      parts.add(b.part());
    }
    List<ChatResponse.Choice> list = new ArrayList<>(choices());
    for (int i = 0; i < choices(); i++) {
      list.add(new ChatResponse.Choice(i, parts, stopReason, stopSequence, null));
    }
    return new ChatResponse(id, request.model(), created, list, usage);
  }

  /**
   * One content block.
   *
   * @param text the whole text (thinking, answer, or tool arguments as JSON)
   * @param tokens the text split as it is streamed; joined, they are {@code text}
   * @param toolId the tool call's id for a tool block, else null
   * @param toolName the tool's name for a tool block, else null
   * @param signature the thinking signature for an Anthropic thinking block, else null
   */
  record Block(
      BlockType type,
      String text,
      List<String> tokens,
      @Nullable String toolId,
      @Nullable String toolName,
      @Nullable String signature) {
    Block {
      requireNonNull(type, "type");
      requireNonNull(text, "text");
      tokens = List.copyOf(tokens);
    }

    ContentPart part() {
      return switch (type) {
        case TEXT -> new ContentPart.Text(text);
        case THINKING -> new ContentPart.Thinking(text, signature);
        case TOOL_USE ->
            new ContentPart.ToolUse(
                requireNonNull(toolId, "toolId"), requireNonNull(toolName, "toolName"), text);
        case REDACTED_THINKING -> new ContentPart.RedactedThinking(text);
      };
    }
  }

  /** A scripted error answer. */
  record ErrorAnswer(int status, ErrorKind kind, String message) {
    ErrorAnswer {
      requireNonNull(kind, "kind");
      requireNonNull(message, "message");
    }
  }
}
