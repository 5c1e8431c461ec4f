package dev.bulwark.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Validating readers for request fields. Each names the JSON path of the field it rejects (e.g.
 * {@code messages[1].content}) and says what was expected; none echoes the value, which may be a
 * user's content. JSON null is treated as absent, as both APIs do for optional fields.
 */
public final class Fields {
  private Fields() {}

  /** {@code parent.field}, or {@code field} at the top level. */
  public static String path(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  /** {@code parent[index]}. */
  public static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** Parses a request body that must be one JSON object. */
  public static ObjectNode body(byte[] body) throws ProtocolException {
    JsonNode root = Json.tryRead(body);
    if (root == null || !root.isObject()) {
      throw new ProtocolException(
          ErrorKind.INVALID_REQUEST, null, "request body must be a JSON object");
    }
    return (ObjectNode) root;
  }

  /** The field, or null when it is missing or JSON null. */
  public static @Nullable JsonNode opt(JsonNode obj, String field) {
    JsonNode v = obj.get(field);
    return Json.absent(v) ? null : v;
  }

  public static ObjectNode object(JsonNode node, String path) throws ProtocolException {
    if (!node.isObject()) {
      throw ProtocolException.invalid(path, path + " must be an object");
    }
    return (ObjectNode) node;
  }

  public static ObjectNode requireObject(JsonNode obj, String field, String parent)
      throws ProtocolException {
    String p = path(parent, field);
    JsonNode v = opt(obj, field);
    if (v == null) {
      throw ProtocolException.invalid(p, p + " is required");
    }
    return object(v, p);
  }

  public static @Nullable ObjectNode optObject(JsonNode obj, String field, String parent)
      throws ProtocolException {
    JsonNode v = opt(obj, field);
    return v == null ? null : object(v, path(parent, field));
  }

  public static String requireString(JsonNode obj, String field, String parent)
      throws ProtocolException {
    String p = path(parent, field);
    JsonNode v = opt(obj, field);
    if (v == null) {
      throw ProtocolException.invalid(p, p + " is required");
    }
    if (!v.isTextual()) {
      throw ProtocolException.invalid(p, p + " must be a string");
    }
    return v.asText();
  }

  public static String requireNonEmptyString(JsonNode obj, String field, String parent)
      throws ProtocolException {
    String s = requireString(obj, field, parent);
    if (s.isEmpty()) {
      String p = path(parent, field);
      throw ProtocolException.invalid(p, p + " must be a non-empty string");
    }
    return s;
  }

  public static @Nullable String optString(JsonNode obj, String field, String parent)
      throws ProtocolException {
    JsonNode v = opt(obj, field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      String p = path(parent, field);
      throw ProtocolException.invalid(p, p + " must be a string");
    }
    return v.asText();
  }

  public static ArrayNode array(JsonNode node, String path) throws ProtocolException {
    if (!node.isArray()) {
      throw ProtocolException.invalid(path, path + " must be an array");
    }
    return (ArrayNode) node;
  }

  public static ArrayNode requireNonEmptyArray(JsonNode obj, String field, String parent)
      throws ProtocolException {
    String p = path(parent, field);
    JsonNode v = opt(obj, field);
    if (v == null) {
      throw ProtocolException.invalid(p, p + " is required");
    }
    if (!v.isArray() || v.isEmpty()) {
      throw ProtocolException.invalid(p, p + " must be a non-empty array");
    }
    return (ArrayNode) v;
  }

  public static @Nullable ArrayNode optArray(JsonNode obj, String field, String parent)
      throws ProtocolException {
    JsonNode v = opt(obj, field);
    return v == null ? null : array(v, path(parent, field));
  }

  public static @Nullable Boolean optBoolean(JsonNode obj, String field, String parent)
      throws ProtocolException {
    JsonNode v = opt(obj, field);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      String p = path(parent, field);
      throw ProtocolException.invalid(p, p + " must be a boolean");
    }
    return v.asBoolean();
  }

  /** A number within {@code [min, max]}, or null when absent. */
  public static @Nullable Double optNumber(
      JsonNode obj, String field, String parent, double min, double max)
      throws ProtocolException {
    JsonNode v = opt(obj, field);
    if (v == null) {
      return null;
    }
    double d = v.isNumber() ? v.asDouble() : Double.NaN;
    if (!(d >= min && d <= max)) {
      String p = path(parent, field);
      throw ProtocolException.invalid(
          p, p + " must be a number between " + plain(min) + " and " + plain(max));
    }
    return d;
  }

  /** An integer within {@code [min, max]}, or null when absent. */
  public static @Nullable Integer optInt(
      JsonNode obj, String field, String parent, int min, int max) throws ProtocolException {
    JsonNode v = opt(obj, field);
    if (v == null) {
      return null;
    }
    if (!integral(v) || v.asDouble() < min || v.asDouble() > max) {
      String p = path(parent, field);
      throw ProtocolException.invalid(
          p,
          max == Integer.MAX_VALUE
              ? p + " must be an integer >= " + min
              : p + " must be an integer between " + min + " and " + max);
    }
    return v.asInt();
  }

  /** Accepts 5 and 5.0 (some clients serialize every number as a double), not 5.5. */
  private static boolean integral(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.canConvertToLong();
    }
    if (v.isFloatingPointNumber()) {
      double d = v.asDouble();
      return d == Math.rint(d) && !Double.isInfinite(d);
    }
    return false;
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
  }
}
