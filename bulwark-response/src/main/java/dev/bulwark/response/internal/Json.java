package dev.bulwark.response.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.response.Exchange;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * JSON for bodies, events and files. Exchanges use the shape of the data files: {@code {"messages":
 * [{"role", "content"}...], "completion"}}, and {@code {"text": ...}} for a single user turn on input.
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /**
   * @throws IllegalArgumentException when the text is not JSON
   */
  public static JsonNode read(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static ObjectNode exchange(Exchange e) {
    ObjectNode n = object();
    ArrayNode messages = n.putArray("messages");
    for (Turn t : e.prompt()) {
      messages.addObject().put("role", t.role().name().toLowerCase(Locale.ROOT)).put("content", t.text());
    }
    if (e.completion() != null) {
      n.put("completion", e.completion());
    }
    return n;
  }

  /**
   * @throws IllegalArgumentException naming the field when the node is not an exchange
   */
  public static Exchange exchange(JsonNode n) {
    if (!n.isObject()) {
      throw new IllegalArgumentException("an exchange must be an object");
    }
    boolean hasText = n.has("text");
    boolean hasMessages = n.has("messages");
    if (hasText == hasMessages) {
      throw new IllegalArgumentException("an exchange has exactly one of 'text' and 'messages'");
    }
    List<Turn> turns = new ArrayList<>();
    if (hasText) {
      if (!n.get("text").isTextual() || n.get("text").asText().isBlank()) {
        throw new IllegalArgumentException("'text' must be a non-blank string");
      }
      turns.add(new Turn(Role.USER, n.get("text").asText()));
    } else {
      JsonNode ms = n.get("messages");
      if (!ms.isArray() || ms.isEmpty()) {
        throw new IllegalArgumentException("'messages' must be a non-empty list");
      }
      for (int i = 0; i < ms.size(); i++) {
        JsonNode m = ms.get(i);
        if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
          throw new IllegalArgumentException("messages[" + i + "] needs string 'role' and 'content'");
        }
        turns.add(new Turn(role(m.get("role").asText(), i), m.get("content").asText()));
      }
    }
    JsonNode c = n.get("completion");
    if (c != null && !c.isNull() && !c.isTextual()) {
      throw new IllegalArgumentException("'completion' must be a string");
    }
    return new Exchange(turns, c == null || c.isNull() ? null : c.asText());
  }

  public static ArrayNode exchanges(List<Exchange> exchanges) {
    ArrayNode a = array();
    exchanges.forEach(e -> a.add(exchange(e)));
    return a;
  }

  public static List<Exchange> exchanges(JsonNode a) {
    List<Exchange> out = new ArrayList<>();
    for (JsonNode n : a) {
      out.add(exchange(n));
    }
    return out;
  }

  public static ArrayNode categories(Set<Category> targets) {
    ArrayNode a = array();
    Category.ALL.stream().filter(targets::contains).forEach(c -> a.add(c.id()));
    return a;
  }

  public static Set<Category> categories(JsonNode a) {
    Set<Category> out = EnumSet.noneOf(Category.class);
    for (JsonNode n : a) {
      out.add(Category.byId(n.asText()).orElseThrow(() -> new IllegalArgumentException("unknown category " + n)));
    }
    return out;
  }

  private static Role role(String r, int index) {
    return switch (r) {
      case "system", "developer" -> Role.SYSTEM;
      case "user" -> Role.USER;
      case "assistant" -> Role.ASSISTANT;
      case "tool" -> Role.TOOL;
      default -> throw new IllegalArgumentException("messages[" + index + "].role '" + r + "' is not system, user, assistant or tool");
    };
  }
}
