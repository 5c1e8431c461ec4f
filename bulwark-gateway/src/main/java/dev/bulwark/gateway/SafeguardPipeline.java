package dev.bulwark.gateway;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Ticker;
import dev.bulwark.core.pipeline.CompletionStage;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.Guard;
import dev.bulwark.core.pipeline.PromptStage;
import dev.bulwark.core.pipeline.Stage;
import dev.bulwark.core.pipeline.StageRunner;
import dev.bulwark.core.pipeline.StreamingGuard;
import dev.bulwark.core.pipeline.StreamingStage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The stages every request goes through: prompt stages before the model, streaming stages on every
 * chunk of the completion, completion stages on the finished completion. Immutable; a running gateway
 * swaps a whole pipeline at once.
 */
public final class SafeguardPipeline {
  private final List<PromptStage> promptStages;
  private final List<StreamingStage> streamingStages;
  private final List<CompletionStage> completionStages;
  private final Guard<Conversation> promptGuard;
  private final StreamingGuard streamingGuard;
  private final Guard<Guard.Exchange> completionGuard;

  private SafeguardPipeline(
      List<PromptStage> prompt,
      List<StreamingStage> streaming,
      List<CompletionStage> completion,
      Executor offload,
      Ticker ticker) {
    this.promptStages = List.copyOf(prompt);
    this.streamingStages = List.copyOf(streaming);
    this.completionStages = List.copyOf(completion);
    StageRunner runner = new StageRunner(offload, ticker);
    this.promptGuard = Guard.forPrompts(promptStages, runner);
    this.streamingGuard = new StreamingGuard(streamingStages, ticker);
    this.completionGuard = Guard.forCompletions(completionStages, runner);
  }

  /** A pipeline with no stages: everything passes, and every decision still records that. */
  public static SafeguardPipeline passThrough() {
    return builder().build(Runnable::run, Ticker.system());
  }

  public static Builder builder() {
    return new Builder();
  }

  public Guard<Conversation> promptGuard() {
    return promptGuard;
  }

  public StreamingGuard streamingGuard() {
    return streamingGuard;
  }

  public Guard<Guard.Exchange> completionGuard() {
    return completionGuard;
  }

  public boolean hasCompletionStages() {
    return !completionStages.isEmpty();
  }

  /** One line per stage, for the start-up banner. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    promptStages.forEach(s -> lines.add("prompt     " + id(s)));
    streamingStages.forEach(s -> lines.add("streaming  " + id(s)));
    completionStages.forEach(s -> lines.add("completion " + id(s)));
    return lines;
  }

  private static String id(Stage s) {
    return s.name() + " (" + s.version() + ")";
  }

  /** Collects stages; a stage implementing several kinds is added once per kind it is given as. */
  public static final class Builder {
    private final List<PromptStage> prompt = new ArrayList<>();
    private final List<StreamingStage> streaming = new ArrayList<>();
    private final List<CompletionStage> completion = new ArrayList<>();

    private Builder() {}

    public Builder prompt(PromptStage stage) {
      prompt.add(unique(prompt, requireNonNull(stage, "stage")));
      return this;
    }

    public Builder streaming(StreamingStage stage) {
      streaming.add(unique(streaming, requireNonNull(stage, "stage")));
      return this;
    }

    public Builder completion(CompletionStage stage) {
      completion.add(unique(completion, requireNonNull(stage, "stage")));
      return this;
    }

    /**
     * Builds the pipeline.
     *
     * @param offload where stages that declare {@link Stage.Execution#OFFLOAD} run
     */
    public SafeguardPipeline build(Executor offload, Ticker ticker) {
      return new SafeguardPipeline(prompt, streaming, completion, offload, ticker);
    }

    private static <S extends Stage> S unique(List<S> existing, S stage) {
      for (S s : existing) {
        if (s.name().equals(stage.name())) {
          throw new IllegalArgumentException("two stages are named '" + stage.name() + "'");
        }
      }
      return stage;
    }
  }
}
