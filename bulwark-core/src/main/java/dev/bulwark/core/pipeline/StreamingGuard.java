package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Ticker;
import dev.bulwark.core.policy.Policy;
import java.util.List;

/**
 * The streaming stages of a pipeline. Shared and thread-safe; {@link #open} gives each completion its
 * own {@link StreamingGuardSession}.
 */
public final class StreamingGuard {
  private final List<StreamingStage> stages;
  private final Ticker ticker;

  public StreamingGuard(List<? extends StreamingStage> stages, Ticker ticker) {
    this.stages = List.copyOf(stages);
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /** Opens the sessions of every stage the policy runs, for one completion of {@code prompt}. */
  public StreamingGuardSession open(Conversation prompt, Policy policy) {
    return new StreamingGuardSession(stages, prompt, policy, ticker);
  }

  /** Whether any stage is configured. */
  public boolean isEmpty() {
    return stages.isEmpty();
  }

  public List<StreamingStage> stages() {
    return stages;
  }
}
