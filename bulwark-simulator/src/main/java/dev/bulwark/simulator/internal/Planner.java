package dev.bulwark.simulator.internal;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Message;
import dev.bulwark.protocol.model.MessageRole;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.simulator.Script;
import dev.bulwark.simulator.ScriptEntry;
import dev.bulwark.simulator.SimulatorConfig;
import dev.bulwark.simulator.ToolCall;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides the answer to a request: picks the script entry, applies stop sequences and {@code
 * max_tokens}, splits the content into tokens, and counts usage. Stateless.
 */
final class Planner {
  private Planner() {}

  static Plan plan(
      ChatRequest request, Protocol protocol, Script script, SimulatorConfig config, long seq) {
    String prompt = lastUserText(request);
    @Nullable ScriptEntry entry = script.select(prompt);
    String id = (protocol == Protocol.ANTHROPIC ? "msg_sim_" : "chatcmpl-sim-") + seq;
    long created = config.clock().instant().getEpochSecond();

    Duration ttft = entry != null && entry.ttft() != null ? entry.ttft() : config.ttft();
    double rate =
        entry != null && entry.tokensPerSecond() != null
            ? entry.tokensPerSecond()
            : config.tokensPerSecond();
    int chunk =
        entry != null && entry.chunkTokens() != null ? entry.chunkTokens() : config.chunkTokens();
    long delayMillis = entry == null ? 0 : entry.delay().toMillis();
    int inputTokens =
        entry != null && entry.inputTokens() != null ? entry.inputTokens() : promptTokens(request);

    if (entry != null && entry.status() != null) {
      int status = entry.status();
      String message = entry.errorMessage() != null ? entry.errorMessage() : "simulated error";
      return new Plan(
          protocol,
          request,
          id,
          created,
          List.of(),
          StopReason.END_TURN,
          null,
          new Usage(inputTokens, 0),
          ttft.toNanos(),
          rate,
          chunk,
          delayMillis,
          null,
          new Plan.ErrorAnswer(status, errorKind(status), message));
    }

    @Nullable String thinking = entry == null ? null : entry.thinking();
    List<ToolCall> toolCalls = entry == null ? List.of() : entry.toolCalls();
    @Nullable String text;
    if (entry == null || entry.text() == null) {
      text = toolCalls.isEmpty() ? prompt : null; // Echo, unless the entry answers with tools only.
    } else {
      text = entry.text();
    }

    StopReason stop = toolCalls.isEmpty() ? StopReason.END_TURN : StopReason.TOOL_USE;
    @Nullable String stopSequence = null;
    if (text != null && !request.stop().isEmpty()) {
      int cut = -1;
      for (String s : request.stop()) {
        int at = s.isEmpty() ? -1 : text.indexOf(s);
        if (at >= 0 && (cut < 0 || at < cut)) {
          cut = at;
          stopSequence = s;
        }
      }
      if (cut >= 0) {
        text = text.substring(0, cut);
        stop = StopReason.STOP_SEQUENCE;
        toolCalls = List.of(); // The model stopped before it could call anything.
      }
    }

    List<String> thinkingTokens = thinking == null ? List.of() : Tokenizer.words(thinking);
    List<String> textTokens = text == null ? List.of() : Tokenizer.words(text);

    // max_tokens truncates thinking, then text; tool calls that no longer fit are dropped whole,
    // since half a call would be arguments no client can parse.
    @Nullable Integer max = request.maxTokens();
    if (max != null && thinkingTokens.size() + textTokens.size() > max) {
      if (thinkingTokens.size() > max) {
        thinkingTokens = thinkingTokens.subList(0, max);
        textTokens = List.of();
        text = text == null ? null : "";
      } else {
        textTokens = textTokens.subList(0, max - thinkingTokens.size());
      }
      if (text != null) {
        text = String.join("", textTokens);
      }
      thinking = thinking == null ? null : String.join("", thinkingTokens);
      toolCalls = List.of();
      stop = StopReason.MAX_TOKENS;
      stopSequence = null;
    }
    if (entry != null && entry.stopReason() != null) {
      stop = entry.stopReason();
    }

    List<Plan.Block> blocks = new ArrayList<>(2 + toolCalls.size());
    if (thinking != null && !thinkingTokens.isEmpty()) {
      @Nullable String signature = protocol == Protocol.ANTHROPIC ? signature(thinking) : null;
      blocks.add(
          new Plan.Block(BlockType.THINKING, thinking, thinkingTokens, null, null, signature));
    }
    if (text != null) {
      blocks.add(new Plan.Block(BlockType.TEXT, text, textTokens, null, null, null));
    }
    for (int i = 0; i < toolCalls.size(); i++) {
      ToolCall call = toolCalls.get(i);
      String toolId = (protocol == Protocol.ANTHROPIC ? "toolu_sim_" : "call_sim_") + seq + "_" + i;
      blocks.add(
          new Plan.Block(
              BlockType.TOOL_USE,
              call.arguments(),
              Tokenizer.argumentPieces(call.arguments()),
              toolId,
              call.name(),
              null));
    }

    int perChoice = 0;
    for (Plan.Block b : blocks) {
      perChoice += b.tokens().size();
    }
    int outputTokens =
        entry != null && entry.outputTokens() != null
            ? entry.outputTokens()
            : perChoice * request.n(); // OpenAI counts completion tokens over all choices.
    return new Plan(
        protocol,
        request,
        id,
        created,
        blocks,
        stop,
        stopSequence,
        new Usage(inputTokens, outputTokens),
        ttft.toNanos(),
        rate,
        chunk,
        delayMillis,
        entry == null ? null : entry.fault(),
        null);
  }

  /** The text parts of the last user message, joined with newlines; empty if there is none. */
  static String lastUserText(ChatRequest request) {
    List<Message> messages = request.messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m.role() != MessageRole.USER) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      for (ContentPart p : m.content()) {
        if (p instanceof ContentPart.Text t) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(t.text());
        }
      }
      return sb.toString();
    }
    return "";
  }

  /** The prompt's words over the system text and every message: the simulator's input count. */
  static int promptTokens(ChatRequest request) {
    int n = countParts(request.system());
    for (Message m : request.messages()) {
      n += countParts(m.content());
    }
    return n;
  }

  private static int countParts(List<ContentPart> parts) {
    int n = 0;
    for (ContentPart p : parts) {
      if (p instanceof ContentPart.Text t) {
        n += Tokenizer.countWords(t.text());
      } else if (p instanceof ContentPart.Thinking t) {
        n += Tokenizer.countWords(t.text());
      } else if (p instanceof ContentPart.ToolUse t) {
        n += Tokenizer.argumentPieces(t.arguments()).size();
      } else if (p instanceof ContentPart.ToolResult t) {
        n += countParts(t.content());
      } else {
        n += 1; // An image or an opaque part counts as one token, as good a guess as any.
      }
    }
    return n;
  }

  /**
   * The error kind for a scripted status: the kind with that status, else Anthropic's 529
   * overloaded, else a generic client or server error. The answer keeps the scripted status.
   */
  static ErrorKind errorKind(int status) {
    for (ErrorKind k : ErrorKind.values()) {
      if (k.status() == status) {
        return k;
      }
    }
    if (status == 529) {
      return ErrorKind.OVERLOADED;
    }
    return status < 500 ? ErrorKind.INVALID_REQUEST : ErrorKind.API_ERROR;
  }

  /** A stable stand-in for Anthropic's thinking signature: base64 of the text's SHA-256. */
  static String signature(String thinking) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(thinking.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
