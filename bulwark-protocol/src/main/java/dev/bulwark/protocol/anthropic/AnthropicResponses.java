package dev.bulwark.protocol.anthropic;

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

/** Whole {@code message} objects, the error shape, and the vocabulary shared with streams. */
final class AnthropicResponses {
  static final String ID_PREFIX = "msg_";

  private AnthropicResponses() {}

  static ChatResponse parse(byte[] body, long now) throws ProtocolException {
    JsonNode root = Json.tryRead(body);
    if (root == null || !root.isObject()) {
      throw badGateway("upstream response is not a JSON object");
    }
    if ("error".equals(Json.text(root, "type"))) {
      String message = errorMessage(root);
      throw badGateway("upstream returned an error" + (message == null ? "" : ": " + message));
    }
    JsonNode content = root.get("content");
    if (content == null || !content.isArray()) {
      throw badGateway("upstream response has no content array");
    }
    List<ContentPart> parts = new ArrayList<>();
    for (JsonNode block : content) {
      ContentPart part = part(block);
      if (part != null) {
        parts.add(part);
      }
    }
    String stop = Json.text(root, "stop_reason");
    String id = Json.text(root, "id");
    String model = Json.text(root, "model");
    return new ChatResponse(
        id == null ? "" : id,
        model == null ? "" : model,
        now,
        List.of(
            new ChatResponse.Choice(
                0,
                parts,
                stop == null ? null : stopReason(stop),
                Json.text(root, "stop_sequence"),
                null)),
        usage(root.get("usage"), 0));
  }

  /**
   * A response block as a part; null for block types the canonical model does not know (server
   * tool calls and their results), which are left out rather than passed on unseen.
   */
  private static @Nullable ContentPart part(JsonNode block) throws ProtocolException {
    String type = Json.text(block, "type");
    if (type == null) {
      throw badGateway("upstream content block has no type");
    }
    switch (type) {
      case "text" -> {
        return new ContentPart.Text(required(block, "text"));
      }
      case "thinking" -> {
        String signature = Json.text(block, "signature");
        return new ContentPart.Thinking(
            required(block, "thinking"),
            signature == null || signature.isEmpty() ? null : signature);
      }
      case "redacted_thinking" -> {
        return new ContentPart.RedactedThinking(required(block, "data"));
      }
      case "tool_use" -> {
        JsonNode input = block.get("input");
        return new ContentPart.ToolUse(
            required(block, "id"),
            required(block, "name"),
            input == null || input.isNull() ? "{}" : Json.write(input));
      }
      default -> {
        return null;
      }
    }
  }

  private static String required(JsonNode block, String field) throws ProtocolException {
    String v = Json.text(block, field);
    if (v == null) {
      throw badGateway("upstream content block has no " + field);
    }
    return v;
  }

  /**
   * Input tokens are Anthropic's {@code input_tokens} plus the cache-write and cache-read tokens,
   * which Anthropic counts apart and OpenAI's {@code prompt_tokens} includes.
   *
   * @param knownInput the input count to keep when {@code u} has none (a {@code message_delta})
   */
  static Usage usage(@Nullable JsonNode u, int knownInput) {
    if (u == null || !u.isObject()) {
      return new Usage(knownInput, 0);
    }
    int input = knownInput;
    if (u.has("input_tokens") && !u.get("input_tokens").isNull()) {
      input =
          Math.max(0, Json.intValue(u, "input_tokens", 0))
              + Math.max(0, Json.intValue(u, "cache_creation_input_tokens", 0))
              + Math.max(0, Json.intValue(u, "cache_read_input_tokens", 0));
    }
    return new Usage(input, Math.max(0, Json.intValue(u, "output_tokens", 0)));
  }

  static ObjectNode usageJson(Usage usage) {
    return Json.object()
        .put("input_tokens", usage.inputTokens())
        .put("output_tokens", usage.outputTokens());
  }

