package dev.bulwark.protocol.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.internal.Errors;
import dev.bulwark.protocol.internal.Json;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.Usage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Whole {@code chat.completion} objects, the error shape, and the vocabulary shared with streams. */
final class OpenAiResponses {
  static final String ID_PREFIX = "chatcmpl-";

  private OpenAiResponses() {}

  static ChatResponse parse(byte[] body, long now) throws ProtocolException {
    JsonNode root = Json.tryRead(body);
    if (root == null || !root.isObject()) {
      throw badGateway("upstream response is not a JSON object");
    }
    if (root.has("error") && !root.has("choices")) {
      String message = errorMessage(root);
      throw badGateway(
          "upstream returned an error" + (message == null ? "" : ": " + message));
    }
    JsonNode choices = root.get("choices");
    if (choices == null || !choices.isArray()) {
      throw badGateway("upstream response has no choices array");
    }
    List<ChatResponse.Choice> out = new ArrayList<>();
    for (int i = 0; i < choices.size(); i++) {
      JsonNode c = choices.get(i);
      if (!c.isObject()) {
        throw badGateway("upstream response choice is not an object");
      }
      out.add(choice(c, i));
    }
    String id = Json.text(root, "id");
    String model = Json.text(root, "model");
    JsonNode created = root.get("created");
    return new ChatResponse(
        id == null ? "" : id,
        model == null ? "" : model,
        created != null && created.canConvertToLong() ? created.asLong() : now,
        out,
        usage(root.get("usage")));
  }

  private static ChatResponse.Choice choice(JsonNode c, int position) throws ProtocolException {
    int index = Json.intValue(c, "index", position);
    JsonNode message = c.get("message");
    List<ContentPart> parts = new ArrayList<>();
    String refusal = null;
    if (message != null && message.isObject()) {
      String reasoning = reasoning(message);
      if (reasoning != null && !reasoning.isEmpty()) {
        parts.add(new ContentPart.Thinking(reasoning, null));
      }
      JsonNode content = message.get("content");
      if (content != null && content.isTextual() && !content.asText().isEmpty()) {
        parts.add(new ContentPart.Text(content.asText()));
      } else if (content != null && content.isArray()) {
        for (JsonNode part : content) {
          String text = Json.text(part, "text");
          if (text != null) {
            parts.add(new ContentPart.Text(text));
          }
        }
      }
      refusal = Json.text(message, "refusal");
      JsonNode calls = message.get("tool_calls");
      if (calls != null && calls.isArray()) {
        for (int j = 0; j < calls.size(); j++) {
          JsonNode call = calls.get(j);
          JsonNode fn = call.get("function");
          String name = Json.text(fn, "name");
          if (name == null) {
            throw badGateway("upstream tool call has no function name");
          }
          String id = Json.text(call, "id");
          parts.add(
              new ContentPart.ToolUse(
                  id == null ? syntheticToolId(index, j) : id, name, arguments(fn)));
        }
      }
    }
    String finish = Json.text(c, "finish_reason");
    StopReason reason = finish == null ? null : stopReason(finish);
    String stopSequence = null;
    // vLLM names the stop string that ended the choice; OpenAI itself never says which one.
    String matched = Json.text(c, "stop_reason");
    if (reason == StopReason.END_TURN && matched != null) {
      reason = StopReason.STOP_SEQUENCE;
      stopSequence = matched;
    }
    return new ChatResponse.Choice(index, parts, reason, stopSequence, refusal);
  }

  /** Arguments are a JSON string; a few compatible servers send an object instead. */
  private static String arguments(@Nullable JsonNode fn) {
    JsonNode args = fn == null ? null : fn.get("arguments");
    if (args == null || args.isNull()) {
      return "";
    }
    return args.isTextual() ? args.asText() : Json.write(args);
  }

  /** vLLM and DeepSeek say {@code reasoning_content}; newer vLLM and others {@code reasoning}. */
  static @Nullable String reasoning(JsonNode node) {
    String r = Json.text(node, "reasoning_content");
    return r != null ? r : Json.text(node, "reasoning");
  }

  /** An id for a tool call whose server gave none (some compatible servers omit it). */
  static String syntheticToolId(int choice, int index) {
    return "call_" + choice + "_" + index;
  }

