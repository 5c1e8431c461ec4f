package dev.bulwark.monitor.analyzer;

import java.util.Locale;
import java.util.Optional;

/** How serious a finding or an incident is, in increasing order. */
public enum Severity {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** The lower-case name used in files, tables and events. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Severity> parse(String name) {
    for (Severity s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The more severe of the two. */
  public Severity max(Severity other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
