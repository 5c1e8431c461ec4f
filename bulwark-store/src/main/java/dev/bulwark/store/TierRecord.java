package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A tier as stored: its name and its policy document, which the access module parses; the store
 * keeps it as opaque text.
 */
public record TierRecord(String name, String policy, Instant createdAt, Instant updatedAt) {
  /** The same shape as a core {@code Policy} name. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

  public TierRecord {
    requireNonNull(name, "name");
    requireNonNull(policy, "policy");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(updatedAt, "updatedAt");
    Checks.matches("tier.name", name, NAME);
    Checks.text("tier.policy", policy, 1_000_000);
    createdAt = Micros.truncate("tier.createdAt", createdAt);
    updatedAt = Micros.truncate("tier.updatedAt", updatedAt);
  }
}
