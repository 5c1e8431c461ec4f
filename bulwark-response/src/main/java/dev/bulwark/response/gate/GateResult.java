package dev.bulwark.response.gate;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
   * @param newlyBlockedBy for {@code benign_fpr_rise}: the benign prompts the candidate blocks and the
   *     running version does not, counted by the stage that stopped them first (stages run in pipeline
   *     order, so a count against the last stage is prompts no other stage stops); empty otherwise
   * @param newlyBlockedExamples for {@code benign_fpr_rise}: the first few of those prompts, each as
   *     {@code "stage: text"} with personal data masked and the text shortened, for the analyst deciding
   *     what to do about a refusal; empty otherwise. Kept with the stored decision, not in the audit log.
   */
  public record Check(String name, boolean passed, double value, double limit, String detail,
      Map<String, Integer> newlyBlockedBy, List<String> newlyBlockedExamples) {
    public Check {
      requireNonNull(name, "name");
      requireNonNull(detail, "detail");
      newlyBlockedBy = Collections.unmodifiableMap(new LinkedHashMap<>(newlyBlockedBy));
      newlyBlockedExamples = List.copyOf(newlyBlockedExamples);
    }

    /** A check with a breakdown by stage and no examples. */
    public Check(String name, boolean passed, double value, double limit, String detail,
        Map<String, Integer> newlyBlockedBy) {
      this(name, passed, value, limit, detail, newlyBlockedBy, List.of());
    }

    /** A check with no breakdown by stage. */
    public Check(String name, boolean passed, double value, double limit, String detail) {
      this(name, passed, value, limit, detail, Map.of(), List.of());
    }
  }

  /** Why it failed (the failed checks' details), or "passed". */
  public String reason() {
    return passed ? "passed"
        : checks.stream().filter(c -> !c.passed()).map(c -> c.name() + ": " + c.detail()).collect(Collectors.joining("; "));
  }

  /** The check of that name, if this result has one. */
  public Optional<Check> check(String name) {
    requireNonNull(name, "name");
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** A copy with its stored id. */
  public GateResult withId(String newId) {
    return new GateResult(newId, releaseId, familyId, against, decidedAt, passed, checks);
  }
}
