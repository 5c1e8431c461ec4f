package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.diligence.Scope;
import java.time.Duration;

/**
 * What a partner asks for.
 *
 * @param orgId the partner organization
 * @param useCase what it will do
 * @param beneficialUse why that is beneficial: the application's justification, required
 * @param targetTier the adjusted tier asked for
 * @param scope the models and categories the adjustment should cover
 * @param duration how long; at most the configured maximum grant
 */
public record ApplicationRequest(
    String orgId, String useCase, String beneficialUse, String targetTier, Scope scope, Duration duration) {
  public ApplicationRequest {
    requireNonNull(orgId, "orgId");
    requireNonNull(useCase, "useCase");
    requireNonNull(beneficialUse, "beneficialUse");
    requireNonNull(targetTier, "targetTier");
    requireNonNull(scope, "scope");
    requireNonNull(duration, "duration");
  }
}
