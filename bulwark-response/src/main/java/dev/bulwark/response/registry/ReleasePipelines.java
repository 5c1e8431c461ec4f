package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.phrase.LiveSignatures;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.classify.stage.DetectorStage;
import dev.bulwark.classify.stage.ExemplarStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.response.patch.ClassifierPatcher;
import dev.bulwark.response.patch.PromptPatch;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The standard composer: the configured base pipeline, with a release's additions.
 *
 * <ul>
 *   <li>a classifier patch (a detector, {@link ClassifierPatcher#DETECTOR_MODE}) adds a prompt stage
 *       ({@link DetectorStage}, {@value #CLASSIFIER_STAGE}) last, after the base's and the release's
 *       other stages, beside the base's classifier stage, which it takes as its reference and which
 *       keeps judging as configured; an
 *       older classifier patch (a whole recalibrated model, without a mode) replaces the base's
 *       classifier stage instead (same name, so tier policies that name it keep applying), with the
 *       patch bundle's band unless one is configured;
 *   <li>exemplars add a prompt stage ({@link ExemplarStage}) after the base's stages;
 *   <li>signature rules add a phrase stage (on prompts, and on completions when a rule covers them);
 *   <li>prompt patches become the pipeline's system addenda.
 * </ul>
 *
 * <p>Immutable and thread-safe; every call builds new stages around the (shared, immutable) models.
 */
public final class ReleasePipelines implements PipelineComposer {
  /** The base's classifier stage a classifier patch answers, unless the builder names another. */
  public static final String DEFAULT_CLASSIFIER_STAGE = "classifier";

  /** The classifier patch's detector stage's name in verdicts. */
  public static final String CLASSIFIER_STAGE = DetectorStage.RAPID_RESPONSE_STAGE;

  /** The exemplar stage's name in verdicts. */
  public static final String EXEMPLAR_STAGE = "rapid-response-exemplars";

  /** The signature stage's name in verdicts. */
  public static final String SIGNATURE_STAGE = LiveSignatures.RAPID_RESPONSE_STAGE;

  private final SafeguardPipeline base;
  private final String classifierStage;
  private final String classifierScope;
  private final int checkpointChars;
  private final @Nullable Band band;
  private final Supplier<Embedder> embedder;
  private final Canonicalizer canonicalizer;
  private final Executor offload;
  private final Ticker ticker;

  private ReleasePipelines(Builder b) {
    this.base = requireNonNull(b.base, "base");
    this.classifierStage = b.classifierStage;
    this.classifierScope = b.classifierScope;
    this.checkpointChars = b.checkpointChars;
    this.band = b.band;
    this.embedder = requireNonNull(b.embedder, "embedder");
    this.canonicalizer = b.canonicalizer;
    this.offload = requireNonNull(b.offload, "offload");
    this.ticker = b.ticker;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public SafeguardPipeline compose(Deployed d) {
    SafeguardPipeline.Builder b = builderFor(d.stable());
    if (d.shadow() != null) {
      b.prompt(d.shadow());
    }
    if (d.canary() != null) {
      SafeguardPipeline canary = builderFor(d.canary()).build(offload, ticker);
      for (String policy : d.canaryPolicies()) {
        b.canary(policy, canary);
      }
    }
    return b.build(offload, ticker);
  }

  /** The pipeline of one release alone (for evaluation). */
  public SafeguardPipeline compose(LoadedRelease release) {
    return builderFor(release).build(offload, ticker);
  }

  private SafeguardPipeline.Builder builderFor(LoadedRelease r) {
    SafeguardPipeline.Builder b = base.toBuilder();
    ClassifierBundle bundle = r.classifier();
    Optional<DetectorStage> detector = bundle == null ? Optional.empty()
        : DetectorStage.fromPatch(CLASSIFIER_STAGE, classifierStage, bundle, bundle.cascade(canonicalizer, ticker),
            base.promptStage(classifierStage).filter(ClassifierStage.class::isInstance)
                .map(ClassifierStage.class::cast).orElse(null));
    if (bundle != null && detector.isEmpty()) {
      b.remove(classifierStage);
      ClassifierStage stage = new ClassifierStage(classifierStage, bundle,
          bundle.cascade(canonicalizer, ticker).withBand(band != null ? band : bundle.band()), classifierScope,
          checkpointChars, offload); // streams' stage 2 off the event loop, as Stages builds the base
      if (stage.scansPrompts()) {
        b.prompt(stage);
      }
      if (stage.scansCompletions()) {
        b.streaming(stage);
      }
    }
    if (!r.exemplars().isEmpty()) {
      b.prompt(new ExemplarStage(EXEMPLAR_STAGE, r.exemplars(), embedder.get()));
    }
    if (!r.signatures().isEmpty()) {
      PhraseStage stage = new PhraseStage(SIGNATURE_STAGE, r.signatures());
      b.prompt(stage);
      if (r.signatures().stream().anyMatch(rule -> rule.scope() != PhraseRule.Scope.PROMPT)) {
        b.streaming(stage);
      }
    }
    // Last: it costs the most of the release's stages (a second cascade), and a benign prompt the gate
    // counts against it is then one that no other stage stops (ValidationGate's newly_blocked_by).
    detector.ifPresent(b::prompt);
    PromptPatch.addenda(r.promptPatches()).forEach(b::systemAddendum);
    return b;
  }

  /** Builds {@link ReleasePipelines}. */
  public static final class Builder {
    private @Nullable SafeguardPipeline base;
    private String classifierStage = DEFAULT_CLASSIFIER_STAGE;
    private String classifierScope = "both";
    private int checkpointChars = 256;
    private @Nullable Band band;
    private @Nullable Supplier<Embedder> embedder;
    private Canonicalizer canonicalizer = Canonicalizer.defaults();
    private @Nullable Executor offload;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** The configured pipeline every release builds on. */
    public Builder base(SafeguardPipeline base) {
      this.base = requireNonNull(base, "base");
      return this;
    }

    /** The classifier stage a classifier patch replaces: its name, scope and checkpoint (default classifier, both, 256). */
    public Builder classifierStage(String name, String scope, int checkpointChars) {
      this.classifierStage = requireNonNull(name, "name");
      this.classifierScope = requireNonNull(scope, "scope");
      if (checkpointChars < 1) {
        throw new IllegalArgumentException("checkpointChars must be positive, was " + checkpointChars);
      }
      this.checkpointChars = checkpointChars;
      return this;
    }

    /** A band that overrides patched bundles' own (as the configuration may override the base's). */
    public Builder band(Band band) {
      this.band = requireNonNull(band, "band");
      return this;
    }

    /** Supplies the embedder for exemplar stages; called only when a release has exemplars. */
    public Builder embedder(Supplier<Embedder> embedder) {
      this.embedder = requireNonNull(embedder, "embedder");
      return this;
    }

    public Builder canonicalizer(Canonicalizer canonicalizer) {
      this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
      return this;
    }

    /** Where offloaded stages run (the gateway's stage pool). */
    public Builder offload(Executor offload) {
      this.offload = requireNonNull(offload, "offload");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    public ReleasePipelines build() {
      return new ReleasePipelines(this);
    }
  }
}
