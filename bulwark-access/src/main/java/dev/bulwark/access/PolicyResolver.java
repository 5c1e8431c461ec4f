package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Principal;
import dev.bulwark.core.policy.Policy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Resolves the policy a request runs under: key, then its organization, then the organization's
 * step-down or active grant, then the tier, then the configured policy the tier names (see {@link
 * KeyDirectory#effectiveTier}). Everything comes from memory: the directory's snapshot, the clock,
 * and the policy map, which can be swapped as a whole, atomically, while serving.
 */
public final class PolicyResolver {
  private final KeyDirectory directory;
  private final AtomicReference<Map<String, Policy>> policies;

  public PolicyResolver(KeyDirectory directory, Map<String, Policy> policies) {
    this.directory = requireNonNull(directory, "directory");
    this.policies = new AtomicReference<>(Map.copyOf(policies));
  }

  /**
   * The principal's policy, or empty when its tier is unknown or names a policy that is not configured
   * (the request is then refused: a misconfigured tier must not fall back to weaker rules).
   */
  public Optional<Policy> resolve(Principal principal) {
    return resolve(principal, null);
  }

  /**
   * The principal's policy for a request for {@code model}: a grant scoped to some models applies
   * only once the model is known. Empty as {@link #resolve(Principal)}.
   *
   * @param model the requested model, or null when not known yet
   */
  public Optional<Policy> resolve(Principal principal, @Nullable String model) {
    return policyOfTier(directory.effectiveTier(principal, model));
  }

  /** The policy of a tier, or empty when the tier is unknown or its policy is not configured. */
  public Optional<Policy> policyOfTier(String tier) {
    return directory.policyOfTier(tier).map(policies.get()::get);
  }

  /** Replaces every policy at once. */
  public void replace(Map<String, Policy> next) {
    policies.set(Map.copyOf(next));
  }
}
