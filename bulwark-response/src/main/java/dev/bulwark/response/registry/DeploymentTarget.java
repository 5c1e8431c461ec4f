package dev.bulwark.response.registry;

/**
 * Something that runs releases: a gateway ({@link GatewayTarget}), a monitor's exemplar index ({@link
 * #exemplars}), signature rules ({@link #signatures}) and classifier patch ({@link #classifier}). {@link #apply} must swap atomically: work in flight finishes on the old version,
 * work that starts afterwards gets the new one, and nothing sees a mix.
 */
@FunctionalInterface
public interface DeploymentTarget {
  /**
   * Switches to {@code deployment}.
   *
   * @throws RuntimeException when it cannot; the target must then keep running what it ran
   */
  void apply(Deployed deployment);

  /** A target that swaps a monitor's live exemplar index to the stable release's. */
  static DeploymentTarget exemplars(dev.bulwark.classify.exemplar.LiveExemplarIndex live) {
    return d -> live.swap(d.stable().exemplars());
  }

  /** A target that swaps a monitor's live classifier patch to the stable release's. */
  static DeploymentTarget classifier(dev.bulwark.classify.cascade.LiveClassifierPatch live) {
    return d -> live.swap(d.stable().classifier());
  }

  /** A target that swaps a monitor's live signature rules to the stable release's. */
  static DeploymentTarget signatures(dev.bulwark.classify.phrase.LiveSignatures live) {
    return d -> live.swap(d.stable().signatures());
  }
}
