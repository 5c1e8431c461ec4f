package dev.bulwark.protocol.openai;

import static dev.bulwark.protocol.internal.Fields.index;
import static dev.bulwark.protocol.internal.Fields.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.internal.Fields;
import dev.bulwark.protocol.internal.Json;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Message;
import dev.bulwark.protocol.model.MessageRole;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.ToolChoice;
import dev.bulwark.protocol.model.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Parses and encodes Chat Completions request bodies; see {@link OpenAiCodec} for the mapping. */
final class OpenAiRequests {
  /** Top-level fields read into the canonical model; every other field goes to {@code extra}. */
  static final Set<String> KNOWN_FIELDS =
      Set.of(
          "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n",
          "stop", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls");

  private static final String ROLES = "system, developer, user, assistant, tool";
  private static final String USER_PARTS = "text, image_url, input_audio, file";

  private OpenAiRequests() {}

  // ---------------------------------------------------------------- parsing

  static ChatRequest parse(byte[] body) throws ProtocolException {
    ObjectNode root = Fields.body(body);
    String model = Fields.requireNonEmptyString(root, "model", "");
    ArrayNode rawMessages = Fields.requireNonEmptyArray(root, "messages", "");

    List<ContentPart> system = new ArrayList<>();
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < rawMessages.size(); i++) {
      String p = index("messages", i);
      ObjectNode m = Fields.object(rawMessages.get(i), p);
      String role = Fields.requireString(m, "role", p);
      String name = Fields.optString(m, "name", p);
      switch (role) {
        case "system", "developer" -> {
          List<ContentPart> parts = textContent(m, p);
          // Leading instructions are the system prompt; later ones keep their place in the
          // conversation (the Anthropic encoder folds them into its system prompt).
          if (messages.isEmpty()) {
            system.addAll(parts);
          } else {
            messages.add(new Message(MessageRole.SYSTEM, parts, name));
          }
        }
        case "user" -> messages.add(new Message(MessageRole.USER, userContent(m, p), name));
        case "assistant" -> messages.add(assistant(m, p, name));
        case "tool" -> messages.add(tool(m, p));
        default -> throw ProtocolException.invalid(
            path(p, "role"), path(p, "role") + " must be one of: " + ROLES);
      }
    }

    Integer maxTokens =
        Fields.optInt(root, "max_completion_tokens", "", 1, Integer.MAX_VALUE);
    Integer legacyMax = Fields.optInt(root, "max_tokens", "", 1, Integer.MAX_VALUE);
    if (maxTokens == null) {
      maxTokens = legacyMax;
    }
    Double temperature = Fields.optNumber(root, "temperature", "", 0, 2);
    Double topP = Fields.optNumber(root, "top_p", "", 0, 1);
    Integer n = Fields.optInt(root, "n", "", 1, 128);
    List<String> stop = stop(root);
    Boolean stream = Fields.optBoolean(root, "stream", "");
    boolean includeUsage = false;
    ObjectNode streamOptions = Fields.optObject(root, "stream_options", "");
    if (streamOptions != null) {
      includeUsage =
          Boolean.TRUE.equals(Fields.optBoolean(streamOptions, "include_usage", "stream_options"));
    }
    List<ToolDefinition> tools = tools(root);
    Boolean parallel = Fields.optBoolean(root, "parallel_tool_calls", "");
    ToolChoice toolChoice = toolChoice(root, Boolean.FALSE.equals(parallel));

    ObjectNode extra = Json.object();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!KNOWN_FIELDS.contains(e.getKey())) {
        extra.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return new ChatRequest(
        Protocol.OPENAI, model, system, messages, tools, toolChoice, maxTokens, temperature, topP,
        stop, Boolean.TRUE.equals(stream), n == null ? 1 : n, includeUsage, null, extra);
  }

