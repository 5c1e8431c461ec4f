package dev.bulwark.core;

import static java.util.Objects.requireNonNull;

/**
 * Who is calling: the API key's public id, its organization and the tier the request runs under.
 * Never holds the key's secret.
 */
public record Principal(String keyId, String orgId, String tier) {
  public Principal {
    requireNonNull(keyId, "keyId");
    requireNonNull(orgId, "orgId");
    requireNonNull(tier, "tier");
  }
}
