package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Principal;
import dev.bulwark.core.policy.Policy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Resolves the policy a request runs under: key, then its tier, then the configured policy the tier
 * names. Policies can be swapped as a whole, atomically, while serving.
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
    return directory.policyOfTier(principal.tier()).map(policies.get()::get);
  }

  /** Replaces every policy at once. */
  public void replace(Map<String, Policy> next) {
    policies.set(Map.copyOf(next));
  }
}
