package dev.bulwark.store.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.Organization;
import dev.bulwark.store.TierRecord;
import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An adjusted tier granted to an organization by an approved application. It applies in {@code
 * [startsAt, expiresAt)}, and not from {@code revokedAt} on. Nothing needs to run at expiry: every
 * reader compares the window with its clock.
 *
 * @param id generated, e.g. {@code grt_...}
 * @param orgId the organization
 * @param applicationId the approved application it comes from (one grant per application)
 * @param tier the adjusted tier
 * @param scope the models and categories it covers
 * @param startsAt when it was approved
 * @param expiresAt when it ends by itself
 * @param revokedAt when it was revoked or superseded, if it was
 * @param revokedBy who revoked it
 * @param revokeReason why
 */
public record Grant(
    String id,
    String orgId,
    String applicationId,
    String tier,
    Scope scope,
    Instant startsAt,
    Instant expiresAt,
    @Nullable Instant revokedAt,
    @Nullable String revokedBy,
    @Nullable String revokeReason) {

  public Grant {
    requireNonNull(id, "id");
    requireNonNull(orgId, "orgId");
    requireNonNull(applicationId, "applicationId");
    requireNonNull(tier, "tier");
    requireNonNull(scope, "scope");
    requireNonNull(startsAt, "startsAt");
    requireNonNull(expiresAt, "expiresAt");
    Ids.id("grant.id", id);
    Checks.matches("grant.org", orgId, Organization.ID);
    Ids.id("grant.application", applicationId);
    Checks.matches("grant.tier", tier, TierRecord.NAME);
    startsAt = Micros.truncate("grant.startsAt", startsAt);
    expiresAt = Micros.truncate("grant.expiresAt", expiresAt);
    if (!expiresAt.isAfter(startsAt)) {
      throw new IllegalArgumentException("grant.expiresAt: must be after startsAt");
    }
    if ((revokedAt == null) != (revokedBy == null) || (revokedAt == null) != (revokeReason == null)) {
      throw new IllegalArgumentException(
          "grant.revoked: revokedAt, revokedBy and revokeReason are set together");
    }
    if (revokedAt != null) {
      revokedAt = Micros.truncate("grant.revokedAt", revokedAt);
    }
    Checks.optionalText("grant.revokedBy", revokedBy, 200);
    Checks.optionalText("grant.revokeReason", revokeReason, Ids.SHORT_TEXT);
  }

  /** Whether it applies at {@code now}. */
  public boolean activeAt(Instant now) {
    return !now.isBefore(startsAt)
        && now.isBefore(expiresAt)
        && (revokedAt == null || now.isBefore(revokedAt));
  }

  /** This grant, revoked. */
  public Grant revoked(Instant at, String by, String reason) {
    return new Grant(id, orgId, applicationId, tier, scope, startsAt, expiresAt, at, by, reason);
  }
}
