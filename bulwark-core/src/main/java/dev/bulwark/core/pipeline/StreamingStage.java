package dev.bulwark.core.pipeline;

/**
 * A stage that reads a completion as it streams. The stage itself is thread-safe and shared; each
 * completion gets its own {@link StreamSession}.
 */
public interface StreamingStage extends Stage {
  /** Opens a session for one completion of the given prompt. */
  StreamSession open(Conversation prompt);
}
