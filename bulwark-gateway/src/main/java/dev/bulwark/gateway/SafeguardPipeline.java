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
import dev.bulwark.protocol.model.ChatRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The stages every request goes through: prompt stages before the model, streaming stages on every
 * chunk of the completion, completion stages on the finished completion. Immutable; a running gateway
 * swaps a whole pipeline at once.
 *
 * <p>Two hooks serve rapid response: a <em>system addendum</em> per policy (a prompt patch: extra
 * system instructions the gateway appends to requests under that policy before forwarding them), and
 * <em>canaries</em>: another pipeline that requests under a given policy use instead of this one, so
 * that a new version can run for some tiers first. A request picks its pipeline once, with {@link
 * #forPolicy}, and keeps it for its whole life.
 */
public final class SafeguardPipeline {
  private final List<PromptStage> promptStages;
  private final List<StreamingStage> streamingStages;
  private final List<CompletionStage> completionStages;
  private final Guard<Conversation> promptGuard;
  private final StreamingGuard streamingGuard;
  private final Guard<Guard.Exchange> completionGuard;
  private final Map<String, String> addenda;
  private final Map<String, SafeguardPipeline> canaries;

  private SafeguardPipeline(
      List<PromptStage> prompt,
      List<StreamingStage> streaming,
      List<CompletionStage> completion,
      Map<String, String> addenda,
      Map<String, SafeguardPipeline> canaries,
      Executor offload,
      Ticker ticker) {
    this.addenda = Map.copyOf(addenda);
    this.canaries = Map.copyOf(canaries);
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

  /** The pipeline requests under {@code policyName} use: its canary if it has one, else this one. */
  public SafeguardPipeline forPolicy(String policyName) {
    SafeguardPipeline canary = canaries.get(requireNonNull(policyName, "policyName"));
    return canary != null ? canary : this;
  }

  /** The extra system instructions for requests under {@code policyName} (its own, else those for {@code *}). */
  public Optional<String> systemAddendum(String policyName) {
    String own = addenda.get(requireNonNull(policyName, "policyName"));
    return Optional.ofNullable(own != null ? own : addenda.get(Builder.ALL_POLICIES));
  }

  /** {@code request} with the policy's system addendum appended, or unchanged when it has none. */
  public ChatRequest patchRequest(ChatRequest request, String policyName) {
    Optional<String> addendum = systemAddendum(policyName);
    return addendum.isEmpty() ? request : request.withSystemAppended(addendum.get());
  }

  /** A builder holding this pipeline's stages and addenda (not its canaries), to derive another version. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.prompt.addAll(promptStages);
    b.streaming.addAll(streamingStages);
    b.completion.addAll(completionStages);
    b.addenda.putAll(addenda);
    return b;
  }

  /** The prompt stage named {@code name}, if the pipeline has one. */
  public Optional<PromptStage> promptStage(String name) {
    requireNonNull(name, "name");
    return promptStages.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** One line per stage, for the start-up banner. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    promptStages.forEach(s -> lines.add("prompt     " + id(s)));
    streamingStages.forEach(s -> lines.add("streaming  " + id(s)));
    completionStages.forEach(s -> lines.add("completion " + id(s)));
    addenda.keySet().stream().sorted().forEach(p -> lines.add("addendum   policy " + p));
    canaries.keySet().stream().sorted().forEach(p -> lines.add("canary     policy " + p + ": "
        + String.join(", ", canaries.get(p).describe())));
    return lines;
  }

  private static String id(Stage s) {
    return s.name() + " (" + s.version() + ")";
  }

  /** Collects stages; a stage implementing several kinds is added once per kind it is given as. */
  public static final class Builder {
    /** The policy name of an addendum for every policy without its own. */
    public static final String ALL_POLICIES = "*";

    private final List<PromptStage> prompt = new ArrayList<>();
    private final List<StreamingStage> streaming = new ArrayList<>();
    private final List<CompletionStage> completion = new ArrayList<>();
    private final Map<String, String> addenda = new LinkedHashMap<>();
    private final Map<String, SafeguardPipeline> canaries = new LinkedHashMap<>();

    private Builder() {}

    /** Removes every stage named {@code name}, of any kind (to replace it with another version). */
    public Builder remove(String name) {
      requireNonNull(name, "name");
      prompt.removeIf(s -> s.name().equals(name));
      streaming.removeIf(s -> s.name().equals(name));
      completion.removeIf(s -> s.name().equals(name));
      return this;
    }

    /**
     * Extra system instructions for requests under {@code policyName} ({@value #ALL_POLICIES}: every
     * policy without its own), replacing any set before.
     */
    public Builder systemAddendum(String policyName, String text) {
      requireNonNull(policyName, "policyName");
      if (requireNonNull(text, "text").isBlank()) {
        throw new IllegalArgumentException("the system addendum for policy " + policyName + " is blank");
      }
      addenda.put(policyName, text);
      return this;
    }

    /** The pipeline requests under {@code policyName} use instead of this one. */
    public Builder canary(String policyName, SafeguardPipeline pipeline) {
      requireNonNull(policyName, "policyName");
      requireNonNull(pipeline, "pipeline");
      if (!pipeline.canaries.isEmpty()) {
        throw new IllegalArgumentException("a canary pipeline cannot have canaries of its own");
      }
      if (canaries.putIfAbsent(policyName, pipeline) != null) {
        throw new IllegalArgumentException("policy " + policyName + " already has a canary");
      }
      return this;
    }

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
      return new SafeguardPipeline(prompt, streaming, completion, addenda, canaries, offload, ticker);
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
