package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

import dev.bulwark.access.diligence.DiligenceRules;
import dev.bulwark.admin.AdminSettings;
import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.Role;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code admin} section: the admin API's listen address, and the due-diligence rules it
 * enforces.
 *
 * <pre>
 * admin:
 *   enabled: true
 *   listen: 127.0.0.1:8081
 *   due_diligence:
 *     approvals: 2                # distinct approving reviewers, at least 2
 *     role_approvals: {admin: 1}  # of which, per role they acted in
 *     max_grant: 14d
 *     application_ttl: 30d
 *     min_rating: moderate
 *     step_down_tiers: [standard]
 * </pre>
 *
 * @param enabled whether {@code serve} starts the admin API
 * @param listen where it listens
 * @param rules the due-diligence rules
 */
public record AdminConfig(boolean enabled, AdminSettings listen, DiligenceRules rules) {
  /** The section's defaults. */
  public static final AdminConfig DEFAULTS =
      new AdminConfig(true, AdminSettings.defaults(), DiligenceRules.DEFAULTS);

  public AdminConfig {
    requireNonNull(listen, "listen");
    requireNonNull(rules, "rules");
  }

  /** Reads the section; {@code tiers} are the configured tier names, which step-downs must use. */
  static AdminConfig parse(Node n, Set<String> tiers) throws ConfigException {
    n.allow("enabled", "listen", "due_diligence");
    boolean enabled = n.bool("enabled", true);
    AdminSettings listen;
    try {
      listen = AdminSettings.parse(n.string("listen", AdminSettings.DEFAULT_LISTEN));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(n.child("listen"), after("admin.listen: ", e.getMessage()));
    }
    Node dd = n.object("due_diligence")
        .allow("approvals", "role_approvals", "max_grant", "application_ttl", "min_rating", "step_down_tiers");
    DiligenceRules.Builder b = DiligenceRules.builder();
    try {
      b.approvals(dd.integer("approvals", 2, 2, 20));
      Node perRole = dd.object("role_approvals");
      for (String name : perRole.keys()) {
        Role role = Role.parse(name).orElseThrow(() -> new ConfigException(perRole.child(name),
            "unknown role; roles that review: admin, reviewer, analyst"));
        b.roleApprovals(role, perRole.integer(name, 1, 1, 20));
      }
      b.maxGrant(dd.duration("max_grant", Duration.ofDays(14)));
      b.applicationTtl(dd.duration("application_ttl", Duration.ofDays(30)));
      b.minimumRating(dd.enumeration("min_rating", Rating.class, Rating.MODERATE));
      if (dd.has("step_down_tiers")) {
        Set<String> stepDown = new LinkedHashSet<>(dd.strings("step_down_tiers"));
        for (String tier : stepDown) {
          if (!tiers.contains(tier)) {
            throw new ConfigException(dd.child("step_down_tiers"), "names tier '" + tier
                + "', which is not defined; defined tiers: " + String.join(", ", tiers));
          }
        }
        b.stepDownTiers(stepDown);
      }
      return new AdminConfig(enabled, listen, b.build());
    } catch (IllegalArgumentException e) {
      // The rules' builder names its fields as admin.due_diligence.<field> already.
      throw new ConfigException("", String.valueOf(e.getMessage()));
    }
  }

  private static String after(String prefix, String message) {
    return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : String.valueOf(message);
  }
}
