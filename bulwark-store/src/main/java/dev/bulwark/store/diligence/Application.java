package dev.bulwark.store.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.Organization;
import dev.bulwark.store.TierRecord;
import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A partner's application for adjusted safeguards.
 *
 * @param id generated, e.g. {@code app_...}
 * @param orgId the partner organization
 * @param submittedBy the person who submitted it; they may not review it
 * @param useCase what the partner will do
 * @param beneficialUse why that use is beneficial
 * @param targetTier the adjusted tier asked for
 * @param scope the models and categories the adjustment covers
 * @param duration how long the adjustment is asked for (whole seconds)
 * @param status pending, approved or denied
 * @param submittedAt when it was submitted
 * @param decidedAt when it was approved or denied; null exactly while pending
 * @param decisionReason why, in a sentence: the deciding justification or the threshold reached
 */
public record Application(
    String id,
    String orgId,
    String submittedBy,
    String useCase,
    String beneficialUse,
    String targetTier,
    Scope scope,
    Duration duration,
    ApplicationStatus status,
    Instant submittedAt,
    @Nullable Instant decidedAt,
    @Nullable String decisionReason) {

  public Application {
    requireNonNull(id, "id");
    requireNonNull(orgId, "orgId");
    requireNonNull(submittedBy, "submittedBy");
    requireNonNull(useCase, "useCase");
    requireNonNull(beneficialUse, "beneficialUse");
    requireNonNull(targetTier, "targetTier");
    requireNonNull(scope, "scope");
    requireNonNull(duration, "duration");
    requireNonNull(status, "status");
    requireNonNull(submittedAt, "submittedAt");
    Ids.id("application.id", id);
    Checks.matches("application.org", orgId, Organization.ID);
    Ids.id("application.submittedBy", submittedBy);
    useCase = Ids.text("application.use_case", useCase, Ids.LONG_TEXT);
    beneficialUse = Ids.text("application.beneficial_use", beneficialUse, Ids.LONG_TEXT);
    Checks.matches("application.target_tier", targetTier, TierRecord.NAME);
    if (duration.isNegative() || duration.isZero() || duration.getNano() != 0) {
      throw new IllegalArgumentException(
          "application.duration: must be a positive whole number of seconds, was " + duration);
    }
    submittedAt = Micros.truncate("application.submittedAt", submittedAt);
    if ((status == ApplicationStatus.PENDING) != (decidedAt == null)) {
      throw new IllegalArgumentException(
          "application.decidedAt: must be set exactly when the status is not pending");
    }
    if (decidedAt != null) {
      decidedAt = Micros.truncate("application.decidedAt", decidedAt);
    }
    Checks.optionalText("application.decisionReason", decisionReason, Ids.SHORT_TEXT);
  }

  /** This application, decided. */
  public Application decided(ApplicationStatus to, Instant at, String reason) {
    return new Application(id, orgId, submittedBy, useCase, beneficialUse, targetTier, scope,
        duration, to, submittedAt, at, reason);
  }
}
