package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.data.Vocabulary;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.exemplar.ExemplarIndex;
import dev.bulwark.classify.model.EmbeddingCache;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.TrainingText;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.core.Ticker;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.response.gate.GateResult;
import dev.bulwark.response.gate.GateResults;
import dev.bulwark.response.gate.ReleaseVerdicts;
import dev.bulwark.response.gate.ShadowStage;
import dev.bulwark.response.gate.ValidationGate;
import dev.bulwark.response.intake.Intake;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.internal.Leases;
import dev.bulwark.response.patch.BaseClassifier;
import dev.bulwark.response.patch.ClassifierPatcher;
import dev.bulwark.response.patch.ExemplarPatcher;
import dev.bulwark.response.patch.PromptPatch;
import dev.bulwark.response.patch.Signatures;
import dev.bulwark.response.patch.Stage2Embeddings;
import dev.bulwark.response.proliferate.PayloadCodec;
import dev.bulwark.response.proliferate.Proliferator;
import dev.bulwark.response.proliferate.WrapperSplitter;
import dev.bulwark.response.registry.ArtifactKind;
import dev.bulwark.response.registry.DeploymentState;
import dev.bulwark.response.registry.DeploymentWatcher;
import dev.bulwark.response.registry.Deployments;
import dev.bulwark.response.registry.LoadedRelease;
import dev.bulwark.response.registry.Registry;
import dev.bulwark.response.registry.Release;
import dev.bulwark.response.registry.ReleaseLoader;
import dev.bulwark.response.registry.ReleasePipelines;
import dev.bulwark.response.review.Priority;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rapid-response loop, from a report to a validated, deployed patch:
 *
 * <ol>
 *   <li>{@link #report}: intake deduplicates the report and groups it into a family;
 *   <li>{@link #respond}: the family's examples are proliferated (variants stored with the family);
 *       patches are built (exemplar index, signature rule, classifier fine-tune, prompt patch), each
 *       an artifact with provenance in the registry; candidate releases are put to the validation gate
 *       in order (everything; without the classifier patch; the prompt patch alone as a stopgap) and
 *       the first that passes is deployed (or shadowed, or run as a canary); refused candidates and
 *       families left with a stopgap go to the review queue;
 *   <li>{@link #finishShadow} completes a shadow period (a running server's {@link ShadowTimer} calls
 *       {@link #finishDueShadows} when one is due); {@link #deployments()} rolls back.
 * </ol>
 *
 * <p>Evaluation runs the same stages a gateway runs, composed over the configured base pipeline on the
 * caller's thread. Deployment writes the desired state to the store and, when a watcher is attached,
 * applies it at once. Every step is audited.
 *
 * <p>Concurrency: {@link #respond}, {@link #finishShadow} and {@link #finishDueShadows} run one at a
 * time in a process (the {@code loop} lock; the timer's call skips a round rather than wait for a long
 * patch). Across processes sharing the store, a family's patch is exclusive through a lease in the
 * store ({@code patch:FAMILY}, {@link Leases}); a second process asking meanwhile gets a {@link
 * PatchInProgressException}. A shadow period's live counts are in this process's memory ({@code
 * shadows}, a concurrent map read without the lock), and its lease ({@code shadow:RELEASE}, renewed by
 * {@link #renewLeases}) tells other servers that a live process holds it. Intake is thread-safe.
 */
public final class RapidResponse {
  private static final Logger log = LoggerFactory.getLogger(RapidResponse.class);

  /** How long a patch keeps its family from other processes unless renewed (a server renews it while it runs). */
  public static final Duration DEFAULT_PATCH_LEASE = Duration.ofMinutes(15);

  /**
   * How long a shadow period's lease outlives its holder's last renewal: after a crash or a restart,
   * the release waits this long before a server's {@link ShadowTimer} refuses it.
   */
  public static final Duration DEFAULT_SHADOW_LEASE = Duration.ofMinutes(2);

  private final ResponseStore store;
  private final Audit audit;
  private final Clock clock;
  private final Canonicalizer canonicalizer;
  private final @Nullable Embedder embedder;
  /** The same vectors, memoized: evaluation and exemplar thresholds embed the same benign texts again and again. */
  private final @Nullable Embedder memoEmbedder;
  private final Supplier<Encoder> encoder;
  private final Supplier<BaseClassifier> baseClassifier;
  private final Supplier<TrainingPool> pool;
  private final Vocabulary vocabulary;
  private final Proliferator.Settings proliferation;
  private final ClassifierPatcher.@Nullable Settings classifierPatch;
  private final Stage2Embeddings stage2Embeddings;
  private final ValidationGate gate;
  private final Registry registry;
  private final Deployments deployments;
  private final GateResults gateResults;
  private final ReleaseLoader loader;
  private final ReleasePipelines evaluation;
  private final Intake intake;
  private final @Nullable DeploymentWatcher watcher;
  private final @Nullable ReviewQueue reviews;
  private final List<String> promptPatchPolicies;
  private final Leases leases;
  private final String holder;
  private final Duration patchLease;
  private final Duration shadowLease;
  /** Serializes the loop: patches, shadow finishes. */
  private final ReentrantLock loop = new ReentrantLock();
  /** Shadow periods this process holds, by release; written under {@code loop}, read by anyone. */
  private final Map<String, ShadowRun> shadows = new ConcurrentHashMap<>();
  /** The lease of the patch running now, if any, for {@link #renewLeases}. */
  private final AtomicReference<@Nullable String> patching = new AtomicReference<>();

  private RapidResponse(Builder b) {
    Store s = requireNonNull(b.store, "store");
    this.clock = b.clock;
    this.store = new ResponseStore(s);
    this.audit = new Audit(s.events(), clock);
    this.canonicalizer = b.canonicalizer;
    this.embedder = b.embedder;
    this.encoder = requireNonNull(b.encoder, "encoder");
    this.baseClassifier = requireNonNull(b.baseClassifier, "baseClassifier");
    this.pool = requireNonNull(b.pool, "pool");
    this.vocabulary = b.vocabulary;
    this.proliferation = b.proliferation;
    this.classifierPatch = b.classifierPatch;
    this.stage2Embeddings = b.stage2Embeddings != null ? b.stage2Embeddings
        : b.embeddingCacheOnFirstUse != null ? Stage2Embeddings.onFirstUse(b.embeddingCacheOnFirstUse)
            : Stage2Embeddings.defaults(b.embeddingCache);
    this.gate = b.sharedGate != null ? b.sharedGate : new ValidationGate(b.gate, clock);
    this.registry = new Registry(store.jdbc(), audit);
    this.deployments = new Deployments(store.jdbc(), registry, audit);
    this.gateResults = new GateResults(store.jdbc(), audit);
    String encoderId = embedder != null ? embedder.encoderId() : "none";
    this.loader = new ReleaseLoader(registry, encoder, encoderId);
    this.memoEmbedder = embedder == null ? null : Embedder.memoizing(embedder, 20_000);
    Embedder evalEmbedder = memoEmbedder;
    this.evaluation = ReleasePipelines.builder()
        .base(requireNonNull(b.evaluationBase, "evaluationBase"))
        .embedder(() -> requireNonNull(evalEmbedder, "exemplar releases need an embedder"))
        .canonicalizer(canonicalizer)
        .offload(Runnable::run)
        .build();
    this.intake = new Intake(store, canonicalizer, embedder, audit, b.groupingCosine, b.groupingShingles);
    this.watcher = b.watcher;
    this.reviews = b.reviews;
    this.promptPatchPolicies = List.copyOf(b.promptPatchPolicies);
    this.leases = new Leases(store.jdbc(), b.leaseClock != null ? b.leaseClock : clock);
    this.holder = b.holder != null ? b.holder : Leases.newHolder();
    this.patchLease = b.patchLease;
    this.shadowLease = b.shadowLease;
  }

  public static Builder builder() {
    return new Builder();
  }

  public ResponseStore store() {
    return store;
  }

  public Registry registry() {
    return registry;
  }

  public Deployments deployments() {
    return deployments;
  }

  public GateResults gateResults() {
    return gateResults;
  }

  public ReleaseLoader loader() {
    return loader;
  }

  public Intake intake() {
    return intake;
  }

  public ValidationGate gate() {
    return gate;
  }

  /** Takes a report in (dedup, family). */
  public Intake.Result report(NewReport r) {
    return intake.submit(r);
  }

  /** Takes a report in (dedup, family); {@code actor} is who submitted it, for the audit log. */
  public Intake.Result report(NewReport r, String actor) {
    return intake.submit(r, actor);
  }

  /**
   * How to respond.
   *
   * @param seed proliferation's seed
   * @param classifier whether to build a classifier patch (when the responder has one configured)
   * @param exemplars whether to build an exemplar patch
   * @param signature whether to look for a signature rule
   * @param stopgap whether to fall back to a prompt patch when nothing that blocks passes the gate
   * @param canaryPolicies deploy as a canary for these policies instead of everywhere (empty: everywhere)
   * @param actor who asked, for the audit log
   * @param stage2 whether the classifier patch also fine-tunes the prompt stage-2 head (when the
   *     responder's classifier patch settings have a stage-2 recipe and the deployed bundle a prompt
   *     stage 2); off, the deployed head is kept
   */
  public record Options(long seed, boolean classifier, boolean exemplars, boolean signature, boolean stopgap,
      Set<String> canaryPolicies, String actor, boolean stage2) {
    public Options {
      canaryPolicies = Set.copyOf(canaryPolicies);
      requireNonNull(actor, "actor");
    }

    /** As the canonical constructor, with stage 2 retrained. */
    public Options(long seed, boolean classifier, boolean exemplars, boolean signature, boolean stopgap,
        Set<String> canaryPolicies, String actor) {
      this(seed, classifier, exemplars, signature, stopgap, canaryPolicies, actor, true);
    }

    /** Everything on, seed 1, everywhere. */
    public static Options defaults(String actor) {
      return new Options(1L, true, true, true, true, Set.of(), actor, true);
    }

    public Options withSeed(long s) {
      return new Options(s, classifier, exemplars, signature, stopgap, canaryPolicies, actor, stage2);
    }

    public Options withClassifier(boolean on) {
      return new Options(seed, on, exemplars, signature, stopgap, canaryPolicies, actor, stage2);
    }

    public Options withExemplars(boolean on) {
      return new Options(seed, classifier, on, signature, stopgap, canaryPolicies, actor, stage2);
    }

    public Options withSignature(boolean on) {
      return new Options(seed, classifier, exemplars, on, stopgap, canaryPolicies, actor, stage2);
    }

    public Options withCanary(Set<String> policies) {
      return new Options(seed, classifier, exemplars, signature, stopgap, policies, actor, stage2);
    }

    /** Whether the classifier patch fine-tunes the prompt stage-2 head too. */
    public Options withStage2(boolean on) {
      return new Options(seed, classifier, exemplars, signature, stopgap, canaryPolicies, actor, on);
    }

    public Options withActor(String who) {
      return new Options(seed, classifier, exemplars, signature, stopgap, canaryPolicies, who, stage2);
    }
  }

  /** One candidate and the gate's decision on it. */
  public record Attempt(Release release, GateResult gate) {}

  /**
   * What a response did.
   *
   * @param wrapper how proliferation split the attack (method and codec), or "none"
   * @param attempts every candidate put to the gate, in order
   * @param deployed the release deployed, or null (refused everywhere, or waiting for its shadow period)
   * @param shadowing the release in its shadow period, or null
   * @param deployment the deployment row written, or null
   * @param timings seconds per step: proliferate, exemplars, signature, classifier (with, inside it,
   *     classifier_stage2: the stage-2 head's fine-tune), gate, deploy, total
   */
  public record Outcome(String familyId, int variants, int twins, String wrapper, List<Attempt> attempts,
      @Nullable Release deployed, @Nullable Release shadowing, @Nullable DeploymentState deployment,
      Map<String, Double> timings) {}

  /**
   * Runs the loop for a family (see the class comment), holding the family's lease in the store while
   * it runs.
   *
   * @throws PatchInProgressException when another process is patching the family (nothing is written)
   * @throws ResponseException for an unknown family, or a shadow period configured where no watcher
   *     gives it live traffic (the CLI)
   */
  public Outcome respond(String familyId, Options options) {
    requireNonNull(options, "options");
    loop.lock();
    try {
      Family family = store.family(familyId).orElseThrow(() -> new ResponseException("no family " + familyId));
      if (watcher == null && !gate.settings().shadowPeriod().isZero()) {
        // Deploying without the shadow period would skip a check of the gate: refuse instead.
        throw new ResponseException("a shadow period of " + gate.settings().shadowPeriod() + " is configured, and it"
            + " needs live traffic: patch " + familyId + " inside the server (POST /admin/v1/families/" + familyId
            + "/patch), not here");
      }
      String lease = "patch:" + familyId;
      Leases.Claim claim = leases.acquire(lease, holder, patchLease);
      if (!claim.acquired()) {
        Leases.Lease other = claim.lease();
        audit.record("response.family.patch_busy", Json.object().put("family", familyId).put("actor", options.actor())
            .put("holder", other.holder()).put("since", other.acquiredAt().toString())
            .put("until", other.expiresAt().toString()));
        throw new PatchInProgressException(familyId, other.holder(), other.acquiredAt(), other.expiresAt());
      }
      patching.set(lease);
      try {
        return respondHolding(family, options);
      } finally {
        patching.set(null);
        try {
          leases.release(lease, holder);
        } catch (RuntimeException e) {
          // The lease expires on its own; the patch's own outcome (or failure) is what the caller needs.
          log.warn("rapid response: releasing {} failed; it expires at its time: {}", lease, e.toString());
        }
      }
    } finally {
      loop.unlock();
    }
  }

  private Outcome respondHolding(Family family, Options options) {
    String familyId = family.id();
    long start = System.nanoTime();
    Map<String, Double> timings = new LinkedHashMap<>();
    List<Exchange> examples = examples(familyId);
    // Who asked for what, switches included, before anything is built: the CLI and the admin API
    // differ only in how they fill these options.
    ObjectNode requested = Json.object().put("family", familyId).put("actor", options.actor())
        .put("seed", options.seed()).put("classifier", options.classifier()).put("exemplars", options.exemplars())
        .put("signature", options.signature()).put("stopgap", options.stopgap()).put("stage2", options.stage2());
    options.canaryPolicies().stream().sorted().forEach(requested.putArray("canary")::add);
    audit.record("response.family.patch_requested", requested);
    TrainingPool data = pool.get().withBenignRegression(store.benign());

    long t = System.nanoTime();
    Proliferator proliferator = new Proliferator(data, vocabulary, new WrapperSplitter(data.harmful(), harmScorer()), proliferation);
    Proliferator.Result pr = proliferator.proliferate(familyId, examples, options.seed());
    store.replaceVariants(familyId, pr.variants());
    List<Exchange> trainAttacks = new ArrayList<>();
    List<Variant> trainAttackVariants = new ArrayList<>();
    List<Exchange> heldBack = new ArrayList<>();
    List<Variant> twins = new ArrayList<>();
    for (Variant v : pr.variants()) {
      if (v.role() == Variant.Role.TWIN) {
        if (!v.heldBack()) {
          twins.add(v);
        }
      } else if (v.heldBack()) {
        heldBack.add(v.exchange());
      } else {
        trainAttacks.add(v.exchange());
        trainAttackVariants.add(v);
      }
    }
    String wrapper = pr.wrapper().map(w -> w.method() + "/" + (w.codec() == null ? "opaque" : w.codec().id())
        + (w.layout() == null ? "" : "/observed-layout")).orElse("none");
    audit.record("response.family.proliferated", Json.object().put("family", familyId).put("seed", options.seed())
        .put("variants", pr.variants().size()).put("held_back", heldBack.size()).put("twins", twins.size())
        .put("wrapper", wrapper));
    timings.put("proliferate", seconds(t));

    DeploymentState state = deployments.current();
    Release currentRelease = state.releaseId() == null ? null : registry.requireRelease(state.releaseId());
    LoadedRelease current = loader.load(state.releaseId());
    Release.Spec currentSpec = currentRelease == null ? Release.Spec.EMPTY : currentRelease.spec();
    String version = familyId + "-" + String.format(Locale.ROOT, "%d", clock.millis());

    String exemplarsId = null;
    t = System.nanoTime();
    if (options.exemplars() && memoEmbedder != null) {
      ExemplarPatcher.Result ex = ExemplarPatcher.withDefaults(memoEmbedder)
          .patch(current.exemplars(), "exemplars-" + version, familyId, examples, trainAttacks, data.benignCalibration());
      ObjectNode prov = provenance(familyId, options).put("threshold", ex.threshold())
          .put("max_benign_similarity", ex.maxBenignSimilarity()).put("exemplars", ex.exemplars())
          .put("vectors", ex.index().size()).put("families", ex.index().families().size());
      exemplarsId = registry.put(ArtifactKind.EXEMPLARS, familyId, ex.index().toArchive(prov).toBytes()).id();
    }
    timings.put("exemplars", seconds(t));

    String signaturesId = null;
    t = System.nanoTime();
    if (options.signature()) {
      List<Exchange> benign = new ArrayList<>(data.benignCalibration());
      benign.addAll(data.benignRegression());
      Optional<PhraseRule> rule = Signatures.find(familyId, examples.stream().map(Exchange::lastUserText).toList(),
          pr.wrapper(), benign);
      if (rule.isPresent()) {
        List<PhraseRule> rules = new ArrayList<>();
        for (PhraseRule r : current.signatures()) {
          if (!r.id().equals(Signatures.ruleId(familyId))) {
            rules.add(r);
          }
        }
        rules.add(rule.get());
        signaturesId = registry.put(ArtifactKind.SIGNATURES, familyId,
            Signatures.toArchive("signatures-" + version, rules, provenance(familyId, options).put("rules", rules.size()))
                .toBytes()).id();
      }
    }
    timings.put("signature", seconds(t));

    String classifierId = null;
    ClassifierPatcher.Stricter stricter = null;
    t = System.nanoTime();
    if (options.classifier() && classifierPatch != null) {
      // The detector runs beside the configured classifier (the reference); a release's detector
      // already knows the earlier families, so the next one starts from it.
      BaseClassifier reference = baseClassifier.get();
      BaseClassifier base = currentSpec.classifier() == null ? reference
          : BaseClassifier.of(registry.bytes(currentSpec.classifier()), encoder);
      Cascade referenceCascade = reference.bundle().cascade(canonicalizer, Ticker.system());
      double jailbreakThreshold = reference.bundle().promptThresholds().get(Category.JAILBREAK);
      List<TrainingText> attacks = new ArrayList<>();
      for (Exchange e : examples) {
        attacks.add(ClassifierPatcher.text(e, EnumSet.of(Category.JAILBREAK, Category.HARMFUL_OTHER)));
      }
      for (Variant v : trainAttackVariants) {
        attacks.add(ClassifierPatcher.text(v.exchange(), v.targets()));
      }
      List<TrainingText> negatives = new ArrayList<>();
      boolean enciphered = pr.wrapper().map(w -> w.codec() != PayloadCodec.IDENTITY).orElse(false);
      for (Variant v : twins) {
        // A wrapper the deployed model already calls a jailbreak stays one around a benign request,
        // as the training data labels it; so does a request hidden behind a cipher with an
        // instruction to decode it and comply, whatever it asks: that is evasion in itself. Otherwise
        // the twin is a true hard negative.
        boolean jailbreak = enciphered || referenceCascade.classifyPrompt(v.exchange().lastUserText()).probabilities().get(Category.JAILBREAK)
            >= jailbreakThreshold;
        negatives.add(ClassifierPatcher.text(v.exchange(), jailbreak ? Set.of(Category.JAILBREAK) : Set.of()));
      }
      List<TrainingText> extra = new ArrayList<>();
      store.regression().forEach((fam, list) -> {
        if (!fam.equals(familyId)) {
          list.forEach(e -> extra.add(ClassifierPatcher.text(e, EnumSet.of(Category.JAILBREAK))));
        }
      });
      ClassifierPatcher.Result cp = new ClassifierPatcher(classifierPatch, canonicalizer, encoder, stage2Embeddings)
          .patch(base, reference, attacks, negatives, extra, data, base.bundle().version() + "+" + familyId,
              provenance(familyId, options), options.stage2());
      classifierId = registry.put(ArtifactKind.CLASSIFIER, familyId, cp.archive()).id();
      stricter = cp.stricter();
      ClassifierPatcher.Stage2Outcome s2 = cp.stage2();
      ObjectNode s2n = Json.object().put("retrained", s2.retrained()).put("note", s2.note())
          .put("head_before", s2.headBefore()).put("head_after", s2.headAfter());
      if (s2.retrained()) {
        s2n.put("held_out_loss_before", s2.heldOutLossBefore()).put("held_out_loss_after", s2.heldOutLossAfter())
            .put("windows", s2.windows()).put("seconds", s2.seconds());
      }
      audit.record("response.classifier.patched", Json.object().put("family", familyId).put("artifact", classifierId)
          .put("actor", options.actor()).put("threshold", cp.threshold()).put("benign_fpr_before", cp.benignFprBefore())
          .put("benign_fpr_after", cp.benignFprAfter()).put("stage2_requested", options.stage2())
          .put("payload_threshold", cp.payloadRule() == null ? null : cp.payloadRule().threshold()).set("stage2", s2n));
      timings.put("classifier_stage2", s2.seconds());
    }
    timings.put("classifier", seconds(t));

    List<PromptPatch> otherPatches = new ArrayList<>();
    for (PromptPatch p : current.promptPatches()) {
      if (!p.familyId().equals(familyId)) {
        otherPatches.add(p);
      }
    }
    String withoutOwnPatch = otherPatches.size() == current.promptPatches().size() ? currentSpec.promptPatches()
        : otherPatches.isEmpty() ? null
        : registry.put(ArtifactKind.PROMPT_PATCHES, familyId,
            PromptPatch.toArchive("prompt-patches-" + version + "-retired", otherPatches, provenance(familyId, options)).toBytes()).id();

    List<Release.Spec> candidates = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Release.Spec blocking = currentSpec.withPromptPatches(withoutOwnPatch);
    if (exemplarsId != null) {
      blocking = blocking.withExemplars(exemplarsId);
    }
    if (signaturesId != null) {
      blocking = blocking.withSignatures(signaturesId);
    }
    if (classifierId != null) {
      candidates.add(blocking.withClassifier(classifierId));
      notes.add("exemplars, signature and classifier patch for " + familyId);
    }
    if (exemplarsId != null || signaturesId != null) {
      candidates.add(blocking);
      notes.add("exemplars and signature for " + familyId + (classifierId == null ? "" : " (without the classifier patch)"));
    }
    if (options.stopgap()) {
      List<PromptPatch> patches = new ArrayList<>(otherPatches);
      patches.add(PromptPatch.forFamily(familyId, pr.wrapper(), promptPatchPolicies));
      String pp = registry.put(ArtifactKind.PROMPT_PATCHES, familyId,
          PromptPatch.toArchive("prompt-patches-" + version, patches, provenance(familyId, options)).toBytes()).id();
      candidates.add(currentSpec.withPromptPatches(pp));
      notes.add("prompt patch (stopgap) for " + familyId);
    }

    t = System.nanoTime();
    ReleaseVerdicts currentVerdicts = verdicts(current);
    List<Exchange> benign = data.benignRegression();
    Map<String, List<Exchange>> regression = store.regression();
    List<Attempt> attempts = new ArrayList<>();
    Release passed = null;
    for (int i = 0; i < candidates.size(); i++) {
      if (i == 1 && stricter != null && detectorAloneRefused(attempts.get(0).gate(), benign.size())) {
        // The detector stopped the family but fired on a benign regression prompt or two: the same
        // detector at its stricter threshold (made with the patch, before the gate ran) is tried once
        // before giving the classifier patch up.
        String strictId = registry.put(ArtifactKind.CLASSIFIER, familyId, stricter.archive()).id();
        candidates.add(1, candidates.get(0).withClassifier(strictId));
        notes.add(1, notes.get(0) + String.format(Locale.ROOT, " (the stricter detector, threshold %.3f)",
            stricter.threshold()));
        audit.record("response.classifier.stricter", Json.object().put("family", familyId).put("artifact", strictId)
            .put("threshold", stricter.threshold()).put("refused", attempts.get(0).release().id()));
      }
      Release.Spec spec = candidates.get(i);
      Release r = registry.createRelease(currentRelease == null ? null : currentRelease.id(), familyId, spec, notes.get(i));
      boolean changes = !spec.withPromptPatches(null).equals(currentSpec.withPromptPatches(null));
      GateResult g = gate.evaluate(new ValidationGate.Input(r.id(), familyId, verdicts(loader.load(r)), currentVerdicts,
          heldBack, benign, regression, changes));
      if (g.passed() && gate.needsShadow(g)) {
        g = gateResults.record(g);
        attempts.add(new Attempt(r, g));
        startShadow(r, g, currentVerdicts, heldBack, options);
        timings.put("gate", seconds(t));
        timings.put("total", seconds(start));
        return new Outcome(familyId, pr.variants().size() - twinsCount(pr), twinsCount(pr), wrapper, attempts, null,
            registry.requireRelease(r.id()), null, timings);
      }
      g = gateResults.record(g);
      attempts.add(new Attempt(r, g));
      if (g.passed()) {
        passed = r;
        break;
      }
      registry.setStatus(r.id(), Release.Status.REFUSED);
      if (reviews != null) {
        reviews.enqueue(new ReviewQueue.NewItem("gate", "the validation gate refused " + r.id() + " for " + familyId + ": "
            + g.reason(), Priority.HIGH, familyId, null, "-", 0));
      }
    }
    timings.put("gate", seconds(t));

    t = System.nanoTime();
    DeploymentState deployed = null;
    if (passed != null) {
      deployed = deploy(passed, family, examples, heldBack, options);
    }
    timings.put("deploy", seconds(t));
    timings.put("total", seconds(start));
    return new Outcome(familyId, pr.variants().size() - twinsCount(pr), twinsCount(pr), wrapper, attempts,
        passed == null ? null : registry.requireRelease(passed.id()), null, deployed, timings);
  }

  /**
   * Whether the gate refused a candidate for benign false positives alone, and would not have without
   * those the detector stopped: a stricter detector can only help then. The detector runs last, so a
   * benign prompt counted against it is one no other stage stops; one counted against the exemplars or
   * the signature stays blocked whatever the detector's threshold.
   *
   * @param benignSize the size of the benign regression set the gate measured on
   */
  static boolean detectorAloneRefused(GateResult g, int benignSize) {
    // A refused result has at least one failed check (passed means every check passed).
    if (g.passed() || benignSize == 0
        || !g.checks().stream().allMatch(c -> c.passed() || c.name().equals(ValidationGate.BENIGN_FPR_RISE))) {
      return false;
    }
    GateResult.Check benign = g.check(ValidationGate.BENIGN_FPR_RISE).orElseThrow();
    int byDetector = benign.newlyBlockedBy().getOrDefault(ReleasePipelines.CLASSIFIER_STAGE, 0);
    double riseWithout = benign.value() - (double) byDetector / benignSize;
    return byDetector > 0 && riseWithout <= benign.limit() + 1e-12;
  }

  /**
   * Ends a release's shadow period now: adds the shadow check (from the live prompts seen so far) to
   * its gate result, and deploys it if it passes, or refuses it (with a review item). Refused too, with
   * the reason, when the deployment changed during the period (the candidate was built on and compared
   * with the release that ran when it started). Audited as {@code response.shadow.finished}.
   *
   * @param actor who ended it (a person, or the server's shadow timer), for the audit log and the
   *     deployment record
   * @throws ResponseException when this process holds no shadow period for the release
   */
  public GateResult finishShadow(String releaseId, String actor) {
    requireNonNull(actor, "actor");
    loop.lock();
    try {
      ShadowRun run = shadows.get(releaseId);
      if (run == null) {
        throw new ResponseException("release " + releaseId + " is not in a shadow period on this server");
      }
      return finish(run, actor, "ended");
    } finally {
      loop.unlock();
    }
  }

  /**
   * Ends the shadow periods that are due (the server's timer calls this): those whose period has
   * elapsed with at least {@code minShadowSamples} live prompts compared are judged; those still short
   * of prompts wait, up to {@code shadowExtension} past the period (audited once as {@code
   * response.shadow.extended}), and are then refused for want of traffic. Skips the round, returning
   * nothing, while a patch runs in this process.
   *
   * @param actor who ends them, for the audit log
   * @return the final gate results of the periods ended
   */
  public List<GateResult> finishDueShadows(String actor) {
    if (shadows.isEmpty() || !loop.tryLock()) {
      return List.of();
    }
    try {
      Instant now = clock.instant();
      int need = gate.settings().minShadowSamples();
      List<GateResult> out = new ArrayList<>();
      List<ShadowRun> runs = new ArrayList<>(shadows.values());
      runs.sort(Comparator.comparing(ShadowRun::releaseId));
      for (ShadowRun run : runs) {
        if (now.isBefore(run.due())) {
          continue;
        }
        long seen = run.stage().stats().total();
        if (seen >= need || !now.isBefore(run.deadline())) {
          try {
            out.add(finish(run, actor, seen >= need ? "due" : "deadline"));
          } catch (RuntimeException e) {
            // Out of memory already: the release stays in status shadow, and once its lease lapses the
            // shadow timer refuses it. Never deployed without a verdict.
            log.warn("rapid response: ending the shadow period of {} failed: {}", run.releaseId(), e.toString());
          }
        } else if (run.extended().compareAndSet(false, true)) {
          audit.record("response.shadow.extended", Json.object().put("release", run.releaseId())
              .put("family", run.familyId()).put("prompts", seen).put("need", need)
              .put("due", run.due().toString()).put("deadline", run.deadline().toString()));
        }
      }
      return out;
    } finally {
      loop.unlock();
    }
  }

  /**
   * Renews the leases this process holds: the patch running now and every shadow period. A shadow
   * period whose lease is gone (this process stalled past it, and another server refused the release
   * meanwhile) is dropped from memory. Runs without the loop lock, so a long patch never lets them lapse.
   */
  public void renewLeases() {
    String p = patching.get();
    if (p != null) {
      leases.renew(p, holder, patchLease);
    }
    for (ShadowRun run : List.copyOf(shadows.values())) {
      if (!leases.renew(shadowLeaseName(run.releaseId()), holder, shadowLease) && shadows.remove(run.releaseId(), run)) {
        log.warn("rapid response: lost the lease of {}'s shadow period; dropping it", run.releaseId());
        attachShadows();
      }
    }
  }

  /** The shadow stage of a release in its shadow period. */
  public Optional<ShadowStage> shadow(String releaseId) {
    ShadowRun run = shadows.get(releaseId);
    return run == null ? Optional.empty() : Optional.of(run.stage());
  }

  /** The releases whose shadow periods this process holds. */
  public Set<String> shadowReleaseIds() {
    return Set.copyOf(shadows.keySet());
  }

  /** Where a release's shadow period held here stands. */
  public Optional<ShadowProgress> shadowProgress(String releaseId) {
    ShadowRun run = shadows.get(releaseId);
    return run == null ? Optional.empty() : Optional.of(run.progress(gate.settings()));
  }

  /** This process's name in lease rows. */
  public String holder() {
    return holder;
  }

  /**
   * A shadow period in progress.
   *
   * @param started when it started (the injected clock)
   * @param due when the period has elapsed: it ends then if {@code minPrompts} were compared
   * @param deadline the latest it waits for them; then it is refused for want of traffic
   * @param stats the live prompts compared so far
   */
  public record ShadowProgress(String releaseId, @Nullable String familyId, Instant started, Instant due,
      Instant deadline, ShadowStage.Stats stats, int minPrompts, double maxDisagreement) {}

  private record ShadowRun(String releaseId, @Nullable String familyId, ShadowStage stage, GateResult offline,
      List<Exchange> heldBack, Options options, Instant started, Instant due, Instant deadline, AtomicBoolean extended) {
    ShadowProgress progress(ValidationGate.Settings s) {
      return new ShadowProgress(releaseId, familyId, started, due, deadline, stage.stats(), s.minShadowSamples(),
          s.maxShadowDisagreement());
    }
  }

  /** The name of a release's shadow-period lease in the store. */
  public static String shadowLeaseName(String releaseId) {
    return "shadow:" + releaseId;
  }

  private void startShadow(Release r, GateResult offline, ReleaseVerdicts currentVerdicts, List<Exchange> heldBack,
      Options options) {
    if (watcher == null) {
      throw new ResponseException("a shadow period needs live traffic: run it inside the server (no watcher attached here)");
    }
    Leases.Claim claim = leases.acquire(shadowLeaseName(r.id()), holder, shadowLease);
    if (!claim.acquired()) {
      throw new ResponseException("the shadow period of " + r.id() + " is held by " + claim.lease().holder());
    }
    ReviewQueue q = reviews;
    ShadowStage stage = new ShadowStage(r.id(), verdicts(loader.load(r)), currentVerdicts, d -> {
      if (q != null) {
        q.enqueue(new ReviewQueue.NewItem("gate", "shadow disagreement: " + r.id() + (d.candidateBlocks()
            ? " would block" : " would allow") + " a live prompt the running version "
            + (d.candidateBlocks() ? "allows" : "blocks"), Priority.NORMAL, r.familyId(), d.exchange(), "-", 0));
      }
    });
    ValidationGate.Settings s = gate.settings();
    Instant started = clock.instant();
    Instant due = started.plus(s.shadowPeriod());
    ShadowRun run = new ShadowRun(r.id(), r.familyId(), stage, offline, heldBack, options, started, due,
        due.plus(s.shadowExtension()), new AtomicBoolean());
    audit.record("response.shadow.started", Json.object().put("release", r.id()).put("family", r.familyId())
        .put("period_s", s.shadowPeriod().toSeconds()).put("started", started.toString()).put("due", due.toString())
        .put("deadline", run.deadline().toString()).put("min_prompts", s.minShadowSamples())
        .put("max_disagreement", s.maxShadowDisagreement()).put("holder", holder));
    shadows.put(r.id(), run);
    // The status last, after the lease: a server that sees SHADOW finds the lease live and leaves it be.
    registry.setStatus(r.id(), Release.Status.SHADOW);
    attachShadows();
  }

  /** Gives the watcher one stage that runs every shadow period held here (none: no stage). */
  private void attachShadows() {
    if (watcher == null) {
      return;
    }
    // Read and applied as one step, so that of two callers the later one's view is the one applied.
    synchronized (shadows) {
      List<ShadowRun> runs = new ArrayList<>(shadows.values());
      runs.sort(Comparator.comparing(ShadowRun::releaseId));
      watcher.shadow(runs.isEmpty() ? null : ShadowStage.combined(runs.stream().map(ShadowRun::stage).toList()));
    }
  }

  private GateResult finish(ShadowRun run, String actor, String trigger) {
    shadows.remove(run.releaseId());
    attachShadows();
    Release r = registry.requireRelease(run.releaseId());
    if (r.status() != Release.Status.SHADOW) {
      leases.release(shadowLeaseName(r.id()), holder);
      throw new ResponseException("release " + r.id() + " is no longer in its shadow period (" + r.status().wireName() + ")");
    }
    if (!leases.renew(shadowLeaseName(r.id()), holder, shadowLease)) {
      // This process stalled past its lease and another server may be refusing the release right now.
      throw new ResponseException("release " + r.id() + "'s shadow period is no longer held here (its lease lapsed)");
    }
    ShadowStage.Stats stats = run.stage().stats();
    DeploymentState now = deployments.current();
    String parent = r.parentId() == null ? Release.BASE : r.parentId();
    GateResult g = Objects.equals(now.releaseId(), r.parentId()) ? gate.withShadow(run.offline(), stats)
        : gate.withoutShadow(run.offline(), "shadow", "the deployment changed during the shadow period (" + parent
            + " when it started, " + now.stableName() + " now): the candidate was built on and compared with "
            + parent + "; patch the family again");
    audit.record("response.shadow.finished", Json.object().put("release", r.id()).put("family", r.familyId())
        .put("actor", actor).put("trigger", trigger).put("started", run.started().toString())
        .put("due", run.due().toString()).put("prompts", stats.total()).put("newly_blocked", stats.newlyBlocked())
        .put("newly_allowed", stats.newlyAllowed()).put("disagreement_rate", stats.disagreementRate())
        .put("passed", g.passed()).put("reason", g.reason()));
    g = gateResults.record(g);
    if (g.passed()) {
      Family family = store.family(requireNonNull(r.familyId())).orElseThrow();
      deploy(r, family, examples(family.id()), run.heldBack(), run.options().withActor(actor));
    } else {
      registry.setStatus(r.id(), Release.Status.REFUSED);
      if (reviews != null) {
        reviews.enqueue(new ReviewQueue.NewItem("gate", "shadow period refused " + r.id() + ": " + g.reason(),
            Priority.HIGH, r.familyId(), null, "-", 0));
      }
    }
    leases.release(shadowLeaseName(r.id()), holder);
    return g;
  }

  private DeploymentState deploy(Release r, Family family, List<Exchange> examples, List<Exchange> heldBack, Options options) {
    DeploymentState before = deployments.current();
    DeploymentState d;
    if (options.canaryPolicies().isEmpty()) {
      d = deployments.deploy(r.id(), options.actor(), "rapid response to " + family.id());
      registry.setStatus(r.id(), Release.Status.ACTIVE);
      if (before.releaseId() != null && !before.releaseId().equals(r.id())) {
        registry.setStatus(before.releaseId(), Release.Status.RETIRED);
      }
    } else {
      d = deployments.canary(r.id(), options.canaryPolicies(), options.actor(), "rapid response to " + family.id() + " (canary)");
      registry.setStatus(r.id(), Release.Status.CANARY);
    }
    if (watcher != null) {
      watcher.refresh();
    }
    LoadedRelease loaded = loader.load(r);
    boolean blocking = !r.spec().withPromptPatches(null).equals(
        (before.releaseId() == null ? Release.Spec.EMPTY : registry.requireRelease(before.releaseId()).spec()).withPromptPatches(null));
    if (blocking) {
      // What this release blocks of the family becomes its regression corpus: later releases must keep it.
      ReleaseVerdicts v = verdicts(loaded);
      List<Exchange> corpus = new ArrayList<>();
      for (Exchange e : examples) {
        if (v.blocks(e)) {
          corpus.add(e);
        }
      }
      for (Exchange e : heldBack) {
        if (v.blocks(e)) {
          corpus.add(e);
        }
      }
      store.addRegression(family.id(), corpus, "patch:" + r.id(), clock.instant());
      store.setFamilyStatus(family.id(), Family.Status.PATCHED, clock.instant());
    } else {
      store.setFamilyStatus(family.id(), Family.Status.STOPGAP, clock.instant());
      if (reviews != null) {
        reviews.enqueue(new ReviewQueue.NewItem("gate", "only a prompt patch is deployed for " + family.id()
            + ": nothing that blocks it passed the gate", Priority.HIGH, family.id(), null, "-", 0));
      }
    }
    return d;
  }

  /** The pipeline verdicts of a release, as evaluation composes it. */
  public ReleaseVerdicts verdicts(LoadedRelease release) {
    SafeguardPipeline p = evaluation.compose(release);
    return new ReleaseVerdicts(release.name(), p, ReleaseVerdicts.EVALUATION);
  }

  /** A family's distinct example exchanges, from all its reports. */
  public List<Exchange> examples(String familyId) {
    Set<Exchange> out = new LinkedHashSet<>();
    for (Report r : store.reports(familyId)) {
      out.addAll(r.exchanges());
    }
    if (out.isEmpty()) {
      throw new ResponseException("family " + familyId + " has no examples");
    }
    return new ArrayList<>(out);
  }

  /** The base classifier's harm score of a span (its highest category other than jailbreak), for wrapper splitting. */
  private java.util.function.ToDoubleFunction<String> harmScorer() {
    Cascade c = baseClassifier.get().bundle().cascade(canonicalizer, Ticker.system()).withBand(dev.bulwark.classify.cascade.Band.NONE);
    return text -> {
      var p = c.classifyPrompt(text).probabilities();
      double max = 0;
      for (Category cat : Category.ALL) {
        if (cat != Category.JAILBREAK) {
          max = Math.max(max, p.get(cat));
        }
      }
      return max;
    };
  }

  private ObjectNode provenance(String familyId, Options options) {
    return Json.object().put("family", familyId).put("seed", options.seed()).put("actor", options.actor())
        .put("made_at", clock.instant().toString()).put("generator", "bulwark-response");
  }

  private static int twinsCount(Proliferator.Result r) {
    return (int) r.variants().stream().filter(v -> v.role() == Variant.Role.TWIN).count();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Builds a {@link RapidResponse}. */
  public static final class Builder {
    private @Nullable Store store;
    private Clock clock = Clock.systemUTC();
    private @Nullable Clock leaseClock;
    private Canonicalizer canonicalizer = Canonicalizer.defaults();
    private @Nullable Embedder embedder;
    private @Nullable Supplier<Encoder> encoder;
    private @Nullable Supplier<BaseClassifier> baseClassifier;
    private @Nullable Supplier<TrainingPool> pool;
    private Vocabulary vocabulary = dev.bulwark.classify.data.Constitution.builtIn().vocabulary();
    private Proliferator.Settings proliferation = Proliferator.Settings.defaults();
    private ClassifierPatcher.@Nullable Settings classifierPatch = ClassifierPatcher.Settings.defaults();
    private @Nullable EmbeddingCache embeddingCache;
    private @Nullable Supplier<@Nullable EmbeddingCache> embeddingCacheOnFirstUse;
    private @Nullable Stage2Embeddings stage2Embeddings;
    private ValidationGate.Settings gate = ValidationGate.Settings.defaults();
    private @Nullable ValidationGate sharedGate;
    private @Nullable SafeguardPipeline evaluationBase;
    private @Nullable DeploymentWatcher watcher;
    private @Nullable ReviewQueue reviews;
    private List<String> promptPatchPolicies = List.of("*");
    private double groupingCosine = 0.90;
    private double groupingShingles = 0.50;
    private @Nullable String holder;
    private Duration patchLease = DEFAULT_PATCH_LEASE;
    private Duration shadowLease = DEFAULT_SHADOW_LEASE;

    private Builder() {}

    /** This responder's name in the store's leases (default: pid@host and a random suffix, {@link Leases#newHolder}). */
    public Builder holder(String holder) {
      if (holder.isBlank()) {
        throw new IllegalArgumentException("a lease holder needs a name");
      }
      this.holder = holder;
      return this;
    }

    /**
     * How long a patch's lease and a shadow period's lease last unless renewed (defaults {@link
     * #DEFAULT_PATCH_LEASE}, {@link #DEFAULT_SHADOW_LEASE}).
     */
    public Builder leases(Duration patch, Duration shadow) {
      if (patch.isNegative() || patch.isZero() || shadow.isNegative() || shadow.isZero()) {
        throw new IllegalArgumentException("leases must be positive, were " + patch + " and " + shadow);
      }
      this.patchLease = patch;
      this.shadowLease = shadow;
      return this;
    }

    public Builder store(Store store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /**
     * The clock leases are read by (default: {@link #clock}); servers sharing a PostgreSQL store pass
     * the database's ({@code StoreTime.clock}), so that their own clocks need not agree.
     */
    public Builder leaseClock(Clock leaseClock) {
      this.leaseClock = requireNonNull(leaseClock, "leaseClock");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder canonicalizer(Canonicalizer canonicalizer) {
      this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
      return this;
    }

    /** The embedder of exemplar patches and intake grouping; without one, neither uses embeddings. */
    public Builder embedder(Embedder embedder) {
      this.embedder = requireNonNull(embedder, "embedder");
      return this;
    }

    /** Supplies the stage-2 encoder when a classifier bundle with a stage 2 is read. */
    public Builder encoder(Supplier<Encoder> encoder) {
      this.encoder = requireNonNull(encoder, "encoder");
      return this;
    }

    /** The configured classifier, which the first classifier patch starts from. */
    public Builder baseClassifier(Supplier<BaseClassifier> base) {
      this.baseClassifier = requireNonNull(base, "base");
      return this;
    }

    /** The training pool (called once per response; memoize an expensive one). */
    public Builder pool(Supplier<TrainingPool> pool) {
      this.pool = requireNonNull(pool, "pool");
      return this;
    }

    public Builder vocabulary(Vocabulary vocabulary) {
      this.vocabulary = requireNonNull(vocabulary, "vocabulary");
      return this;
    }

    public Builder proliferation(Proliferator.Settings settings) {
      this.proliferation = requireNonNull(settings, "settings");
      return this;
    }

    /** Classifier patch settings, or null for no classifier patches. */
    public Builder classifierPatch(ClassifierPatcher.@Nullable Settings settings) {
      this.classifierPatch = settings;
      return this;
    }

    /**
     * The on-disk embedding cache a classifier patch's stage-2 fine-tune reads and fills (the one
     * {@code bulwark train --cache} fills: base prompts embedded for training are not embedded again).
     * The caller owns it and closes it after the responder. Ignored when {@link #stage2Embeddings} is set.
     */
    public Builder embeddingCache(EmbeddingCache cache) {
      this.embeddingCache = requireNonNull(cache, "cache");
      this.embeddingCacheOnFirstUse = null;
      return this;
    }

    /**
     * As {@link #embeddingCache}, opened by {@code cache} when a stage-2 fine-tune first needs a window
     * it has not embedded ({@link Stage2Embeddings#onFirstUse}), so that a patch that never gets there
     * leaves the cache alone; {@code cache} should memoize, and may answer null (no cache). For a
     * one-shot process (the CLI's patch).
     */
    public Builder embeddingCacheOnFirstUse(Supplier<@Nullable EmbeddingCache> cache) {
      this.embeddingCacheOnFirstUse = requireNonNull(cache, "cache");
      this.embeddingCache = null;
      return this;
    }

    /**
     * Stage-2 window embeddings to share (with their memory of replayed and calibration prompts), for
     * responders that come and go over the same data: the benchmark. Default: the responder's own.
     */
    public Builder stage2Embeddings(Stage2Embeddings embeddings) {
      this.stage2Embeddings = requireNonNull(embeddings, "embeddings");
      return this;
    }

    public Builder gate(ValidationGate.Settings settings) {
      this.gate = requireNonNull(settings, "settings");
      return this;
    }

    /**
     * A gate instance to share (its cache of the running version's false positives with it), for
     * responders that come and go over the same data: the benchmark. Overrides {@link #gate(ValidationGate.Settings)}.
     */
    public Builder sharedGate(ValidationGate gate) {
      this.sharedGate = requireNonNull(gate, "gate");
      return this;
    }

    /**
     * The configured pipeline evaluation builds on (built with an inline executor); its classifier
     * stage must be named {@code classifier} for a classifier patch to replace it.
     */
    public Builder evaluationBase(SafeguardPipeline base) {
      this.evaluationBase = requireNonNull(base, "base");
      return this;
    }

    /** The watcher of this process's gateways: deployments apply at once, and shadow periods can run. */
    public Builder watcher(DeploymentWatcher watcher) {
      this.watcher = requireNonNull(watcher, "watcher");
      return this;
    }

    /** Where refused candidates, stopgaps and shadow disagreements go for a person. */
    public Builder reviews(ReviewQueue reviews) {
      this.reviews = requireNonNull(reviews, "reviews");
      return this;
    }

    /** The policies prompt patches apply to (default {@code *}: all). */
    public Builder promptPatchPolicies(List<String> policies) {
      if (policies.isEmpty()) {
        throw new IllegalArgumentException("prompt patches need at least one policy");
      }
      this.promptPatchPolicies = List.copyOf(policies);
      return this;
    }

    /** Intake's grouping thresholds (default cosine 0.90, shingles 0.50). */
    public Builder grouping(double cosine, double shingles) {
      this.groupingCosine = cosine;
      this.groupingShingles = shingles;
      return this;
    }

    public RapidResponse build() {
      return new RapidResponse(this);
    }
  }
}
