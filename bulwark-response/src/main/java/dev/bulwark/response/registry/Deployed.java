package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A deployment row with its releases loaded: what a {@link DeploymentTarget} applies.
 *
 * @param canary the canary release, or null
 * @param canaryPolicies the policies that run it
 * @param shadow a stage that compares a candidate with the running version on live traffic without
 *     acting (the validation gate's shadow period), or null
 */
public record Deployed(
    DeploymentState state,
    LoadedRelease stable,
    @Nullable LoadedRelease canary,
    Set<String> canaryPolicies,
    dev.bulwark.core.pipeline.@Nullable PromptStage shadow) {
  public Deployed {
    requireNonNull(state, "state");
    requireNonNull(stable, "stable");
    canaryPolicies = Set.copyOf(canaryPolicies);
  }

  /** This deployment with another shadow stage (or none). */
  public Deployed withShadow(dev.bulwark.core.pipeline.@Nullable PromptStage stage) {
    return new Deployed(state, stable, canary, canaryPolicies, stage);
  }
}
