package dev.bulwark.store.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.Organization;
import dev.bulwark.store.TierRecord;
import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A step-down: the organization runs under {@code tier} (a stricter one) from {@code setAt} until
 * an analyst clears it, whatever its keys and grants say.
 *
 * @param id generated, e.g. {@code ovr_...}
 * @param orgId the organization
 * @param tier the tier it is stepped down to
 * @param reason why; required
 * @param setBy who (the monitor, or an analyst)
 * @param setAt when
 * @param clearedAt when an analyst restored the organization, if they did
 * @param clearedBy who restored it
 * @param clearReason why
 */
public record TierOverride(
    String id,
    String orgId,
    String tier,
    String reason,
    String setBy,
    Instant setAt,
    @Nullable Instant clearedAt,
    @Nullable String clearedBy,
    @Nullable String clearReason) {

  public TierOverride {
    requireNonNull(id, "id");
    requireNonNull(orgId, "orgId");
    requireNonNull(tier, "tier");
    requireNonNull(reason, "reason");
    requireNonNull(setBy, "setBy");
    requireNonNull(setAt, "setAt");
    Ids.id("override.id", id);
    Checks.matches("override.org", orgId, Organization.ID);
    Checks.matches("override.tier", tier, TierRecord.NAME);
    reason = Ids.text("override.reason", reason, Ids.SHORT_TEXT);
    Checks.text("override.setBy", setBy, 200);
    setAt = Micros.truncate("override.setAt", setAt);
    if ((clearedAt == null) != (clearedBy == null) || (clearedAt == null) != (clearReason == null)) {
      throw new IllegalArgumentException(
          "override.cleared: clearedAt, clearedBy and clearReason are set together");
    }
    if (clearedAt != null) {
      clearedAt = Micros.truncate("override.clearedAt", clearedAt);
    }
    Checks.optionalText("override.clearedBy", clearedBy, 200);
    Checks.optionalText("override.clearReason", clearReason, Ids.SHORT_TEXT);
  }

  /** Whether it applies at {@code now}. */
  public boolean activeAt(Instant now) {
    return !now.isBefore(setAt) && (clearedAt == null || now.isBefore(clearedAt));
  }

  /** This step-down, cleared. */
  public TierOverride cleared(Instant at, String by, String why) {
    return new TierOverride(id, orgId, tier, reason, setBy, setAt, at, by, why);
  }
}
