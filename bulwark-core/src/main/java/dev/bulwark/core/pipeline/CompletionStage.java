package dev.bulwark.core.pipeline;

import dev.bulwark.core.policy.StagePolicy;

/**
 * A stage that reads a finished completion. For a streamed completion it runs after the last chunk,
 * before the text still held back is released. Implementations are thread-safe.
 */
public interface CompletionStage extends Stage {
  /**
   * Assesses a completion of a prompt.
   *
   * @throws Exception on any failure; the pipeline applies the tier's failure mode
   */
  Assessment assess(Conversation prompt, Completion completion) throws Exception;

  /** Assesses a completion under a tier's settings for this stage; the default ignores the policy. */
  default Assessment assess(Conversation prompt, Completion completion, StagePolicy policy)
      throws Exception {
    return assess(prompt, completion);
  }
}
