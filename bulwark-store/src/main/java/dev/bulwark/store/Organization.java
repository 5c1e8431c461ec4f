package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Instant;
import java.util.regex.Pattern;

/** A customer organization; API keys belong to one. */
public record Organization(String id, String name, Instant createdAt) {
  /** Lower case so that ids compare the same on both databases and in URLs. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public Organization {
    requireNonNull(id, "id");
    requireNonNull(name, "name");
    requireNonNull(createdAt, "createdAt");
    Checks.matches("organization.id", id, ID);
    Checks.text("organization.name", name, 200);
    createdAt = Micros.truncate("organization.createdAt", createdAt);
  }
}
