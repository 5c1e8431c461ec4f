package dev.bulwark.store.diligence;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Enum values as they appear in the database, in JSON and on the command line: lower case. */
final class Wire {
  private Wire() {}

  static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E>> Optional<E> parse(Class<E> type, String text) {
    String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(wanted)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Parses or throws an {@link IllegalArgumentException} naming {@code field} and the choices. */
  static <E extends Enum<E>> E require(Class<E> type, String field, String text) {
    return parse(type, text).orElseThrow(() -> new IllegalArgumentException(
        field + ": must be one of "
            + Arrays.stream(type.getEnumConstants()).map(Wire::name).collect(Collectors.joining(", "))
            + ", was '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'"));
  }
}
