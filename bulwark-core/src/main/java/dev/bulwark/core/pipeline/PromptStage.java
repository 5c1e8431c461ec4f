package dev.bulwark.core.pipeline;

import dev.bulwark.core.policy.StagePolicy;

/** A stage that reads the whole prompt before the model sees it. Implementations are thread-safe. */
public interface PromptStage extends Stage {
  /**
   * Assesses a prompt.
   *
   * @throws Exception on any failure; the pipeline applies the tier's failure mode
   */
  Assessment assess(Conversation prompt) throws Exception;

  /**
   * Assesses a prompt under a tier's settings for this stage. A stage that scores categories reads
   * its thresholds and monitor-only categories from {@code policy}; the default ignores the policy.
   *
   * @throws Exception on any failure; the pipeline applies the tier's failure mode
   */
  default Assessment assess(Conversation prompt, StagePolicy policy) throws Exception {
    return assess(prompt);
  }
}
