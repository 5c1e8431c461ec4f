package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A YAML mapping being read, with its path, so that every error names the field. Unknown keys are
 * errors (a typo must not silently fall back to a default), reported with the allowed keys.
 */
final class Node {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final String path;
  private final JsonNode node;

  private Node(String path, JsonNode node) {
    this.path = path;
    this.node = node;
  }

  /** The document root, which must be a mapping (an empty document counts as an empty mapping). */
  static Node root(JsonNode node) throws ConfigException {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return new Node("", MissingNode.getInstance());
    }
    if (!node.isObject()) {
      throw new ConfigException("", "the configuration must be a YAML mapping of sections");
    }
    return new Node("", node);
  }

  String path() {
    return path;
  }

  String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  Set<String> keys() {
    Set<String> keys = new TreeSet<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  /** Fails on any key not in {@code allowed}. */
  Node allow(String... allowed) throws ConfigException {
    Set<String> ok = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!ok.contains(k)) {
        throw new ConfigException(child(k), "unknown field; allowed fields here: "
            + Arrays.stream(allowed).sorted().collect(Collectors.joining(", ")));
      }
    }
    return this;
  }

  /** A nested mapping; an absent or null one reads as empty. */
  Node object(String key) throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return new Node(child(key), MissingNode.getInstance());
    }
    if (!v.isObject()) {
      throw new ConfigException(child(key), "must be a mapping, was " + describe(v));
    }
    return new Node(child(key), v);
  }

  /** A mapping of names to mappings, in file order. */
  Map<String, Node> objects(String key) throws ConfigException {
    Node map = object(key);
    Map<String, Node> out = new LinkedHashMap<>();
    for (String k : orderedKeys(map.node)) {
      out.put(k, map.object(k));
    }
    return out;
  }

  /** A list of mappings. */
  List<Node> list(String key) throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new ConfigException(child(key), "must be a list, was " + describe(v));
    }
    List<Node> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      String p = child(key) + "[" + i + "]";
      if (!item.isObject()) {
        throw new ConfigException(p, "must be a mapping, was " + describe(item));
      }
      out.add(new Node(p, item));
    }
    return out;
  }

  /** A mapping of names to strings. */
  Map<String, String> stringMap(String key) throws ConfigException {
    Node map = object(key);
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : orderedKeys(map.node)) {
      out.put(k, map.requiredString(k));
    }
    return out;
  }

  Optional<String> string(String key) throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() && !v.isNumber() && !v.isBoolean()) {
      throw new ConfigException(child(key), "must be a string, was " + describe(v));
    }
    return Optional.of(v.asText());
  }

  String string(String key, String fallback) throws ConfigException {
    return string(key).orElse(fallback);
  }

  String requiredString(String key) throws ConfigException {
    Optional<String> s = string(key);
    if (s.isEmpty() || s.get().isBlank()) {
      throw new ConfigException(child(key), "is required");
    }
    return s.get();
  }

  int integer(String key, int fallback, int min, int max) throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.canConvertToInt() || !(v.isIntegralNumber() || isIntegerText(v))) {
      throw new ConfigException(child(key), "must be an integer in [" + min + ", " + max + "], was " + describe(v));
    }
    int i = v.isTextual() ? Integer.parseInt(v.asText().trim()) : v.asInt();
    if (i < min || i > max) {
      throw new ConfigException(child(key), "must be an integer in [" + min + ", " + max + "], was " + i);
    }
    return i;
  }

  double number(String key, double fallback, double min, double max) throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new ConfigException(child(key), "must be a number in [" + min + ", " + max + "], was " + describe(v));
    }
    double d = v.asDouble();
    if (!(d >= min && d <= max)) {
      throw new ConfigException(child(key), "must be a number in [" + min + ", " + max + "], was " + d);
    }
    return d;
  }

  boolean bool(String key, boolean fallback) throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new ConfigException(child(key), "must be true or false, was " + describe(v));
    }
    return v.asBoolean();
  }

  Duration duration(String key, Duration fallback) throws ConfigException {
    Optional<String> s = string(key);
    if (s.isEmpty()) {
      return fallback;
    }
    return parseDuration(child(key), s.get());
  }

  /** An enum value, written in lower case in the file. */
  <E extends Enum<E>> E enumeration(String key, Class<E> type, E fallback) throws ConfigException {
    Optional<String> s = string(key);
    if (s.isEmpty()) {
      return fallback;
    }
    String wanted = s.get().trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return e;
      }
    }
    throw new ConfigException(child(key), "must be one of "
        + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
        + ", was '" + s.get() + "'");
  }

  List<String> strings(String key) throws ConfigException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new ConfigException(child(key), "must be a list of strings, was " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw new ConfigException(child(key) + "[" + i + "]", "must be a string, was " + describe(v.get(i)));
      }
      out.add(v.get(i).asText());
    }
    return out;
  }

  /** Durations like {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 14d}. */
  static Duration parseDuration(String path, String text) throws ConfigException {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new ConfigException(path, "must be a duration such as 500ms, 5s, 2m, 1h or 14d, was '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static boolean isIntegerText(JsonNode v) {
    return v.isTextual() && v.asText().trim().matches("-?\\d{1,9}");
  }

  private static List<String> orderedKeys(JsonNode n) {
    List<String> keys = new ArrayList<>();
    n.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "'" + v.asText() + "'";
    }
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.toString();
  }

  @Override
  public String toString() {
    return requireNonNull(path);
  }
}
