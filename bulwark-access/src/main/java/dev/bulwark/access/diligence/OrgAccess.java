package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.TierOverride;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What decides an organization's tier besides its keys: its grants and its step-down. Immutable, so
 * a snapshot can hold one per organization and requests can read it without locks.
 *
 * <p>The tier at an instant is, in order: the step-down's tier while one is in force (the monitor's
 * verdict overrides any grant until an analyst restores the organization); else the tier of the
 * newest grant whose window holds the instant and whose scope covers the model; else the key's own
 * tier. Windows are compared with the caller's clock on every resolution, so an adjusted tier ends
 * at its expiry to the microsecond whatever a cache holds.
 */
public final class OrgAccess {
  /** No grants and no step-down: every key keeps its own tier. */
  public static final OrgAccess NONE = new OrgAccess(List.of(), null);

  private final Grant[] grants;
  private final @Nullable TierOverride stepDown;

  private OrgAccess(List<Grant> grants, @Nullable TierOverride stepDown) {
    List<Grant> sorted = new ArrayList<>(grants);
    sorted.sort(Comparator.comparing(Grant::startsAt).thenComparing(Grant::id).reversed());
    this.grants = sorted.toArray(new Grant[0]);
    this.stepDown = stepDown;
  }

  /**
   * An organization's access from its grants (revoked ones are ignored) and its step-down.
   *
   * @param stepDown the uncleared step-down, if any
   */
  public static OrgAccess of(List<Grant> grants, @Nullable TierOverride stepDown) {
    requireNonNull(grants, "grants");
    List<Grant> live = new ArrayList<>();
    for (Grant g : grants) {
      if (g.revokedAt() == null) {
        live.add(g);
      }
    }
    if (live.isEmpty() && stepDown == null) {
      return NONE;
    }
    return new OrgAccess(live, stepDown);
  }

  /**
   * The tier requests run under at {@code now}: the allocation-free form of {@link #resolve}.
   *
   * @param keyTier the tier of the key presented
   * @param model the requested model, or null when not known yet (then only grants for every model
   *     apply)
   */
  public String tier(String keyTier, @Nullable String model, Instant now) {
    TierOverride s = stepDown;
    if (s != null && s.activeAt(now)) {
      return s.tier();
    }
    for (Grant g : grants) {
      if (g.activeAt(now) && g.scope().coversModel(model)) {
        return g.tier();
      }
    }
    return keyTier;
  }

  /** {@link #tier}, with what decided it. */
  public Resolution resolve(String keyTier, @Nullable String model, Instant now) {
    TierOverride s = stepDown;
    if (s != null && s.activeAt(now)) {
      return new Resolution(s.tier(), Resolution.Source.STEP_DOWN, s.id(), null);
    }
    for (Grant g : grants) {
      if (g.activeAt(now) && g.scope().coversModel(model)) {
        return new Resolution(g.tier(), Resolution.Source.GRANT, g.id(), g.expiresAt());
      }
    }
    return new Resolution(keyTier, Resolution.Source.KEY, null, null);
  }

  /**
   * The effective tier and where it came from.
   *
   * @param tier the tier requests run under
   * @param source what decided it
   * @param sourceId the grant's or step-down's id; null for {@link Source#KEY}
   * @param until when a grant's adjustment ends by itself; null otherwise
   */
  public record Resolution(String tier, Source source, @Nullable String sourceId, @Nullable Instant until) {
    public Resolution {
      requireNonNull(tier, "tier");
      requireNonNull(source, "source");
    }

    /** What decided a resolution. */
    public enum Source {
      /** The key's own tier. */
      KEY,
      /** An active grant's adjusted tier. */
      GRANT,
      /** A step-down in force. */
      STEP_DOWN;

      public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
      }
    }
  }
}