  static Usage usage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return Usage.ZERO;
    }
    return new Usage(
        Math.max(0, Json.intValue(u, "prompt_tokens", 0)),
        Math.max(0, Json.intValue(u, "completion_tokens", 0)));
  }

  static ObjectNode usageJson(Usage usage) {
    return Json.object()
        .put("prompt_tokens", usage.inputTokens())
        .put("completion_tokens", usage.outputTokens())
        .put("total_tokens", usage.totalTokens());
  }

  /**
   * {@code stop} is END_TURN (OpenAI does not say whether a stop sequence matched); {@code
   * function_call} is the deprecated spelling of {@code tool_calls}; unknown reasons end the turn.
   */
  static StopReason stopReason(String finishReason) {
    return switch (finishReason) {
      case "length" -> StopReason.MAX_TOKENS;
      case "tool_calls", "function_call" -> StopReason.TOOL_USE;
      case "content_filter" -> StopReason.REFUSAL;
      default -> StopReason.END_TURN;
    };
  }

  /** PAUSE_TURN has no OpenAI spelling; the closest is a plain stop. */
  static String finishReason(@Nullable StopReason reason) {
    if (reason == null) {
      return "stop";
    }
    return switch (reason) {
      case END_TURN, STOP_SEQUENCE, PAUSE_TURN -> "stop";
      case MAX_TOKENS -> "length";
      case TOOL_USE -> "tool_calls";
      case REFUSAL -> "content_filter";
    };
  }

  static String prefixedId(String id) {
    return id.startsWith(ID_PREFIX) ? id : ID_PREFIX + id;
  }

  static ObjectNode encode(ChatResponse r) {
    ObjectNode o = Json.object();
    o.put("id", prefixedId(r.id()));
    o.put("object", "chat.completion");
    o.put("created", r.created());
    o.put("model", r.model());
    ArrayNode choices = o.putArray("choices");
    for (ChatResponse.Choice c : r.choices()) {
      ObjectNode choice = choices.addObject();
      choice.put("index", c.index());
      ObjectNode message = choice.putObject("message");
      message.put("role", "assistant");
      StringBuilder text = new StringBuilder();
      StringBuilder reasoning = new StringBuilder();
      boolean hasText = false;
      boolean hasReasoning = false;
      ArrayNode calls = Json.array();
      for (ContentPart p : c.content()) {
        if (p instanceof ContentPart.Text t) {
          // Consecutive text blocks are one answer (Anthropic splits text at citations).
          text.append(t.text());
          hasText = true;
        } else if (p instanceof ContentPart.Thinking th) {
          reasoning.append(th.text());
          hasReasoning = true;
        } else if (p instanceof ContentPart.ToolUse u) {
          ObjectNode call = calls.addObject().put("id", u.id()).put("type", "function");
          call.putObject("function").put("name", u.name()).put("arguments", u.arguments());
        }
      }
      if (hasText) {
        message.put("content", text.toString());
      } else if (!calls.isEmpty() || c.refusal() != null || c.stopReason() == StopReason.REFUSAL) {
        message.putNull("content");
      } else {
        message.put("content", "");
      }
      if (c.refusal() != null) {
        message.put("refusal", c.refusal());
      } else {
        message.putNull("refusal");
      }
      if (hasReasoning) {
        message.put("reasoning_content", reasoning.toString());
      }
      if (!calls.isEmpty()) {
        message.set("tool_calls", calls);
      }
      choice.putNull("logprobs");
      choice.put("finish_reason", finishReason(c.stopReason()));
    }
    o.set("usage", usageJson(r.usage()));
    return o;
  }

  static ObjectNode errorBody(ErrorKind kind, String message, @Nullable String param) {
    ObjectNode o = Json.object();
    ObjectNode e = o.putObject("error");
    e.put("message", message);
    e.put("type", kind.openAiType());
    if (param == null) {
      e.putNull("param");
    } else {
      e.put("param", param);
    }
    e.putNull("code");
    return o;
  }

  /**
   * The message of OpenAI's {@code {"error": {"message": ...}}}, of the bare {@code {"error":
   * "..."}} some servers send, or of vLLM's {@code {"object": "error", "message": ...}}; null for any
   * other shape.
   */
  static @Nullable String errorMessage(@Nullable JsonNode root) {
    if (root == null || !root.isObject()) {
      return null;
    }
    JsonNode error = root.get("error");
    String message = null;
    if (error != null && error.isObject()) {
      message = Json.text(error, "message");
    } else if (error != null && error.isTextual()) {
      message = error.asText();
    } else if ("error".equals(Json.text(root, "object"))) {
      message = Json.text(root, "message");
    }
    return message == null ? null : Errors.sanitize(message);
  }

  /** The OpenAI error type of an error object, if it has one. */
  static @Nullable String errorType(JsonNode root) {
    JsonNode error = root.get("error");
    if (error != null && error.isObject()) {
      return Json.text(error, "type");
    }
    return Json.text(root, "type");
  }

  static ProtocolException badGateway(String message) {
    return new ProtocolException(ErrorKind.BAD_GATEWAY, null, message);
  }
}
