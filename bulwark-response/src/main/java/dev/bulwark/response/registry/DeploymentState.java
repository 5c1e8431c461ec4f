package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One row of the deployment history: what every gateway and monitor should run from then on.
 *
 * @param seq the row's number (0: nothing deployed yet, the base everywhere)
 * @param releaseId the stable release, or null for the base
 * @param canaryReleaseId the release the canary policies run instead, or null
 * @param canaryPolicies the policies (tiers) of the canary; empty without one
 * @param basedOn the row whose state comes before this one (0: the initial state; -1: none, for a
 *     rollback to the initial state); a rollback restores it
 */
public record DeploymentState(
    long seq,
    Kind kind,
    @Nullable String releaseId,
    @Nullable String canaryReleaseId,
    Set<String> canaryPolicies,
    long basedOn,
    Instant at,
    String actor,
    String reason) {
  /** Before any deployment: the base everywhere. */
  public static final DeploymentState INITIAL =
      new DeploymentState(0, Kind.DEPLOY, null, null, Set.of(), 0, Instant.EPOCH, "system", "initial");

  public DeploymentState {
    requireNonNull(kind, "kind");
    canaryPolicies = Set.copyOf(canaryPolicies);
    requireNonNull(at, "at");
    requireNonNull(actor, "actor");
    requireNonNull(reason, "reason");
    if ((canaryReleaseId == null) != canaryPolicies.isEmpty()) {
      throw new IllegalArgumentException("a canary needs both a release and policies");
    }
  }

  /** What changed. */
  public enum Kind {
    DEPLOY, CANARY, PROMOTE, ROLLBACK;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** The stable release's id, or {@link Release#BASE}. */
  public String stableName() {
    return releaseId == null ? Release.BASE : releaseId;
  }
}