  /**
   * One to one, except that {@code model_context_window_exceeded} is MAX_TOKENS (the output was cut
   * by a limit) and unknown reasons end the turn.
   */
  static StopReason stopReason(String reason) {
    return switch (reason) {
      case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
      case "stop_sequence" -> StopReason.STOP_SEQUENCE;
      case "tool_use" -> StopReason.TOOL_USE;
      case "pause_turn" -> StopReason.PAUSE_TURN;
      case "refusal" -> StopReason.REFUSAL;
      default -> StopReason.END_TURN;
    };
  }

  static String stopReason(@Nullable StopReason reason) {
    if (reason == null) {
      return "end_turn";
    }
    return switch (reason) {
      case END_TURN -> "end_turn";
      case MAX_TOKENS -> "max_tokens";
      case STOP_SEQUENCE -> "stop_sequence";
      case TOOL_USE -> "tool_use";
      case REFUSAL -> "refusal";
      case PAUSE_TURN -> "pause_turn";
    };
  }

  static String prefixedId(String id) {
    return id.startsWith(ID_PREFIX) ? id : ID_PREFIX + id;
  }

  static ObjectNode encode(ChatResponse r) {
    ObjectNode o = Json.object();
    o.put("id", prefixedId(r.id()));
    o.put("type", "message");
    o.put("role", "assistant");
    o.put("model", r.model());
    ArrayNode content = o.putArray("content");
    ChatResponse.Choice choice = r.choices().isEmpty() ? null : r.choices().get(0);
    boolean hasText = false;
    if (choice != null) {
      for (ContentPart p : choice.content()) {
        if (p instanceof ContentPart.Text t) {
          hasText = true;
          content.addObject().put("type", "text").put("text", t.text());
        } else if (p instanceof ContentPart.Thinking th) {
          content
              .addObject()
              .put("type", "thinking")
              .put("thinking", th.text())
              .put("signature", th.signature() == null ? "" : th.signature());
        } else if (p instanceof ContentPart.RedactedThinking rt) {
          content.addObject().put("type", "redacted_thinking").put("data", rt.data());
        } else if (p instanceof ContentPart.ToolUse u) {
          ObjectNode b = content.addObject().put("type", "tool_use").put("id", u.id());
          b.put("name", u.name());
          b.set("input", ToolInputs.toObject(u.arguments()));
        }
      }
      // OpenAI's refusal text has no field of its own here; it is the answer's text.
      if (!hasText && choice.refusal() != null) {
        content.addObject().put("type", "text").put("text", choice.refusal());
      }
    }
    o.put("stop_reason", stopReason(choice == null ? null : choice.stopReason()));
    if (choice != null && choice.stopSequence() != null) {
      o.put("stop_sequence", choice.stopSequence());
    } else {
      o.putNull("stop_sequence");
    }
    o.set("usage", usageJson(r.usage()));
    return o;
  }

  /**
   * Anthropic has no {@code param} field; the path leads the message instead, as in Anthropic's
   * own validation errors.
   */
  static ObjectNode errorBody(ErrorKind kind, String message, @Nullable String param) {
    return errorBody(
        kind.anthropicType(),
        param == null || message.startsWith(param) ? message : param + ": " + message);
  }

  static ObjectNode errorBody(String type, String message) {
    ObjectNode o = Json.object().put("type", "error");
    o.putObject("error").put("type", type).put("message", message);
    return o;
  }

  /** The message of {@code {"type": "error", "error": {"message": ...}}}, or null. */
  static @Nullable String errorMessage(@Nullable JsonNode root) {
    if (root == null || !root.isObject()) {
      return null;
    }
    JsonNode error = root.get("error");
    String message = error != null && error.isObject() ? Json.text(error, "message") : null;
    return message == null ? null : Errors.sanitize(message);
  }

  static ProtocolException badGateway(String message) {
    return new ProtocolException(ErrorKind.BAD_GATEWAY, null, message);
  }
}
