package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.ApiKeyRecord;

/**
 * A key just created: the only moment its full token exists outside the client's hands.
 *
 * @param token the full key to hand to the client, once
 * @param record what was stored (the secret's hash, never the secret)
 */
public record IssuedKey(String token, ApiKeyRecord record) {
  public IssuedKey {
    requireNonNull(token, "token");
    requireNonNull(record, "record");
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "IssuedKey{id=" + record.id() + ", token=<masked>}";
  }
}
