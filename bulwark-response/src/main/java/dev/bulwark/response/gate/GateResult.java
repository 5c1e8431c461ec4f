package dev.bulwark.response.gate;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One decision of the validation gate.
 *
 * @param id {@code gate-NNNN} once stored, else empty
 * @param releaseId the candidate
 * @param familyId the family it answers, or null
 * @param against the release it was compared with (the running one)
 * @param passed whether every check passed
 * @param checks each criterion with its figures
 */
public record GateResult(
    String id, String releaseId, @Nullable String familyId, String against, Instant decidedAt, boolean passed,
    List<Check> checks) {
  public GateResult {
    requireNonNull(id, "id");
    requireNonNull(releaseId, "releaseId");
    requireNonNull(against, "against");
    requireNonNull(decidedAt, "decidedAt");
    checks = List.copyOf(checks);
  }

  /**
   * One criterion.
   *
   * @param name {@code family_blocked}, {@code benign_fpr_rise}, {@code regression}, {@code shadow}
   * @param passed whether it holds
   * @param value the measured figure
   * @param limit the figure it is held to
   * @param detail the figures in words
   */
  public record Check(String name, boolean passed, double value, double limit, String detail) {
    public Check {
      requireNonNull(name, "name");
      requireNonNull(detail, "detail");
    }
  }

  /** Why it failed (the failed checks' details), or "passed". */
  public String reason() {
    return passed ? "passed"
        : checks.stream().filter(c -> !c.passed()).map(c -> c.name() + ": " + c.detail()).collect(Collectors.joining("; "));
  }

  /** A copy with its stored id. */
  public GateResult withId(String newId) {
    return new GateResult(newId, releaseId, familyId, against, decidedAt, passed, checks);
  }
}
