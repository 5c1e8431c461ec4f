package dev.bulwark.response.review;

import java.util.Locale;

/** How urgent a review item is; each has its own SLA. Unknown values (another writer's) read as normal. */
public enum Priority {
  CRITICAL, HIGH, NORMAL, LOW;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The priority a stored value names; anything unknown is {@link #NORMAL}. */
  public static Priority parse(String s) {
    for (Priority p : values()) {
      if (p.wireName().equalsIgnoreCase(s.strip())) {
        return p;
      }
    }
    return NORMAL;
  }

  /** For ordering: critical first. */
  public int rank() {
    return ordinal();
  }
}
