package dev.bulwark.monitor.incident;

import java.util.Locale;
import java.util.Optional;

/** Where an incident stands. The first three are open (the monitor adds evidence to them). */
public enum IncidentStatus {
  OPEN,
  INVESTIGATING,
  CONTAINED,
  RESOLVED,
  FALSE_POSITIVE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isOpen() {
    return this == OPEN || this == INVESTIGATING || this == CONTAINED;
  }

  public static Optional<IncidentStatus> parse(String name) {
    for (IncidentStatus s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
