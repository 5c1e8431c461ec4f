package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * The bug-bounty side of a report.
 *
 * @param submissionId the programme's own id for the submission
 * @param severity the triaged severity
 * @param reward where the reward stands
 */
public record BugBounty(String submissionId, Severity severity, RewardStatus reward) {
  public BugBounty {
    requireNonNull(submissionId, "submissionId");
    requireNonNull(severity, "severity");
    requireNonNull(reward, "reward");
    if (submissionId.isBlank()) {
      throw new IllegalArgumentException("a bug-bounty submission needs its id");
    }
  }

  /** Triaged severity. */
  public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Severity> parse(String s) {
      for (Severity v : values()) {
        if (v.wireName().equals(s)) {
          return Optional.of(v);
        }
      }
      return Optional.empty();
    }
  }

  /** Where the reward stands. */
  public enum RewardStatus {
    PENDING, APPROVED, PAID, DECLINED, NOT_ELIGIBLE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RewardStatus> parse(String s) {
      for (RewardStatus v : values()) {
        if (v.wireName().equals(s)) {
          return Optional.of(v);
        }
      }
      return Optional.empty();
    }
  }
}
