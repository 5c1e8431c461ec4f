package dev.bulwark.core.pipeline;

import dev.bulwark.core.policy.StagePolicy;

/**
 * A stage that reads a completion as it streams. The stage itself is thread-safe and shared; each
 * completion gets its own {@link StreamSession}.
 */
public interface StreamingStage extends Stage {
  /** Opens a session for one completion of the given prompt. */
  StreamSession open(Conversation prompt);

  /**
   * Opens a session under a tier's settings for this stage (thresholds, monitor-only categories);
   * the default ignores the policy.
   */
  default StreamSession open(Conversation prompt, StagePolicy policy) {
    return open(prompt);
  }
}
