package dev.bulwark.simulator.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.simulator.Fault;
import dev.bulwark.simulator.ScriptEntry;
import dev.bulwark.simulator.ScriptException;
import dev.bulwark.simulator.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Reads script files into {@link ScriptEntry}s. Strict: an unknown field, a value of the wrong type
 * or out of range stops loading with a {@link ScriptException} naming the line, the entry and the
 * field, because a typo that silently fell back to echo would make a trial or test quietly wrong.
 */
public final class ScriptParser {
  private static final Set<String> ENTRY_FIELDS =
      Set.of(
          "match",
          "regex",
          "text",
          "thinking",
          "tool_calls",
          "stop_reason",
          "ttft_ms",
          "tokens_per_second",
          "chunk_tokens",
          "usage",
          "status",
          "error_message",
          "fault");

  /** Stop reasons by their Anthropic names, plus OpenAI's {@code finish_reason} names. */
  private static final Map<String, StopReason> STOP_REASONS =
      Map.ofEntries(
          Map.entry("end_turn", StopReason.END_TURN),
          Map.entry("max_tokens", StopReason.MAX_TOKENS),
          Map.entry("stop_sequence", StopReason.STOP_SEQUENCE),
          Map.entry("tool_use", StopReason.TOOL_USE),
          Map.entry("refusal", StopReason.REFUSAL),
          Map.entry("pause_turn", StopReason.PAUSE_TURN),
          Map.entry("stop", StopReason.END_TURN),
          Map.entry("length", StopReason.MAX_TOKENS),
          Map.entry("tool_calls", StopReason.TOOL_USE),
          Map.entry("content_filter", StopReason.REFUSAL));

  private ScriptParser() {}

