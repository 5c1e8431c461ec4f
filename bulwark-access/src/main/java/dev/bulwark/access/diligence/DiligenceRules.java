package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.Review;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The configurable part of the due-diligence process. Immutable; {@link Builder#build()} refuses a
 * bad setting with a message naming it (as {@code admin.due_diligence.<field>}).
 *
 * <p>An application is approved when at least {@link #approvals()} distinct reviewers approved it
 * and, for each role in {@link #roleApprovals()}, at least that many of them approved acting in that
 * role, and nobody denied it. One denial denies it. Fewer than two approvals are refused: a single
 * approver is not multi-party authorization.
 */
public final class DiligenceRules {
  /**
   * Two approvals, no per-role thresholds, 14-day grants, 30-day applications, moderate ratings,
   * step-downs to {@code standard} only.
   */
  public static final DiligenceRules DEFAULTS = builder().build();

  static final int MIN_APPROVALS = 2;
  static final int MAX_APPROVALS = 20;
  static final Duration MAX_MAX_GRANT = Duration.ofDays(366);

  private final int approvals;
  private final Map<Role, Integer> roleApprovals;
  private final Duration maxGrant;
  private final Duration applicationTtl;
  private final Rating minimumRating;
  private final Set<String> stepDownTiers;

  private DiligenceRules(Builder b) {
    this.approvals = b.approvals;
    this.roleApprovals = Map.copyOf(b.roleApprovals);
    this.maxGrant = b.maxGrant;
    this.applicationTtl = b.applicationTtl;
    this.minimumRating = b.minimumRating;
    this.stepDownTiers = Set.copyOf(b.stepDownTiers);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Distinct approving reviewers needed. */
  public int approvals() {
    return approvals;
  }

  /** Per role, the approving reviewers acting in that role needed (on top of {@link #approvals}). */
  public Map<Role, Integer> roleApprovals() {
    return roleApprovals;
  }

  /** The longest grant; longer requests are refused, and an approval never grants longer. */
  public Duration maxGrant() {
    return maxGrant;
  }

  /** How long an application may wait for its reviews. */
  public Duration applicationTtl() {
    return applicationTtl;
  }

  /** The weakest rating an approving review may give either criterion. */
  public Rating minimumRating() {
    return minimumRating;
  }

  /**
   * The tiers a step-down may put an organization on: the stricter ones. Tiers are not ordered, so
   * without this list an analyst (or a compromised monitor) could "step down" an organization onto
   * an adjusted tier and skip the due-diligence process.
   */
  public Set<String> stepDownTiers() {
    return stepDownTiers;
  }

  /** Counts {@code reviews} against these rules. */
  public Tally tally(List<Review> reviews) {
    int approving = 0;
    int denying = 0;
    Map<Role, Integer> byRole = new EnumMap<>(Role.class);
    for (Review r : reviews) {
      if (r.decision() == ReviewDecision.DENY) {
        denying++;
      } else {
        approving++;
        byRole.merge(r.actingRole(), 1, Integer::sum);
      }
    }
    return new Tally(approving, byRole, denying, approvals, roleApprovals);
  }

  @Override
  public String toString() {
    return "DiligenceRules{approvals=" + approvals + ", roleApprovals=" + roleApprovals
        + ", maxGrant=" + maxGrant + ", applicationTtl=" + applicationTtl + ", minimumRating="
        + minimumRating + ", stepDownTiers=" + new TreeSet<>(stepDownTiers) + "}";
  }

  /**
   * Where an application's votes stand.
   *
   * @param approvals distinct approving reviewers
   * @param approvalsByRole the same, by the role they acted in
   * @param denials denying reviewers
   * @param required approvals needed
   * @param requiredByRole approvals needed per role
   */
  public record Tally(
      int approvals,
      Map<Role, Integer> approvalsByRole,
      int denials,
      int required,
      Map<Role, Integer> requiredByRole) {
    public Tally {
      approvalsByRole = Map.copyOf(approvalsByRole);
      requiredByRole = Map.copyOf(requiredByRole);
    }

    /** Whether the approvals reach every threshold and nobody denied. */
    public boolean approved() {
      return denials == 0 && missing() == null;
    }

    /** What is still missing, in words, or null when every threshold is reached. */
    public @Nullable String missing() {
      if (approvals < required) {
        int n = required - approvals;
        return n + " more approval" + (n == 1 ? "" : "s") + " from distinct reviewers";
      }
      for (Role role : Role.values()) {
        int need = requiredByRole.getOrDefault(role, 0);
        int have = approvalsByRole.getOrDefault(role, 0);
        if (have < need) {
          int n = need - have;
          return n + " more approval" + (n == 1 ? "" : "s") + " by a reviewer acting as "
              + role.wireName();
        }
      }
      return null;
    }
  }

  /** Builds {@link DiligenceRules}; every setter checks its argument. */
  public static final class Builder {
    private static final String PREFIX = "admin.due_diligence.";

    private int approvals = MIN_APPROVALS;
    private final Map<Role, Integer> roleApprovals = new EnumMap<>(Role.class);
    private Duration maxGrant = Duration.ofDays(14);
    private Duration applicationTtl = Duration.ofDays(30);
    private Rating minimumRating = Rating.MODERATE;
    private Set<String> stepDownTiers = Set.of("standard");

    private Builder() {}

    public Builder approvals(int n) {
      if (n < MIN_APPROVALS || n > MAX_APPROVALS) {
        throw new IllegalArgumentException(PREFIX + "approvals: must be in [" + MIN_APPROVALS + ", "
            + MAX_APPROVALS + "] (one approver is not multi-party authorization), was " + n);
      }
      this.approvals = n;
      return this;
    }

    /** Requires {@code n} approvals by reviewers acting as {@code role}; set each role once. */
    public Builder roleApprovals(Role role, int n) {
      requireNonNull(role, "role");
      if (role == Role.PARTNER_CONTACT) {
        throw new IllegalArgumentException(PREFIX + "role_approvals.partner_contact: partner"
            + " contacts never review applications");
      }
      if (n < 1 || n > MAX_APPROVALS) {
        throw new IllegalArgumentException(PREFIX + "role_approvals." + role.wireName()
            + ": must be in [1, " + MAX_APPROVALS + "], was " + n);
      }
      if (roleApprovals.putIfAbsent(role, n) != null) {
        throw new IllegalArgumentException(PREFIX + "role_approvals." + role.wireName()
            + ": set twice");
      }
      return this;
    }

    public Builder maxGrant(Duration d) {
      requireNonNull(d, "maxGrant");
      if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(MAX_MAX_GRANT) > 0) {
        throw new IllegalArgumentException(
            PREFIX + "max_grant: must be between 1m and 366d, was " + d);
      }
      this.maxGrant = d;
      return this;
    }

    public Builder applicationTtl(Duration d) {
      requireNonNull(d, "applicationTtl");
      if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(MAX_MAX_GRANT) > 0) {
        throw new IllegalArgumentException(
            PREFIX + "application_ttl: must be between 1m and 366d, was " + d);
      }
      this.applicationTtl = d;
      return this;
    }

    public Builder minimumRating(Rating r) {
      this.minimumRating = requireNonNull(r, "minimumRating");
      return this;
    }

    /** Replaces the tiers step-downs may use; at least one. */
    public Builder stepDownTiers(Set<String> tiers) {
      requireNonNull(tiers, "tiers");
      if (tiers.isEmpty()) {
        throw new IllegalArgumentException(PREFIX + "step_down_tiers: name at least one tier");
      }
      for (String t : tiers) {
        if (!t.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
          throw new IllegalArgumentException(PREFIX + "step_down_tiers: '" + t + "' is not a tier name");
        }
      }
      this.stepDownTiers = Set.copyOf(tiers);
      return this;
    }

    public DiligenceRules build() {
      int perRole = roleApprovals.values().stream().mapToInt(Integer::intValue).sum();
      if (perRole > MAX_APPROVALS) {
        throw new IllegalArgumentException(PREFIX + "role_approvals: add up to " + perRole
            + ", more than " + MAX_APPROVALS);
      }
      return new DiligenceRules(this);
    }
  }
}
