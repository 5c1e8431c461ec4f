package dev.bulwark.store.internal;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Argument checks whose messages name the field, shared by the API records and the stores. */
public final class Checks {
  private static final int SHOWN = 80;

  private Checks() {}

  /** {@code value} itself, if it matches {@code pattern}. */
  public static String matches(String field, String value, Pattern pattern) {
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + ": must match " + pattern.pattern() + ", was '" + shown(value) + "'");
    }
    return value;
  }

  /** {@code value} itself, if it is 1 to {@code max} characters and storable on both databases. */
  public static String text(String field, String value, int max) {
    if (value.isEmpty() || value.length() > max) {
      throw new IllegalArgumentException(
          field + ": must be 1 to " + max + " characters, was " + value.length());
    }
    return storable(field, value);
  }

  /** {@link #text} for an optional value. */
  public static @Nullable String optionalText(String field, @Nullable String value, int max) {
    return value == null ? null : text(field, value, max);
  }

  /**
   * {@code value} itself, if it has no NUL character: PostgreSQL's TEXT cannot hold one, and
   * refusing it on both databases keeps them interchangeable (JSON escapes it as \u0000 anyway).
   */
  public static String storable(String field, String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(field + ": must not contain NUL (U+0000)");
    }
    return value;
  }

  private static String shown(String value) {
    return value.length() <= SHOWN ? value : value.substring(0, SHOWN) + "...";
  }
}
