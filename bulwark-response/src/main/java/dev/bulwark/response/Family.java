package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;

/**
 * A family of attacks: reports that intake found similar enough to patch together.
 *
 * @param id {@code fam-NNNN}
 * @param name a short name (the first report's title)
 * @param status where its response stands
 */
public record Family(String id, String name, Status status, Instant createdAt, Instant updatedAt) {
  public Family {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(status, "status");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(updatedAt, "updatedAt");
  }

  /** Where a family's response stands. */
  public enum Status {
    /** Reported; no release that blocks it is deployed. */
    OPEN,
    /** Only a prompt patch is deployed: the model is reminded, nothing blocks yet. */
    STOPGAP,
    /** A release that passed the gate on this family is deployed. */
    PATCHED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }
}
