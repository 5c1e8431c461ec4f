package dev.bulwark.simulator.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/** The shared Jackson mappers (thread-safe once configured) and small JSON helpers. */
public final class Json {
  /** For JSON: request logs, stats, tool arguments. */
  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  /** For JSON-lines scripts: a repeated field is an error, not a silent overwrite. */
  static final ObjectMapper STRICT =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** For YAML scripts, as strict. */
  static final YAMLMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private Json() {}

  /** Why {@code text} is not one complete JSON value, or null if it is. */
  public static @Nullable String syntaxProblem(String text) {
    try (JsonParser p = MAPPER.createParser(text)) {
      if (p.nextToken() == null) {
        return "empty";
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        return "more than one JSON value";
      }
      return null;
    } catch (JsonProcessingException e) {
      return e.getOriginalMessage();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The compact JSON text of a tree. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree failed to serialize", e);
    }
  }

  /** Bytes of a tree. */
  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON value failed to serialize", e);
    }
  }

  /** Whether a token starts a scalar (text, number, boolean). */
  static boolean isScalar(@Nullable JsonToken t) {
    return t != null && t.isScalarValue() && t != JsonToken.VALUE_NULL;
  }
}