  /** System, developer and tool content: a string or an array of text parts. */
  private static List<ContentPart> textContent(ObjectNode m, String p) throws ProtocolException {
    String cp = path(p, "content");
    JsonNode content = Fields.opt(m, "content");
    if (content == null) {
      throw ProtocolException.invalid(cp, cp + " is required");
    }
    if (content.isTextual()) {
      return List.of(new ContentPart.Text(content.asText()));
    }
    if (!content.isArray()) {
      throw ProtocolException.invalid(cp, cp + " must be a string or an array of text parts");
    }
    List<ContentPart> parts = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      String pp = index(cp, j);
      ObjectNode part = Fields.object(content.get(j), pp);
      String type = Fields.requireString(part, "type", pp);
      if (!type.equals("text")) {
        throw ProtocolException.invalid(path(pp, "type"), path(pp, "type") + " must be \"text\"");
      }
      parts.add(new ContentPart.Text(Fields.requireString(part, "text", pp)));
    }
    return parts;
  }

  private static List<ContentPart> userContent(ObjectNode m, String p) throws ProtocolException {
    String cp = path(p, "content");
    JsonNode content = Fields.opt(m, "content");
    if (content == null) {
      throw ProtocolException.invalid(cp, cp + " is required");
    }
    if (content.isTextual()) {
      return List.of(new ContentPart.Text(content.asText()));
    }
    if (!content.isArray()) {
      throw ProtocolException.invalid(cp, cp + " must be a string or an array of content parts");
    }
    List<ContentPart> parts = new ArrayList<>();
    for (int j = 0; j < content.size(); j++) {
      String pp = index(cp, j);
      ObjectNode part = Fields.object(content.get(j), pp);
      String type = Fields.requireString(part, "type", pp);
      switch (type) {
        case "text" -> parts.add(new ContentPart.Text(Fields.requireString(part, "text", pp)));
        case "image_url" -> parts.add(image(part, pp));
        // Audio and files have no canonical form: kept as JSON for an OpenAI upstream.
        case "input_audio", "file" -> parts.add(new ContentPart.Opaque(Protocol.OPENAI, part));
        default -> throw ProtocolException.invalid(
            path(pp, "type"), path(pp, "type") + " must be one of: " + USER_PARTS);
      }
    }
    return parts;
  }

  private static ContentPart.Image image(ObjectNode part, String pp) throws ProtocolException {
    ObjectNode imageUrl = Fields.requireObject(part, "image_url", pp);
    String up = path(pp, "image_url");
    String url = Fields.requireString(imageUrl, "url", up);
    ContentPart.Image parsed = DataUrls.parseImage(url);
    if (parsed == null) {
      String q = path(up, "url");
      throw ProtocolException.invalid(q, q + " must be an http(s) URL or a base64 data URL");
    }
    return parsed;
  }

  private static Message assistant(ObjectNode m, String p, @Nullable String name)
      throws ProtocolException {
    List<ContentPart> parts = new ArrayList<>();
    String reasoning = Fields.optString(m, "reasoning_content", p);
    if (reasoning != null && !reasoning.isEmpty()) {
      parts.add(new ContentPart.Thinking(reasoning, null));
    }
    ArrayNode toolCalls = Fields.optArray(m, "tool_calls", p);
    String cp = path(p, "content");
    JsonNode content = Fields.opt(m, "content");
    if (content != null) {
      if (content.isTextual()) {
        // An empty string beside tool calls is the usual "no text"; alone it is kept, as sent.
        if (!content.asText().isEmpty() || toolCalls == null || toolCalls.isEmpty()) {
          parts.add(new ContentPart.Text(content.asText()));
        }
      } else if (content.isArray()) {
        for (int j = 0; j < content.size(); j++) {
          String pp = index(cp, j);
          ObjectNode part = Fields.object(content.get(j), pp);
          String type = Fields.requireString(part, "type", pp);
          switch (type) {
            case "text" -> parts.add(new ContentPart.Text(Fields.requireString(part, "text", pp)));
            case "refusal" -> parts.add(
                new ContentPart.Text(Fields.requireString(part, "refusal", pp)));
            default -> throw ProtocolException.invalid(
                path(pp, "type"), path(pp, "type") + " must be one of: text, refusal");
          }
        }
      } else {
        throw ProtocolException.invalid(cp, cp + " must be a string or an array of content parts");
      }
    }
    String refusal = Fields.optString(m, "refusal", p);
    if (refusal != null && !refusal.isEmpty()) {
      parts.add(new ContentPart.Text(refusal));
    }
    if (toolCalls != null) {
      String tp = path(p, "tool_calls");
      for (int j = 0; j < toolCalls.size(); j++) {
        String cp2 = index(tp, j);
        ObjectNode call = Fields.object(toolCalls.get(j), cp2);
        String id = Fields.requireNonEmptyString(call, "id", cp2);
        String type = Fields.optString(call, "type", cp2);
        if (type != null && !type.equals("function")) {
          throw ProtocolException.invalid(
              path(cp2, "type"), path(cp2, "type") + " must be \"function\"");
        }
        ObjectNode fn = Fields.requireObject(call, "function", cp2);
        String fp = path(cp2, "function");
        String fnName = Fields.requireNonEmptyString(fn, "name", fp);
        String args = Fields.optString(fn, "arguments", fp);
        parts.add(new ContentPart.ToolUse(id, fnName, args == null ? "" : args));
      }
    }
    return new Message(MessageRole.ASSISTANT, parts, name);
  }

  private static Message tool(ObjectNode m, String p) throws ProtocolException {
    String id = Fields.requireNonEmptyString(m, "tool_call_id", p);
    List<ContentPart> content = textContent(m, p);
    return new Message(
        MessageRole.TOOL, List.of(new ContentPart.ToolResult(id, content, false)), null);
  }

  private static List<String> stop(ObjectNode root) throws ProtocolException {
    JsonNode stop = Fields.opt(root, "stop");
    if (stop == null) {
      return List.of();
    }
    if (stop.isTextual()) {
      return List.of(stop.asText());
    }
    if (!stop.isArray() || stop.size() > 4) {
      throw ProtocolException.invalid(
          "stop", "stop must be a string or an array of at most 4 strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < stop.size(); i++) {
      if (!stop.get(i).isTextual()) {
        throw ProtocolException.invalid(index("stop", i), index("stop", i) + " must be a string");
      }
      out.add(stop.get(i).asText());
    }
    return out;
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
      String type = Fields.requireString(t, "type", p);
      if (!type.equals("function")) {
        throw ProtocolException.invalid(path(p, "type"), path(p, "type") + " must be \"function\"");
      }
      ObjectNode fn = Fields.requireObject(t, "function", p);
      String fp = path(p, "function");
      String name = Fields.requireNonEmptyString(fn, "name", fp);
      String description = Fields.optString(fn, "description", fp);
      ObjectNode parameters = Fields.optObject(fn, "parameters", fp);
      Fields.optBoolean(fn, "strict", fp);
      out.add(
          new ToolDefinition(
              name, description, parameters == null ? emptySchema() : parameters.deepCopy()));
    }
    return out;
  }

  /** OpenAI: "omitting parameters defines a function with an empty parameter list". */
  static ObjectNode emptySchema() {
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    schema.putObject("properties");
    return schema;
  }

  private static @Nullable ToolChoice toolChoice(ObjectNode root, boolean disableParallel)
      throws ProtocolException {
    JsonNode tc = Fields.opt(root, "tool_choice");
    if (tc == null) {
      return disableParallel ? new ToolChoice(ToolChoice.Mode.AUTO, null, true) : null;
    }
    String expected =
        "tool_choice must be \"none\", \"auto\", \"required\" or"
            + " {\"type\": \"function\", \"function\": {\"name\": ...}}";
    if (tc.isTextual()) {
      ToolChoice.Mode mode =
          switch (tc.asText()) {
            case "none" -> ToolChoice.Mode.NONE;
            case "auto" -> ToolChoice.Mode.AUTO;
            case "required" -> ToolChoice.Mode.ANY;
            default -> throw ProtocolException.invalid("tool_choice", expected);
          };
      return new ToolChoice(mode, null, disableParallel);
    }
    if (!tc.isObject() || !"function".equals(Json.text(tc, "type"))) {
      throw ProtocolException.invalid("tool_choice", expected);
    }
    ObjectNode fn = Fields.requireObject(tc, "function", "tool_choice");
    String name = Fields.requireNonEmptyString(fn, "name", "tool_choice.function");
    return new ToolChoice(ToolChoice.Mode.TOOL, name, disableParallel);
  }

  // ---------------------------------------------------------------- encoding

  static ObjectNode encode(ChatRequest r) {
    ObjectNode o = Json.object();
    o.put("model", r.model());
    ArrayNode messages = o.putArray("messages");
    for (ContentPart part : r.system()) {
      if (part instanceof ContentPart.Text t) {
        messages.addObject().put("role", "system").put("content", t.text());
      }
    }
    for (Message m : r.messages()) {
      encodeMessage(m, messages);
    }
    if (r.maxTokens() != null) {
      // The current name; the older max_tokens is refused by OpenAI's reasoning models.
      o.put("max_completion_tokens", r.maxTokens());
    }
    if (r.temperature() != null) {
      o.put("temperature", r.temperature());
    }
    if (r.topP() != null) {
      o.put("top_p", r.topP());
    }
    if (r.n() > 1) {
      o.put("n", r.n());
    }
    if (!r.stop().isEmpty()) {
      ArrayNode stop = o.putArray("stop");
      r.stop().forEach(stop::add);
    }
    if (r.stream()) {
      o.put("stream", true);
      // The gateway always needs token counts; what the client sees is its encoder's business.
      o.putObject("stream_options").put("include_usage", true);
    }
    if (!r.tools().isEmpty()) {
      ArrayNode tools = o.putArray("tools");
      for (ToolDefinition t : r.tools()) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", t.name());
        if (t.description() != null) {
          fn.put("description", t.description());
        }
        fn.set("parameters", t.inputSchema().deepCopy());
      }
      ToolChoice tc = r.toolChoice();
      if (tc != null) {
        switch (tc.mode()) {
          case AUTO -> o.put("tool_choice", "auto");
          case NONE -> o.put("tool_choice", "none");
          case ANY -> o.put("tool_choice", "required");
          case TOOL -> o.putObject("tool_choice")
              .put("type", "function")
              .putObject("function")
              .put("name", tc.toolName());
        }
        if (tc.disableParallel()) {
          o.put("parallel_tool_calls", false);
        }
      }
    }
    if (r.source() == Protocol.OPENAI) {
      for (Map.Entry<String, JsonNode> e : r.extra().properties()) {
        if (!o.has(e.getKey()) && !KNOWN_FIELDS.contains(e.getKey())) {
          o.set(e.getKey(), e.getValue().deepCopy());
        }
      }
    }
    return o;
  }

  private static void encodeMessage(Message m, ArrayNode out) {
    // Tool results become tool messages wherever they sit, ahead of the rest of the message.
    for (ContentPart part : m.content()) {
      if (part instanceof ContentPart.ToolResult r) {
        ObjectNode t = out.addObject().put("role", "tool").put("tool_call_id", r.toolUseId());
        t.set("content", textOnly(r.content()));
      }
    }
    switch (m.role()) {
      case TOOL -> {
        // Only tool results, written above.
      }
      case SYSTEM -> {
        ObjectNode s = out.addObject().put("role", "system");
        s.set("content", textOnly(m.content()));
        putName(s, m);
      }
      case USER -> {
        if (m.content().stream().allMatch(p -> p instanceof ContentPart.ToolResult)) {
          return;
        }
        ObjectNode u = out.addObject().put("role", "user");
        u.set("content", userContent(m.content()));
        putName(u, m);
      }
      case ASSISTANT -> out.add(assistant(m));
    }
  }

  private static void putName(ObjectNode o, Message m) {
    if (m.name() != null) {
      o.put("name", m.name());
    }
  }

  /** A single text as a string, several as text parts; non-text parts are dropped. */
  private static JsonNode textOnly(List<ContentPart> parts) {
    List<String> texts = new ArrayList<>();
    for (ContentPart p : parts) {
      if (p instanceof ContentPart.Text t) {
        texts.add(t.text());
      }
    }
    if (texts.size() == 1) {
      return Json.mapper().getNodeFactory().textNode(texts.get(0));
    }
    if (texts.isEmpty()) {
      return Json.mapper().getNodeFactory().textNode("");
    }
    ArrayNode a = Json.array();
    texts.forEach(t -> a.addObject().put("type", "text").put("text", t));
    return a;
  }

  private static JsonNode userContent(List<ContentPart> parts) {
    List<ContentPart> kept = new ArrayList<>();
    for (ContentPart p : parts) {
      if (p instanceof ContentPart.Text
          || p instanceof ContentPart.Image
          || (p instanceof ContentPart.Opaque o && o.protocol() == Protocol.OPENAI)) {
        kept.add(p);
      }
    }
    if (kept.size() == 1 && kept.get(0) instanceof ContentPart.Text t) {
      return Json.mapper().getNodeFactory().textNode(t.text());
    }
    if (kept.isEmpty()) {
      return Json.mapper().getNodeFactory().textNode("");
    }
    ArrayNode a = Json.array();
    for (ContentPart p : kept) {
      if (p instanceof ContentPart.Text t) {
        a.addObject().put("type", "text").put("text", t.text());
      } else if (p instanceof ContentPart.Image img) {
        a.addObject()
            .put("type", "image_url")
            .putObject("image_url")
            .put("url", DataUrls.toUrl(img));
      } else if (p instanceof ContentPart.Opaque o) {
        a.add(o.json().deepCopy());
      }
    }
    return a;
  }

  private static ObjectNode assistant(Message m) {
    ObjectNode a = Json.object().put("role", "assistant");
    List<ContentPart.Text> texts = new ArrayList<>();
    ArrayNode calls = Json.array();
    for (ContentPart p : m.content()) {
      if (p instanceof ContentPart.Text t) {
        texts.add(t);
      } else if (p instanceof ContentPart.ToolUse u) {
        ObjectNode call = calls.addObject().put("id", u.id()).put("type", "function");
        call.putObject("function").put("name", u.name()).put("arguments", u.arguments());
      }
      // Thinking, redacted thinking and images are not sent back to an OpenAI upstream.
    }
    if (texts.size() == 1) {
      a.put("content", texts.get(0).text());
    } else if (texts.size() > 1) {
      ArrayNode c = a.putArray("content");
      texts.forEach(t -> c.addObject().put("type", "text").put("text", t.text()));
    } else if (calls.isEmpty()) {
      a.put("content", "");
    } else {
      a.putNull("content");
    }
    if (!calls.isEmpty()) {
      a.set("tool_calls", calls);
    }
    putName(a, m);
    return a;
  }
}
