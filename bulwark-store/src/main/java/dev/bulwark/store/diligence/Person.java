package dev.bulwark.store.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.Organization;
import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * Someone who acts on the admin plane: an operator's admin, reviewer or analyst, or a partner's
 * contact. The organization matters: nobody reviews an application of their own organization.
 *
 * @param id generated, e.g. {@code per_...}
 * @param orgId the organization they belong to
 * @param name a display name
 * @param roles at least one
 * @param createdAt when they were added
 */
public record Person(String id, String orgId, String name, Set<Role> roles, Instant createdAt) {
  public Person {
    requireNonNull(id, "id");
    requireNonNull(orgId, "orgId");
    requireNonNull(name, "name");
    requireNonNull(roles, "roles");
    requireNonNull(createdAt, "createdAt");
    Ids.id("person.id", id);
    Checks.matches("person.org", orgId, Organization.ID);
    name = Ids.text("person.name", name, 200);
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("person.roles: at least one role is required");
    }
    roles = Set.copyOf(EnumSet.copyOf(roles));
    createdAt = Micros.truncate("person.createdAt", createdAt);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
