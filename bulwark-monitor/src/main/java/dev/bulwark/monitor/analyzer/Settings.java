package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's {@code settings} mapping, read field by field: each getter checks its value and throws an
 * {@link IllegalArgumentException} naming the field ({@code settings.threshold: must be between 0
 * and 1, was 2}), so a typo stops the load instead of falling back to a default.
 */
public final class Settings {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final String path;
  private final JsonNode node;

  private Settings(String path, JsonNode node) {
    this.path = path;
    this.node = node;
  }

  /** The settings in {@code node} (null or missing reads as empty), reported under {@code path}. */
  public static Settings of(String path, JsonNode node) {
    requireNonNull(path, "path");
    if (node == null || node.isNull() || node.isMissingNode()) {
      return new Settings(path, JsonNodeFactory.instance.objectNode());
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(path + ": must be a mapping");
    }
    return new Settings(path, node);
  }

  /** Empty settings. */
  public static Settings empty() {
    return of("settings", JsonNodeFactory.instance.objectNode());
  }

  /** The raw tree, for analyzers with structured settings. */
  public JsonNode node() {
    return node;
  }

  public String path() {
    return path;
  }

  /** The path of one field, for messages. */
  public String field(String key) {
    return path + "." + key;
  }

  /** Refuses any key not in {@code allowed}. */
  public Settings allow(String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!ok.contains(k)) {
        throw new IllegalArgumentException(field(k) + ": unknown setting; allowed: "
            + String.join(", ", new TreeSet<>(Arrays.asList(allowed))));
      }
    }
    return this;
  }

  public boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  public double number(String key, double fallback, double min, double max) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
      throw new IllegalArgumentException(
          field(key) + ": must be a number between " + min + " and " + max + ", was " + v);
    }
    return v.asDouble();
  }

  public int integer(String key, int fallback, int min, int max) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw new IllegalArgumentException(
          field(key) + ": must be a whole number between " + min + " and " + max + ", was " + v);
    }
    return v.asInt();
  }

  public boolean bool(String key, boolean fallback) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(field(key) + ": must be true or false, was " + v);
    }
    return v.asBoolean();
  }

  public String string(String key, String fallback) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field(key) + ": must be text, was " + v);
    }
    return v.asText();
  }

  /** One of {@code allowed}. */
  public String choice(String key, String fallback, String... allowed) {
    String s = string(key, fallback);
    if (!Arrays.asList(allowed).contains(s)) {
      throw new IllegalArgumentException(
          field(key) + ": must be one of " + String.join(", ", allowed) + ", was '" + s + "'");
    }
    return s;
  }

  /** A duration such as {@code 250ms}, {@code 10s}, {@code 5m}, {@code 24h}, {@code 7d}. */
  public Duration duration(String key, Duration fallback) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    return parseDuration(field(key), v.asText());
  }

  /** A list of strings; absent reads as empty. */
  public List<String> strings(String key) {
    JsonNode v = node.get(key);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field(key) + ": must be a list, was " + v);
    }
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new IllegalArgumentException(field(key) + ": items must be text, was " + item);
      }
      out.add(item.asText());
    }
    return out;
  }

  /** A list of mappings; absent reads as empty. */
  public List<Settings> list(String key) {
    JsonNode v = node.get(key);
    List<Settings> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(field(key) + ": must be a list, was " + v);
    }
    int i = 0;
    for (JsonNode item : v) {
      out.add(of(field(key) + "[" + i++ + "]", item));
    }
    return out;
  }

  /** Parses a duration, naming {@code path} in the error. */
  public static Duration parseDuration(String path, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          path + ": must be a duration such as 250ms, 10s, 5m, 24h or 7d, was '" + text + "'");
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

  @Override
  public String toString() {
    return path + "=" + node;
  }
}
