package dev.bulwark.admin.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A request's JSON object, read field by field so that every error names its field, and unknown
 * fields are refused (a misspelt {@code justifcation} must not pass as a missing one).
 */
final class JsonBody {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(s|m|h|d)");

  private final String path;
  private final JsonNode node;

  private JsonBody(String path, JsonNode node) {
    this.path = path;
    this.node = node;
  }

  /** The request's root object; {@code node} null or missing reads as an empty object. */
  static JsonBody root(@Nullable JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return new JsonBody("", MissingNode.getInstance());
    }
    if (!node.isObject()) {
      throw new ApiException(400, "invalid_json", "the request body must be a JSON object");
    }
    return new JsonBody("", node);
  }

  JsonBody allow(String... fields) {
    Set<String> ok = Set.of(fields);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ok.contains(f)) {
        throw ApiException.badRequest(name(f) + ": unknown field; allowed: " + String.join(", ", List.of(fields)));
      }
    }
    return this;
  }

  String required(String field) {
    String s = optional(field);
    if (s == null) {
      throw ApiException.badRequest(name(field) + ": is required");
    }
    return s;
  }

  /** A string field; null when absent or JSON null. Blank strings are returned as given. */
  @Nullable String optional(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(name(field) + ": must be a string");
    }
    return v.asText();
  }

  /** The object as sent (a missing body reads as an empty object). */
  JsonNode node() {
    return node.isMissingNode() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : node;
  }

  /** A field's value as sent, or null when absent or JSON null. */
  @Nullable JsonNode value(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  /** A list of strings; a single string counts as a list of one. */
  List<String> strings(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.badRequest(name(field) + ": is required (a list of strings)");
    }
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      out.add(v.asText());
      return out;
    }
    if (!v.isArray()) {
      throw ApiException.badRequest(name(field) + ": must be a list of strings");
    }
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw ApiException.badRequest(name(field) + ": must be a list of strings");
      }
      out.add(item.asText());
    }
    return out;
  }

  JsonBody object(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw ApiException.badRequest(name(field) + ": is required");
    }
    if (!v.isObject()) {
      throw ApiException.badRequest(name(field) + ": must be an object");
    }
    return new JsonBody(name(field), v);
  }

  /** A duration: whole seconds as a number, or text such as {@code 30s}, {@code 90m}, {@code 12h}, {@code 7d}. */
  @Nullable Duration duration(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    Duration d;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      d = Duration.ofSeconds(v.asLong());
    } else if (v.isTextual()) {
      Matcher m = DURATION.matcher(v.asText().trim());
      if (!m.matches()) {
        throw ApiException.badRequest(name(field) + ": must be a duration such as 30s, 90m, 12h or 7d, was '"
            + v.asText() + "'");
      }
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      throw ApiException.badRequest(name(field) + ": must be a duration such as 7d, or seconds");
    }
    if (d.isNegative() || d.isZero()) {
      throw ApiException.badRequest(name(field) + ": must be positive");
    }
    return d;
  }

  private String name(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
