package dev.bulwark.store.diligence;

import java.util.Optional;

/** What a person may do on the admin plane. A person may hold several roles. */
public enum Role {
  /** Manages organizations, people and credentials; may review and revoke. */
  ADMIN,
  /** Assesses partner applications. */
  REVIEWER,
  /** Watches traffic: steps organizations down, restores them, revokes grants. */
  ANALYST,
  /** Speaks for a partner organization: submits its applications and reads their outcome. */
  PARTNER_CONTACT;

  /** The name in the database, JSON and the CLI: {@code admin}, {@code partner_contact}, ... */
  public String wireName() {
    return Wire.name(this);
  }

  /** The role named {@code text} (case and {@code -}/{@code _} insensitive), if any. */
  public static Optional<Role> parse(String text) {
    return Wire.parse(Role.class, text);
  }

  /** {@link #parse}, or an {@link IllegalArgumentException} naming {@code field} and the choices. */
  public static Role require(String field, String text) {
    return Wire.require(Role.class, field, text);
  }
}
