package dev.bulwark.response.registry;

import dev.bulwark.gateway.SafeguardPipeline;

/** Turns releases into the pipeline a gateway runs. */
@FunctionalInterface
public interface PipelineComposer {
  /**
   * The pipeline for a deployment: {@code stable} for every policy, {@code canary} for the canary
   * policies (when there is one).
   */
  SafeguardPipeline compose(Deployed deployment);
}