  /** Parses a YAML document of the form {@code responses: [entry, ...]}. */
  public static List<ScriptEntry> parseYaml(String text, String source) throws ScriptException {
    List<ScriptEntry> entries = new ArrayList<>();
    try (JsonParser p = Json.YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new ScriptException(
            source, 0, -1, null, "the script is empty; expected 'responses:'");
      }
      if (t != JsonToken.START_OBJECT) {
        throw new ScriptException(
            source,
            line(p),
            -1,
            null,
            "expected a mapping with 'responses:', found " + describe(t));
      }
      boolean sawResponses = false;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        int keyLine = line(p);
        if (!"responses".equals(name)) {
          throw new ScriptException(
              source, keyLine, -1, name, "unknown top-level field; the only one is 'responses'");
        }
        sawResponses = true;
        t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
          continue; // "responses:" with nothing under it: no entries.
        }
        if (t != JsonToken.START_ARRAY) {
          throw new ScriptException(
              source, line(p), -1, "responses", "must be a list of entries, found " + describe(t));
        }
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          int index = entries.size();
          int entryLine = line(p);
          JsonNode node = p.readValueAsTree();
          entries.add(parseEntry(node, source, entryLine, index));
        }
      }
      if (!sawResponses) {
        throw new ScriptException(
            source, line(p), -1, null, "expected a mapping with 'responses:'");
      }
      if (p.nextToken() != null) {
        throw new ScriptException(source, line(p), -1, null, "only one YAML document is allowed");
      }
    } catch (JsonProcessingException e) {
      throw syntax(source, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // Reading a String does no I/O.
    }
    return entries;
  }

  /** Parses JSON lines: one entry object per line; blank lines and {@code #} comments skipped. */
  public static List<ScriptEntry> parseJsonl(String text, String source) throws ScriptException {
    List<ScriptEntry> entries = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int lineNo = i + 1;
      JsonNode node;
      try {
        node = Json.STRICT.readTree(line);
      } catch (JsonProcessingException e) {
        throw new ScriptException(
            source, lineNo, entries.size(), null, "not valid JSON: " + e.getOriginalMessage());
      }
      entries.add(parseEntry(node, source, lineNo, entries.size()));
    }
    return entries;
  }

  private static ScriptEntry parseEntry(JsonNode node, String source, int line, int index)
      throws ScriptException {
    FieldReader r = new FieldReader(source, line, index);
    if (!node.isObject()) {
      throw r.fail(null, "an entry must be a mapping of fields, found " + nodeType(node));
    }
    ScriptEntry.Builder b = ScriptEntry.builder();
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      String name = f.getKey();
      JsonNode v = f.getValue();
      switch (name) {
        case "match" -> r.apply(name, () -> b.match(r.string(name, v)));
        case "regex" -> {
          String pattern = r.string(name, v);
          try {
            b.regex(pattern);
          } catch (PatternSyntaxException e) {
            throw r.fail(name, "not a valid regular expression: " + e.getDescription());
          } catch (IllegalArgumentException | IllegalStateException e) {
            throw r.fail(name, e.getMessage());
          }
        }
        case "text" -> r.apply(name, () -> b.text(r.string(name, v)));
        case "thinking" -> r.apply(name, () -> b.thinking(r.string(name, v)));
        case "tool_calls" -> readToolCalls(r, v, b);
        case "stop_reason" -> {
          String s = r.string(name, v).toLowerCase(Locale.ROOT);
          StopReason reason = STOP_REASONS.get(s);
          if (reason == null) {
            throw r.fail(
                name,
                "unknown stop reason '"
                    + s
                    + "'; expected end_turn, max_tokens, stop_sequence,"
                    + " tool_use, refusal or pause_turn (or OpenAI's stop, length, tool_calls,"
                    + " content_filter)");
          }
          b.stopReason(reason);
        }
        case "ttft_ms" -> {
          long ms = r.nonNegativeLong(name, v);
          r.apply(name, () -> b.ttft(Duration.ofMillis(ms)));
        }
        case "tokens_per_second" -> {
          if (!v.isNumber()) {
            throw r.fail(name, "must be a number >= 0, was " + nodeType(v));
          }
          r.apply(name, () -> b.tokensPerSecond(v.doubleValue()));
        }
        case "chunk_tokens" -> {
          long n = r.nonNegativeLong(name, v);
          if (n < 1 || n > Integer.MAX_VALUE) {
            throw r.fail(name, "must be an integer >= 1, was " + v);
          }
          b.chunkTokens((int) n);
        }
        case "usage" -> readUsage(r, v, b);
        case "status" -> {
          if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw r.fail(name, "must be an HTTP error status, 400-599, was " + describe(v));
          }
          r.apply(name, () -> b.status(v.intValue()));
        }
        case "error_message" -> r.apply(name, () -> b.errorMessage(r.string(name, v)));
        case "fault" -> readFault(r, v, b);
        default ->
            throw r.fail(
                name, "unknown field; known fields are " + String.join(", ", sorted(ENTRY_FIELDS)));
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw r.fail(null, yamlNames(e.getMessage()));
    }
  }

  private static void readToolCalls(FieldReader r, JsonNode v, ScriptEntry.Builder b)
      throws ScriptException {
    if (!v.isArray()) {
      throw r.fail("tool_calls", "must be a list of {name, arguments}, was " + nodeType(v));
    }
    for (int i = 0; i < v.size(); i++) {
      String field = "tool_calls[" + i + "]";
      JsonNode call = v.get(i);
      if (!call.isObject()) {
        throw r.fail(field, "must be a mapping with name and arguments, was " + nodeType(call));
      }
      @Nullable String name = null;
      String arguments = "{}";
      for (Map.Entry<String, JsonNode> f : call.properties()) {
        String key = f.getKey();
        JsonNode value = f.getValue();
        switch (key) {
          case "name" -> name = r.string(field + ".name", value);
          case "arguments" -> {
            if (value.isContainerNode()) {
              arguments = Json.write(value);
            } else if (value.isTextual()) {
              String problem = Json.syntaxProblem(value.textValue());
              if (problem != null) {
                throw r.fail(field + ".arguments", "must be JSON text or a mapping: " + problem);
              }
              arguments = value.textValue();
            } else {
              throw r.fail(
                  field + ".arguments", "must be JSON text or a mapping, was " + nodeType(value));
            }
          }
          default ->
              throw r.fail(field + "." + key, "unknown field; known fields are arguments, name");
        }
      }
      if (name == null) {
        throw r.fail(field + ".name", "is required");
      }
      String n = name;
      String a = arguments;
      r.apply(field, () -> b.toolCall(new ToolCall(n, a)));
    }
  }

  private static void readUsage(FieldReader r, JsonNode v, ScriptEntry.Builder b)
      throws ScriptException {
    if (!v.isObject()) {
      throw r.fail(
          "usage", "must be a mapping with input_tokens and/or output_tokens, was " + nodeType(v));
    }
    for (Map.Entry<String, JsonNode> f : v.properties()) {
      String field = "usage." + f.getKey();
      long n = r.nonNegativeLong(field, f.getValue());
      if (n > Integer.MAX_VALUE) {
        throw r.fail(field, "is too large: " + n);
      }
      switch (f.getKey()) {
        case "input_tokens" -> b.inputTokens((int) n);
        case "output_tokens" -> b.outputTokens((int) n);
        default ->
            throw r.fail(field, "unknown field; known fields are input_tokens, output_tokens");
      }
    }
  }

  private static void readFault(FieldReader r, JsonNode v, ScriptEntry.Builder b)
      throws ScriptException {
    if (v.isTextual()) {
      switch (v.textValue()) {
        case "hang" -> b.fault(new Fault.Hang());
        case "malformed" -> b.fault(new Fault.Malformed());
        default ->
            throw r.fail(
                "fault",
                "unknown fault '"
                    + v.textValue()
                    + "'; expected hang, malformed, or a mapping with"
                    + " delay_ms and/or one of disconnect_after_tokens, stall_after_tokens, hang, malformed");
      }
      return;
    }
    if (!v.isObject()) {
      throw r.fail("fault", "must be hang, malformed or a mapping, was " + nodeType(v));
    }
    List<Fault> kinds = new ArrayList<>();
    for (Map.Entry<String, JsonNode> f : v.properties()) {
      String field = "fault." + f.getKey();
      JsonNode value = f.getValue();
      switch (f.getKey()) {
        case "delay_ms" -> {
          long ms = r.nonNegativeLong(field, value);
          r.apply(field, () -> b.delay(Duration.ofMillis(ms)));
        }
        case "disconnect_after_tokens" -> {
          long n = r.nonNegativeLong(field, value);
          if (n > Integer.MAX_VALUE) {
            throw r.fail(field, "is too large: " + n);
          }
          kinds.add(new Fault.Disconnect((int) n));
        }
        case "stall_after_tokens" -> {
          long n = r.nonNegativeLong(field, value);
          if (n > Integer.MAX_VALUE) {
            throw r.fail(field, "is too large: " + n);
          }
          kinds.add(new Fault.Stall((int) n));
        }
        case "hang" -> {
          if (r.bool(field, value)) {
            kinds.add(new Fault.Hang());
          }
        }
        case "malformed" -> {
          if (r.bool(field, value)) {
            kinds.add(new Fault.Malformed());
          }
        }
        default ->
            throw r.fail(
                field,
                "unknown field; known fields are delay_ms, disconnect_after_tokens,"
                    + " stall_after_tokens, hang, malformed");
      }
    }
    if (kinds.size() > 1) {
      throw r.fail("fault", "disconnect_after_tokens, stall_after_tokens, hang and malformed are exclusive");
    }
    if (kinds.size() == 1) {
      b.fault(kinds.get(0));
    }
  }

  /** Reads one entry's fields, turning builder complaints into messages that locate them. */
  private static final class FieldReader {
    private final String source;
    private final int line;
    private final int index;

    FieldReader(String source, int line, int index) {
      this.source = source;
      this.line = line;
      this.index = index;
    }

    ScriptException fail(@Nullable String field, @Nullable String problem) {
      return new ScriptException(source, line, index, field, problem == null ? "invalid" : problem);
    }

    void apply(String field, ThrowingAction action) throws ScriptException {
      try {
        action.run();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw fail(field, yamlNames(e.getMessage()));
      }
    }

    /** Any scalar as text, so that unquoted YAML such as {@code text: 42} still works. */
    String string(String field, JsonNode v) throws ScriptException {
      if (v.isTextual()) {
        return v.textValue();
      }
      if (v.isNumber() || v.isBoolean()) {
        return v.asText();
      }
      throw fail(field, "must be a string, was " + nodeType(v));
    }

    long nonNegativeLong(String field, JsonNode v) throws ScriptException {
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw fail(field, "must be an integer >= 0, was " + describe(v));
      }
      return v.longValue();
    }

    boolean bool(String field, JsonNode v) throws ScriptException {
      if (!v.isBoolean()) {
        throw fail(field, "must be true or false, was " + describe(v));
      }
      return v.booleanValue();
    }
  }

  @FunctionalInterface
  private interface ThrowingAction {
    void run() throws ScriptException;
  }

  /** Builder messages use Java names; script authors know the YAML ones. */
  private static String yamlNames(@Nullable String message) {
    if (message == null) {
      return "invalid";
    }
    return message
        .replace("errorMessage", "error_message")
        .replace("stopReason", "stop_reason")
        .replace("tokensPerSecond", "tokens_per_second")
        .replace("chunkTokens", "chunk_tokens")
        .replace("inputTokens", "input_tokens")
        .replace("outputTokens", "output_tokens")
        .replace("tool calls", "tool_calls")
        .replace("ttft must", "ttft_ms must")
        .replace("delay must", "delay_ms must");
  }

  private static ScriptException syntax(String source, JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    int line = loc == null ? 0 : Math.max(0, loc.getLineNr());
    return new ScriptException(source, line, -1, null, "not valid YAML: " + e.getOriginalMessage());
  }

  private static int line(JsonParser p) {
    return Math.max(0, p.currentTokenLocation().getLineNr());
  }

  private static String describe(@Nullable JsonToken t) {
    if (t == null) {
      return "the end of the file";
    }
    return switch (t) {
      case START_OBJECT -> "a mapping";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "nothing (null)";
      default -> t.toString();
    };
  }

  private static String describe(JsonNode v) {
    return v.isValueNode() && !v.isNull() ? "'" + v.asText() + "'" : nodeType(v);
  }

  private static String nodeType(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isTextual()) {
      return "a string";
    }
    if (v.isNumber()) {
      return "a number";
    }
    if (v.isBoolean()) {
      return "a boolean";
    }
    if (v.isNull() || v.isMissingNode()) {
      return "nothing (null)";
    }
    return v.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  private static List<String> sorted(Set<String> names) {
    List<String> l = new ArrayList<>(names);
    l.sort(null);
    return l;
  }
}
