package dev.bulwark.protocol.anthropic;

import static dev.bulwark.protocol.internal.Fields.index;
import static dev.bulwark.protocol.internal.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.internal.Fields;
import dev.bulwark.protocol.internal.Json;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Message;
import dev.bulwark.protocol.model.MessageRole;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.ThinkingConfig;
import dev.bulwark.protocol.model.ToolChoice;
import dev.bulwark.protocol.model.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Parses and encodes Messages request bodies; see {@link AnthropicCodec} for the mapping. */
final class AnthropicRequests {
  /** Top-level fields read into the canonical model; every other field goes to {@code extra}. */
  static final Set<String> KNOWN_FIELDS =
      Set.of(
          "model", "max_tokens", "messages", "system", "temperature", "top_p", "stop_sequences",
          "stream", "tools", "tool_choice", "thinking");

  private static final String USER_BLOCKS = "text, image, document, search_result, tool_result";
  private static final String ASSISTANT_BLOCKS = "text, tool_use, thinking, redacted_thinking";
  private static final String RESULT_BLOCKS = "text, image, document, search_result";

  private AnthropicRequests() {}

  // ---------------------------------------------------------------- parsing

  static ChatRequest parse(byte[] body) throws ProtocolException {
    ObjectNode root = Fields.body(body);
    String model = Fields.requireNonEmptyString(root, "model", "");
    Integer maxTokens = Fields.optInt(root, "max_tokens", "", 1, Integer.MAX_VALUE);
    if (maxTokens == null) {
      throw ProtocolException.invalid("max_tokens", "max_tokens is required");
    }
    ArrayNode rawMessages = Fields.requireNonEmptyArray(root, "messages", "");
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < rawMessages.size(); i++) {
      String p = index("messages", i);
      ObjectNode m = Fields.object(rawMessages.get(i), p);
      String role = Fields.requireString(m, "role", p);
      switch (role) {
        case "user" -> user(m, p, messages);
        case "assistant" -> messages.add(
            new Message(MessageRole.ASSISTANT, assistantContent(m, p), null));
        default -> throw ProtocolException.invalid(
            path(p, "role"), path(p, "role") + " must be one of: user, assistant");
      }
    }
    List<ContentPart> system = system(root);
    Double temperature = Fields.optNumber(root, "temperature", "", 0, 1);
    Double topP = Fields.optNumber(root, "top_p", "", 0, 1);
    List<String> stop = new ArrayList<>();
    ArrayNode stopSequences = Fields.optArray(root, "stop_sequences", "");
    if (stopSequences != null) {
      for (int i = 0; i < stopSequences.size(); i++) {
        if (!stopSequences.get(i).isTextual()) {
          String p = index("stop_sequences", i);
          throw ProtocolException.invalid(p, p + " must be a string");
        }
        stop.add(stopSequences.get(i).asText());
      }
    }
    Boolean stream = Fields.optBoolean(root, "stream", "");
    List<ToolDefinition> tools = tools(root);
    ToolChoice toolChoice = toolChoice(root);

