package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An event as the log holds it: its place in the chain ({@code seq}), the hash of the event before
 * it ({@code prevHash}, 64 zeros for the first) and its own hash, all lower-case SHA-256 hex.
 */
public record StoredEvent(
    long seq,
    String type,
    @Nullable String requestId,
    @Nullable String keyId,
    @Nullable String orgId,
    Instant occurredAt,
    String body,
    String prevHash,
    String hash) {

  public StoredEvent {
    requireNonNull(type, "type");
    requireNonNull(occurredAt, "occurredAt");
    requireNonNull(body, "body");
    requireNonNull(prevHash, "prevHash");
    requireNonNull(hash, "hash");
  }
}
