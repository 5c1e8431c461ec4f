package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import dev.bulwark.gateway.Gateway;

/**
 * A running gateway: a deployment becomes one new pipeline, swapped in with {@link
 * Gateway#swapPipeline}. Requests capture their pipeline when they start, so a request in flight
 * (a stream included) finishes on the version it started with and is never dropped.
 */
public final class GatewayTarget implements DeploymentTarget {
  private final Gateway gateway;
  private final PipelineComposer composer;

  public GatewayTarget(Gateway gateway, PipelineComposer composer) {
    this.gateway = requireNonNull(gateway, "gateway");
    this.composer = requireNonNull(composer, "composer");
  }

  @Override
  public void apply(Deployed deployment) {
    // Composed in full before the swap: a failure here leaves the running pipeline untouched.
    gateway.swapPipeline(composer.compose(deployment));
  }
}