    ObjectNode extra = Json.object();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!KNOWN_FIELDS.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    ThinkingConfig thinking = thinking(root, maxTokens, extra);
    return new ChatRequest(
        Protocol.ANTHROPIC, model, system, messages, tools, toolChoice, maxTokens, temperature,
        topP, stop, Boolean.TRUE.equals(stream), 1, true, thinking, extra);
  }

  /** A user turn: its tool results become a TOOL message, ahead of a USER message of the rest. */
  private static void user(ObjectNode m, String p, List<Message> out) throws ProtocolException {
    String cp = path(p, "content");
    JsonNode content = Fields.opt(m, "content");
    if (content == null) {
      throw ProtocolException.invalid(cp, cp + " is required");
    }
    if (content.isTextual()) {
      out.add(Message.text(MessageRole.USER, content.asText()));
      return;
    }
    if (!content.isArray()) {
      throw ProtocolException.invalid(cp, cp + " must be a string or an array of content blocks");
    }
    List<ContentPart> results = new ArrayList<>();
    List<ContentPart> rest = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      String bp = index(cp, j);
      ObjectNode block = Fields.object(content.get(j), bp);
      String type = Fields.requireString(block, "type", bp);
      switch (type) {
        case "tool_result" -> results.add(toolResult(block, bp));
        case "text", "image", "document", "search_result" -> rest.add(block(block, type, bp));
        default -> throw ProtocolException.invalid(
            path(bp, "type"), path(bp, "type") + " must be one of: " + USER_BLOCKS);
      }
    }
    if (!results.isEmpty()) {
      out.add(new Message(MessageRole.TOOL, results, null));
    }
    if (!rest.isEmpty() || results.isEmpty()) {
      out.add(new Message(MessageRole.USER, rest, null));
    }
  }

  /** A text, image, document or search-result block. */
  private static ContentPart block(ObjectNode block, String type, String bp)
      throws ProtocolException {
    return switch (type) {
      case "text" -> new ContentPart.Text(Fields.requireString(block, "text", bp));
      case "image" -> image(block, bp);
      // Documents and search results have no canonical form: kept for an Anthropic upstream.
      default -> new ContentPart.Opaque(Protocol.ANTHROPIC, block);
    };
  }

  private static ContentPart image(ObjectNode block, String bp) throws ProtocolException {
    ObjectNode source = Fields.requireObject(block, "source", bp);
    String sp = path(bp, "source");
    String type = Fields.requireString(source, "type", sp);
    return switch (type) {
      case "base64" -> new ContentPart.Image(
          null,
          Fields.requireNonEmptyString(source, "media_type", sp),
          Fields.requireString(source, "data", sp));
      case "url" -> new ContentPart.Image(Fields.requireNonEmptyString(source, "url", sp), null, null);
      // A file id means something only to Anthropic.
      case "file" -> new ContentPart.Opaque(Protocol.ANTHROPIC, block);
      default -> throw ProtocolException.invalid(
          path(sp, "type"), path(sp, "type") + " must be one of: base64, url, file");
    };
  }

  private static ContentPart.ToolResult toolResult(ObjectNode block, String bp)
      throws ProtocolException {
    String id = Fields.requireNonEmptyString(block, "tool_use_id", bp);
    Boolean isError = Fields.optBoolean(block, "is_error", bp);
    List<ContentPart> parts = new ArrayList<>();
    String cp = path(bp, "content");
    JsonNode content = Fields.opt(block, "content");
    if (content != null) {
      if (content.isTextual()) {
        parts.add(new ContentPart.Text(content.asText()));
      } else if (content.isArray()) {
        for (int k = 0; k < content.size(); k++) {
          String ip = index(cp, k);
          ObjectNode inner = Fields.object(content.get(k), ip);
          String type = Fields.requireString(inner, "type", ip);
          switch (type) {
            case "text", "image", "document", "search_result" -> parts.add(block(inner, type, ip));
            default -> throw ProtocolException.invalid(
                path(ip, "type"), path(ip, "type") + " must be one of: " + RESULT_BLOCKS);
          }
        }
      } else {
        throw ProtocolException.invalid(cp, cp + " must be a string or an array of content blocks");
      }
    }
    return new ContentPart.ToolResult(id, parts, Boolean.TRUE.equals(isError));
  }

  private static List<ContentPart> assistantContent(ObjectNode m, String p)
      throws ProtocolException {
    String cp = path(p, "content");
    JsonNode content = Fields.opt(m, "content");
    if (content == null) {
      throw ProtocolException.invalid(cp, cp + " is required");
    }
    if (content.isTextual()) {
      return List.of(new ContentPart.Text(content.asText()));
    }
    if (!content.isArray()) {
      throw ProtocolException.invalid(cp, cp + " must be a string or an array of content blocks");
    }
    List<ContentPart> parts = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      String bp = index(cp, j);
      ObjectNode block = Fields.object(content.get(j), bp);
      String type = Fields.requireString(block, "type", bp);
      switch (type) {
        case "text" -> parts.add(new ContentPart.Text(Fields.requireString(block, "text", bp)));
        case "tool_use" -> {
          String id = Fields.requireNonEmptyString(block, "id", bp);
          String name = Fields.requireNonEmptyString(block, "name", bp);
          ObjectNode input = Fields.requireObject(block, "input", bp);
          parts.add(new ContentPart.ToolUse(id, name, Json.write(input)));
        }
        case "thinking" -> {
          String signature = Fields.optString(block, "signature", bp);
          parts.add(
              new ContentPart.Thinking(
                  Fields.requireString(block, "thinking", bp),
                  signature == null || signature.isEmpty() ? null : signature));
        }
        case "redacted_thinking" -> parts.add(
            new ContentPart.RedactedThinking(Fields.requireString(block, "data", bp)));
        default -> throw ProtocolException.invalid(
            path(bp, "type"), path(bp, "type") + " must be one of: " + ASSISTANT_BLOCKS);
      }
    }
    return parts;
  }

  private static List<ContentPart> system(ObjectNode root) throws ProtocolException {
    JsonNode system = Fields.opt(root, "system");
    if (system == null) {
      return List.of();
    }
    if (system.isTextual()) {
      return system.asText().isEmpty() ? List.of() : List.of(new ContentPart.Text(system.asText()));
    }
    if (!system.isArray()) {
      throw ProtocolException.invalid("system", "system must be a string or an array of text blocks");
    }
    List<ContentPart> parts = new ArrayList<>();
    for (int i = 0; i < system.size(); i++) {
      String bp = index("system", i);
      ObjectNode block = Fields.object(system.get(i), bp);
      String type = Fields.requireString(block, "type", bp);
      if (!type.equals("text")) {
        throw ProtocolException.invalid(path(bp, "type"), path(bp, "type") + " must be \"text\"");
      }
      parts.add(new ContentPart.Text(Fields.requireString(block, "text", bp)));
    }
    return parts;
  }

  private static List<ToolDefinition> tools(ObjectNode root) throws ProtocolException {
    ArrayNode tools = Fields.optArray(root, "tools", "");
    if (tools == null) {
      return List.of();
    }
    List<ToolDefinition> out = new ArrayList<>();
    for (int i = 0; i < tools.size(); i++) {
      String p = index("tools", i);
      ObjectNode t = Fields.object(tools.get(i), p);
      String type = Fields.optString(t, "type", p);
      if (type != null && !type.equals("custom")) {
        // Server tools (web search, code execution...) run inside Anthropic, out of the
        // gateway's sight, and have no canonical form.
        throw ProtocolException.invalid(
            path(p, "type"), path(p, "type") + " must be \"custom\"; server tools are not supported");
      }
      String name = Fields.requireNonEmptyString(t, "name", p);
      String description = Fields.optString(t, "description", p);
      ObjectNode schema = Fields.requireObject(t, "input_schema", p);
      out.add(new ToolDefinition(name, description, schema.deepCopy()));
    }
    return out;
  }

  private static @Nullable ToolChoice toolChoice(ObjectNode root) throws ProtocolException {
    ObjectNode tc = Fields.optObject(root, "tool_choice", "");
    if (tc == null) {
      return null;
    }
    String type = Fields.requireString(tc, "type", "tool_choice");
    boolean disableParallel =
        Boolean.TRUE.equals(
            Fields.optBoolean(tc, "disable_parallel_tool_use", "tool_choice"));
    return switch (type) {
      case "auto" -> new ToolChoice(ToolChoice.Mode.AUTO, null, disableParallel);
      case "any" -> new ToolChoice(ToolChoice.Mode.ANY, null, disableParallel);
      case "none" -> new ToolChoice(ToolChoice.Mode.NONE, null, disableParallel);
      case "tool" -> new ToolChoice(
          ToolChoice.Mode.TOOL,
          Fields.requireNonEmptyString(tc, "name", "tool_choice"),
          disableParallel);
      default -> throw ProtocolException.invalid(
          "tool_choice.type", "tool_choice.type must be one of: auto, any, tool, none");
    };
  }

  /**
   * {@code enabled} needs a budget of at least 1024 tokens and below {@code max_tokens}, as
   * Anthropic requires; {@code disabled} is no thinking; any other type (e.g. {@code adaptive})
   * has no canonical form and is kept in {@code extra}, reaching only an Anthropic upstream.
   */
  private static @Nullable ThinkingConfig thinking(ObjectNode root, int maxTokens, ObjectNode extra)
      throws ProtocolException {
    ObjectNode t = Fields.optObject(root, "thinking", "");
    if (t == null) {
      return null;
    }
    String type = Fields.requireString(t, "type", "thinking");
    switch (type) {
      case "enabled" -> {
        Integer budget = Fields.optInt(t, "budget_tokens", "thinking", 1024, Integer.MAX_VALUE);
        if (budget == null) {
          throw ProtocolException.invalid(
              "thinking.budget_tokens", "thinking.budget_tokens is required");
        }
        if (budget >= maxTokens) {
          throw ProtocolException.invalid(
              "thinking.budget_tokens", "thinking.budget_tokens must be less than max_tokens");
        }
        return new ThinkingConfig(budget);
      }
      case "disabled" -> {
        return null;
      }
      default -> {
        extra.set("thinking", t.deepCopy());
        return null;
      }
    }
  }

  // ---------------------------------------------------------------- encoding

  static ObjectNode encode(ChatRequest r, int defaultMaxTokens) {
    ObjectNode o = Json.object();
    o.put("model", r.model());
    o.put("max_tokens", r.maxTokens() != null ? r.maxTokens() : defaultMaxTokens);

    // Anthropic has one system prompt: later system messages are appended to it, in order.
    List<String> system = new ArrayList<>();
    for (ContentPart p : r.system()) {
      if (p instanceof ContentPart.Text t) {
        system.add(t.text());
      }
    }
    for (Message m : r.messages()) {
      if (m.role() == MessageRole.SYSTEM) {
        for (ContentPart p : m.content()) {
          if (p instanceof ContentPart.Text t) {
            system.add(t.text());
          }
        }
      }
    }
    if (system.size() == 1) {
      o.put("system", system.get(0));
    } else if (system.size() > 1) {
      ArrayNode s = o.putArray("system");
      system.forEach(t -> s.addObject().put("type", "text").put("text", t));
    }

    o.set("messages", messages(r.messages()));
    if (r.temperature() != null) {
      // OpenAI allows up to 2; Anthropic's scale stops at 1.
      o.put("temperature", Math.min(1.0, r.temperature()));
    }
    if (r.topP() != null) {
      o.put("top_p", r.topP());
    }
    if (!r.stop().isEmpty()) {
      ArrayNode stop = o.putArray("stop_sequences");
      r.stop().forEach(stop::add);
    }
    if (r.stream()) {
      o.put("stream", true);
    }
    if (!r.tools().isEmpty()) {
      ArrayNode tools = o.putArray("tools");
      for (ToolDefinition t : r.tools()) {
        ObjectNode tool = tools.addObject().put("name", t.name());
        if (t.description() != null) {
          tool.put("description", t.description());
        }
        tool.set("input_schema", t.inputSchema().deepCopy());
      }
      ToolChoice tc = r.toolChoice();
      if (tc != null) {
        ObjectNode choice = o.putObject("tool_choice");
        switch (tc.mode()) {
          case AUTO -> choice.put("type", "auto");
          case NONE -> choice.put("type", "none");
          case ANY -> choice.put("type", "any");
          case TOOL -> choice.put("type", "tool").put("name", tc.toolName());
        }
        if (tc.disableParallel() && tc.mode() != ToolChoice.Mode.NONE) {
          choice.put("disable_parallel_tool_use", true);
        }
      }
    }
    if (r.thinking() != null) {
      o.putObject("thinking").put("type", "enabled").put("budget_tokens", r.thinking().budgetTokens());
    }
    if (r.source() == Protocol.ANTHROPIC) {
      for (Map.Entry<String, JsonNode> e : r.extra().properties()) {
        if (!o.has(e.getKey())) {
          o.set(e.getKey(), e.getValue().deepCopy());
        }
      }
    }
    return o;
  }

  /**
   * Consecutive turns of one role are merged (TOOL and USER are both {@code user}), so that roles
   * alternate as Anthropic requires; within a user turn the tool results go first, as Anthropic
   * also requires.
   */
  private static ArrayNode messages(List<Message> messages) {
    ArrayNode out = Json.array();
    String role = null;
    ArrayNode blocks = null;
    for (Message m : messages) {
      if (m.role() == MessageRole.SYSTEM) {
        continue;
      }
      String r = m.role() == MessageRole.ASSISTANT ? "assistant" : "user";
      if (!r.equals(role) || blocks == null) {
        if (blocks != null) {
          out.add(turn(role, blocks));
        }
        role = r;
        blocks = Json.array();
      }
      for (ContentPart p : m.content()) {
        ObjectNode b = block(p);
        if (b != null) {
          blocks.add(b);
        }
      }
    }
    if (blocks != null) {
      out.add(turn(role, blocks));
    }
    return out;
  }

  private static ObjectNode turn(@Nullable String role, ArrayNode blocks) {
    ObjectNode turn = Json.object().put("role", role);
    ArrayNode ordered = Json.array();
    for (JsonNode b : blocks) {
      if ("tool_result".equals(Json.text(b, "type"))) {
        ordered.add(b);
      }
    }
    for (JsonNode b : blocks) {
      if (!"tool_result".equals(Json.text(b, "type"))) {
        ordered.add(b);
      }
    }
    if (ordered.isEmpty()) {
      turn.put("content", "");
    } else if (ordered.size() == 1 && isPlainText(ordered.get(0))) {
      turn.put("content", ordered.get(0).get("text").asText());
    } else {
      turn.set("content", ordered);
    }
    return turn;
  }

  private static boolean isPlainText(JsonNode block) {
    return block.size() == 2 && "text".equals(Json.text(block, "type")) && block.has("text");
  }

  /** One part as a content block, or null for a part Anthropic cannot take. */
  private static @Nullable ObjectNode block(ContentPart p) {
    if (p instanceof ContentPart.Text t) {
      // Anthropic refuses empty text blocks.
      return t.text().isEmpty() ? null : Json.object().put("type", "text").put("text", t.text());
    }
    if (p instanceof ContentPart.Image img) {
      return image(img);
    }
    if (p instanceof ContentPart.ToolUse u) {
      ObjectNode b = Json.object().put("type", "tool_use").put("id", toolId(u.id()));
      b.put("name", u.name());
      b.set("input", ToolInputs.toObject(u.arguments()));
      return b;
    }
    if (p instanceof ContentPart.ToolResult r) {
      ObjectNode b = Json.object().put("type", "tool_result").put("tool_use_id", toolId(r.toolUseId()));
      JsonNode content = resultContent(r.content());
      if (content != null) {
        b.set("content", content);
      }
      if (r.isError()) {
        b.put("is_error", true);
      }
      return b;
    }
    if (p instanceof ContentPart.Thinking th) {
      // Thinking from another provider has no Anthropic signature, which Anthropic requires.
      if (th.signature() == null) {
        return null;
      }
      return Json.object()
          .put("type", "thinking")
          .put("thinking", th.text())
          .put("signature", th.signature());
    }
    if (p instanceof ContentPart.RedactedThinking rt) {
      return Json.object().put("type", "redacted_thinking").put("data", rt.data());
    }
    if (p instanceof ContentPart.Opaque o && o.protocol() == Protocol.ANTHROPIC) {
      return o.json().deepCopy();
    }
    return null;
  }

  private static ObjectNode image(ContentPart.Image img) {
    ObjectNode b = Json.object().put("type", "image");
    ObjectNode source = b.putObject("source");
    if (img.url() != null) {
      source.put("type", "url").put("url", img.url());
    } else {
      source
          .put("type", "base64")
          .put("media_type", img.mediaType() == null ? "image/png" : img.mediaType())
          .put("data", img.base64());
    }
    return b;
  }

  private static @Nullable JsonNode resultContent(List<ContentPart> parts) {
    if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text t) {
      return JsonNodeFactory.instance.textNode(t.text());
    }
    ArrayNode a = Json.array();
    for (ContentPart p : parts) {
      if (p instanceof ContentPart.Text
          || p instanceof ContentPart.Image
          || (p instanceof ContentPart.Opaque o && o.protocol() == Protocol.ANTHROPIC)) {
        ObjectNode b = block(p);
        if (b != null) {
          a.add(b);
        }
      }
    }
    return a.isEmpty() ? null : a;
  }

  /**
   * Anthropic tool ids must match {@code ^[a-zA-Z0-9_-]+$}; other servers' ids may not. The mapping
   * is deterministic, so a call and its result still match.
   */
  static String toolId(String id) {
    StringBuilder b = new StringBuilder(id.length());
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
              || c == '-';
      b.append(ok ? c : '_');
    }
    return b.length() == 0 ? "_" : b.toString();
  }
}
