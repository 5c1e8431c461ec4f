package dev.bulwark.protocol.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** The one JSON mapper of the module, and small tree helpers. Thread-safe. */
public final class Json {
  /**
   * Jackson's default cap on one string (20M chars) is below a large inline base64 image; the
   * gateway bounds the whole body before it reaches us, so the per-string cap only needs to stay out
   * of the way. Trailing tokens are refused so that {@code {}garbage} is not a valid body.
   */
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(256 << 20).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** Parses JSON, or returns null if the bytes are not one JSON value. */
  public static @Nullable JsonNode tryRead(byte[] body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /** Parses JSON text, or returns null if it is not one JSON value. */
  public static @Nullable JsonNode tryRead(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  /** Compact JSON text. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree of plain nodes always serializes; anything else is a bug.
      throw new UncheckedIOException(e);
    }
  }

  /** Compact JSON as UTF-8. */
  public static byte[] bytes(JsonNode node) {
    return write(node).getBytes(StandardCharsets.UTF_8);
  }

  /** The field's text if it is a JSON string, else null. */
  public static @Nullable String text(@Nullable JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** The field's value as an int if it is an integral number, else {@code fallback}. */
  public static int intValue(@Nullable JsonNode node, String field, int fallback) {
    if (node == null) {
      return fallback;
    }
    JsonNode v = node.get(field);
    return v != null && v.isIntegralNumber() && v.canConvertToInt() ? v.asInt() : fallback;
  }

  /** Whether the node is missing or JSON null. */
  public static boolean absent(@Nullable JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }
}
