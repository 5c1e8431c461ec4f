package dev.bulwark.core.pipeline;

/** A stage that reads the whole prompt before the model sees it. Implementations are thread-safe. */
public interface PromptStage extends Stage {
  /**
   * Assesses a prompt.
   *
   * @throws Exception on any failure; the pipeline applies the tier's failure mode
   */
  Assessment assess(Conversation prompt) throws Exception;
}
