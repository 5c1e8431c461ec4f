package dev.bulwark.response.patch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.FeatureHasher;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.PlattScaling;
import dev.bulwark.classify.model.ProgressListener;
import dev.bulwark.classify.model.Stage1Model;
import dev.bulwark.classify.model.Stage2Example;
import dev.bulwark.classify.model.Stage2Head;
import dev.bulwark.classify.model.Stage2Model;
import dev.bulwark.classify.model.Stage2Settings;
import dev.bulwark.classify.model.Stage2Trainer;
import dev.bulwark.classify.model.TrainingText;
import dev.bulwark.classify.stage.DetectorStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.TrainingPool;
import dev.bulwark.response.internal.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A classifier patch: the prompt model's stage 1 and its stage-2 head fine-tuned on a family's
 * variants, each starting from the deployed weights (guard fine-tuning, as in Peng et al. 2024), then
 * recalibrated.
 *
 * <p>Fine-tuning: plain stochastic gradient descent on the log loss of every category, over the attack
 * variants (each repeated {@code attackRepeat} times), the benign twins, and a replay sample of the
 * base training data (and of earlier families' regression corpora), so that the model learns the new
 * attack without forgetting the old ones or drifting on benign text. Starting from the deployed
 * weights with a small step keeps the model close to the one that was validated; only features the
 * new data touches move. Each category's Platt scaling is refitted on the corpus's calibration split.
 *
 * <p>Stage 2 (when the deployed bundle has a prompt stage 2, {@link Settings#stage2()} is set and the
 * caller did not ask to skip it): the prompt head is fine-tuned from its deployed weights ({@link
 * Stage2Trainer#fineTune}: AdamW, early stopping on a held-out loss) on the same mix, read through the
 * deployed encoder and window policy:
 * an even spread of the attack variants, the twins with their labels and earlier families' regression
 * exchanges ({@link Stage2#maxTexts()} of each), and a replay sample of the base training prompts. A
 * share of each family list and a sample of the calibration split's prompts are held out; the head's
 * Platt scaling is refitted on them. Embeddings go through {@link Stage2Embeddings} (memory, and an
 * {@link dev.bulwark.classify.model.EmbeddingCache} where one is configured), so the replayed and
 * calibration prompts are embedded once per responder. The completion models (both stages) are kept.
 *
 * <p>The result is a detector, not a replacement: the patched model runs beside the reference
 * classifier (the configured base, which keeps its own thresholds in its own stage) as a {@link
 * DetectorStage} that fires on {@link #DETECTED} when the patched probability reaches the detector's
 * threshold and rises at least {@link Settings#liftLogits()} above the reference's. Replacing the
 * reference, as earlier versions did, cost every other category: the family's twins teach the model to
 * rate some benign prompts higher, the one shared threshold had to rise to keep benign false positives
 * down, and 5 to 18 points of recall on plain harmful requests went with it (docs/response.md). The
 * threshold is {@link Settings#marginLogits()} above the highest benign calibration score among the
 * prompts the detector could add ({@link #detectorThreshold}). Drift on benign text lifts it a logit
 * or so; a family's variants are lifted by several, so the lift keeps the detector to what the patch
 * learned and lets the threshold sit lower.
 *
 * <p>Deterministic for a seed: the same inputs and settings give the same archive bytes, whatever
 * {@link Stage2Embeddings} already holds. Not thread-safe while patching; one patch at a time.
 */
public final class ClassifierPatcher {
  /** The {@code classifier_patch.mode} of a detector's archive. */
  public static final String DETECTOR_MODE = DetectorStage.PATCH_MODE;

  /** The category a detector judges: the family's technique, whatever the request inside it. */
  public static final Category DETECTED = Category.JAILBREAK;

  /** A detector never fires below this probability. */
  static final double MIN_DETECTOR_THRESHOLD = 0.5;

  private static final int K = Category.ALL.size();

  private final Settings settings;
  private final Canonicalizer canonicalizer;
  private final Supplier<Encoder> encoder;
  private final Stage2Embeddings embeddings;

  /**
   * @param replay base training texts replayed (a deterministic sample)
   * @param epochs passes over the fine-tuning set
   * @param learningRate the SGD step
   * @param attackRepeat how many times each attack variant is seen per epoch
   * @param liftLogits how far (log-odds) the detector's jailbreak probability must rise above the
   *     reference classifier's for the detector to fire; in [0, 20]
   * @param marginLogits how far (log-odds) the detector's threshold sits above the highest benign
   *     calibration score it would otherwise fire on; in [0, 20]
   * @param fallbackMarginLogits the same margin for the stricter detector the patch also makes, for
   *     when the gate refuses the first for benign false positives (its threshold is {@code
   *     fallbackMarginLogits - marginLogits} above the first's, also when that is the floor); at least
   *     {@code marginLogits}
   * @param payloadLiftLogits the detector's payload rule ({@link DetectorStage.PayloadRule}): the lift
   *     over the reference it needs; in [0, 20]
   * @param payloadDiscountLogits the payload rule: how far
   *     (log-odds) under a category's threshold the reference's probability may be for the prompt to
   *     count as near harmful; 0 for no payload rule; in [0, 20]
   * @param payloadFloor the payload rule's threshold is never below this detector probability; in
   *     (0, 1]
   * @param seed the sample and order seed
   * @param stage2 how the prompt stage-2 head is fine-tuned, or null to keep the deployed head
   */
  public record Settings(int replay, int epochs, double learningRate, int attackRepeat, double liftLogits,
      double marginLogits, double fallbackMarginLogits, double payloadLiftLogits, double payloadDiscountLogits,
      double payloadFloor, long seed, @Nullable Stage2 stage2) {
    public Settings {
      if (replay < 0 || epochs < 1 || epochs > 100 || !(learningRate > 0 && learningRate <= 10) || attackRepeat < 1
          || !(liftLogits >= 0 && liftLogits <= 20) || !(marginLogits >= 0 && marginLogits <= 20)
          || !(fallbackMarginLogits >= marginLogits && fallbackMarginLogits <= 20)
          || !(payloadLiftLogits >= 0 && payloadLiftLogits <= 20)
          || !(payloadDiscountLogits >= 0 && payloadDiscountLogits <= 20) || !(payloadFloor > 0 && payloadFloor <= 1)) {
        throw new IllegalArgumentException("invalid classifier patch settings: " + this);
      }
    }

    /**
     * 6000 replayed, 5 epochs, step 1.0, attacks three times, a lift of 2 logits (odds 7.4 times the
     * reference's) and a threshold 1 logit above the highest benign calibration score that passes the
     * lift (2 logits for the stricter detector), a payload rule for prompts the reference rates within
     * 1.5 logits of a category's threshold (a lift of 1.5, never below a detector probability of 0.4),
     * seed 1; stage 2 with {@link Stage2#defaults()}.
     */
    public static Settings defaults() {
      return new Settings(6000, 5, 1.0, 3, 2.0, 1.0, 2.0, 1.5, 1.5, 0.4, 1L, Stage2.defaults());
    }

    /** These settings with another stage-2 recipe, or null to keep the deployed stage-2 head. */
    public Settings withStage2(@Nullable Stage2 s) {
      return new Settings(replay, epochs, learningRate, attackRepeat, liftLogits, marginLogits, fallbackMarginLogits,
          payloadLiftLogits, payloadDiscountLogits, payloadFloor, seed, s);
    }

    /** These settings with another lift and threshold margins (log-odds): the detector's and the stricter one's. */
    public Settings withDetector(double lift, double margin, double fallbackMargin) {
      return new Settings(replay, epochs, learningRate, attackRepeat, lift, margin, fallbackMargin,
          payloadLiftLogits, payloadDiscountLogits, payloadFloor, seed, stage2);
    }

    /** These settings with another payload rule: its lift, its discount (0: none) and its floor. */
    public Settings withPayloadRule(double lift, double discountLogits, double floor) {
      return new Settings(replay, epochs, learningRate, attackRepeat, liftLogits, marginLogits, fallbackMarginLogits,
          lift, discountLogits, floor, seed, stage2);
    }
  }

  /**
   * How the prompt stage-2 head is fine-tuned.
   *
   * @param replay base training prompts replayed on the training side (a deterministic sample, the
   *     same for every family, so that its embeddings are reused)
   * @param calibration calibration-split prompts on the held-out side (a deterministic sample)
   * @param maxTexts the most texts taken from each family list (attack variants, twins, earlier
   *     regression exchanges): an even spread over the list, its first item included
   * @param maxWindows the most windows read per text: a longer text keeps its first {@code maxWindows
   *     - 1} and its last (the wrapper's opening and the end, where the request usually sits)
   * @param heldOutShare the share of each family list held out (at least one item of a list of two or
   *     more), for early stopping and Platt scaling
   * @param training the optimizer: epochs, patience, batch size, step, weight decay, positive-weight
   *     cap and seed (the architecture and hidden size are the deployed head's)
   */
  public record Stage2(int replay, int calibration, int maxTexts, int maxWindows, double heldOutShare,
      Stage2Settings training) {
    public Stage2 {
      requireNonNull(training, "training");
      if (replay < 0 || calibration < 0 || maxTexts < 1 || maxWindows < 1 || maxWindows > 64
          || !(heldOutShare >= 0.05 && heldOutShare <= 0.5)) {
        throw new IllegalArgumentException("invalid stage-2 patch settings: " + this);
      }
    }

    /**
     * 600 replayed, 300 calibration prompts held out, up to 80 texts of each family list, 2 windows a
     * text (the first and the last), 20% held out; AdamW at 5e-4 for up to 12 epochs (patience 3),
     * batches of 32.
     */
    public static Stage2 defaults() {
      return new Stage2(600, 300, 80, 2, 0.2, Stage2Settings.builder()
          .epochs(12).patience(3).batchSize(32).learningRate(5e-4).weightDecay(1e-4).maxPositiveWeight(50).seed(1)
          .build());
    }
  }

  /** A patcher with embeddings of its own (kept for its lifetime only, no on-disk cache). */
  public ClassifierPatcher(Settings settings, Canonicalizer canonicalizer, Supplier<Encoder> encoder) {
    this(settings, canonicalizer, encoder, Stage2Embeddings.defaults(null));
  }

  /** @param embeddings where stage 2's window embeddings come from and are kept (share it between patches) */
  public ClassifierPatcher(Settings settings, Canonicalizer canonicalizer, Supplier<Encoder> encoder,
      Stage2Embeddings embeddings) {
    this.settings = requireNonNull(settings, "settings");
    this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
    this.encoder = requireNonNull(encoder, "encoder");
    this.embeddings = requireNonNull(embeddings, "embeddings");
  }

  /**
   * What a patch made.
   *
   * @param archive the new bundle's archive bytes
   * @param bundle the bundle read back from them
   * @param threshold the detector's threshold
   * @param benignFprBefore the reference's false-positive rate on the benign calibration set
   * @param benignFprAfter the reference's and the detector's together
   * @param stage2 what became of the prompt stage-2 head
   * @param stricter the same detector at the stricter threshold ({@link Settings#fallbackMarginLogits()}),
   *     or null when that is the same threshold
   * @param payloadRule the detector's payload rule, or null when it has none
   */
  public record Result(byte[] archive, ClassifierBundle bundle, double threshold, double benignFprBefore,
      double benignFprAfter, Stage2Outcome stage2, @Nullable Stricter stricter,
      DetectorStage.@Nullable PayloadRule payloadRule) {}

  /** The stricter detector: its archive and threshold. */
  public record Stricter(byte[] archive, double threshold) {
    public Stricter {
      requireNonNull(archive, "archive");
    }
  }

  /**
   * What became of the prompt stage-2 head.
   *
   * @param retrained whether the patched bundle carries a fine-tuned head (otherwise the deployed one,
   *     or none)
   * @param note what was done, or why not
   * @param headBefore the deployed head's digest, or null without a prompt stage 2
   * @param headAfter the patched bundle's head digest, or null without a prompt stage 2
   * @param heldOutLossBefore the deployed head's loss on the held-out side (NaN when not retrained)
   * @param heldOutLossAfter the fine-tuned head's (NaN when not retrained)
   * @param windows the windows the fine-tune read, training and held-out sides together
   * @param seconds the time it took (cutting windows, embedding, training); 0 when not retrained
   */
  public record Stage2Outcome(boolean retrained, String note, @Nullable String headBefore, @Nullable String headAfter,
      double heldOutLossBefore, double heldOutLossAfter, int windows, double seconds) {
    public Stage2Outcome {
      requireNonNull(note, "note");
    }

    static Stage2Outcome kept(String note, @Nullable Stage2Model head) {
      String d = head == null ? null : head.version();
      return new Stage2Outcome(false, note, d, d, Double.NaN, Double.NaN, 0, 0);
    }
  }

  /**
   * Fine-tunes {@code base}'s prompt model into a detector beside {@code reference}.
   *
   * @param base the model to start from: the reference, or the detector of the release this patch
   *     follows (which knows the earlier families)
   * @param reference the classifier the detector runs beside (the configured base classifier): its
   *     flags and scores set the detector's threshold and lift
   * @param attacks the family's attack exchanges to learn, with their targets
   * @param negatives benign twins (their targets: usually none)
   * @param extraPositives earlier families' regression exchanges, replayed as positives
   * @param version the new bundle's version
   * @param provenance recorded in the archive (the patch adds its settings and figures)
   */
  public Result patch(BaseClassifier base, BaseClassifier reference, List<TrainingText> attacks,
      List<TrainingText> negatives, List<TrainingText> extraPositives, TrainingPool pool, String version,
      ObjectNode provenance) {
    return patch(base, reference, attacks, negatives, extraPositives, pool, version, provenance, true);
  }

  /**
   * Fine-tunes {@code base}'s prompt model, with or without its stage-2 head.
   *
   * @param stage2Requested false when whoever asked for this patch asked to keep the deployed stage-2
   *     head (a quicker patch): the provenance then says it was skipped on request, apart from a
   *     patcher whose {@link Settings#stage2()} is switched off or a base without a prompt stage 2
   * @see #patch(BaseClassifier, BaseClassifier, List, List, List, TrainingPool, String, ObjectNode)
   */
  public Result patch(BaseClassifier base, BaseClassifier reference, List<TrainingText> attacks,
      List<TrainingText> negatives, List<TrainingText> extraPositives, TrainingPool pool, String version,
      ObjectNode provenance, boolean stage2Requested) {
    if (attacks.isEmpty()) {
      throw new IllegalArgumentException("a classifier patch needs attack examples");
    }
    Stage1Model old = Stage1Model.readFrom(base.archive(), "prompt/s1/");
    FeatureHasher features = old.features();
    float[] w = new float[features.buckets() * K];
    double[] bias = new double[K];
    for (int f = 0; f < features.buckets(); f++) {
      for (Category c : Category.ALL) {
        w[f * K + c.ordinal()] = old.weight(f, c);
      }
    }
    for (Category c : Category.ALL) {
      bias[c.ordinal()] = old.bias(c);
    }

    List<TrainingText> data = new ArrayList<>();
    for (int r = 0; r < settings.attackRepeat(); r++) {
      attacks.forEach(t -> data.add(normalized(t)));
    }
    negatives.forEach(t -> data.add(normalized(t)));
    extraPositives.forEach(t -> data.add(normalized(t)));
    data.addAll(sample(pool.train(), settings.replay(), settings.seed()));

    // Each text's features once, not once per epoch (the same values, so the same weights).
    Sparse[] xs = new Sparse[data.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = Sparse.of(features, data.get(i).text());
    }
    Random random = new Random(settings.seed());
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double[] z = new double[K];
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      for (int index : order) {
        TrainingText t = data.get(index);
        Sparse x = xs[index];
        System.arraycopy(bias, 0, z, 0, K);
        for (int j = 0; j < x.size; j++) {
          int base0 = x.keys[j] * K;
          for (int c = 0; c < K; c++) {
            z[c] += w[base0 + c] * x.values[j];
          }
        }
        for (Category cat : Category.ALL) {
          int c = cat.ordinal();
          double g = sigmoid(z[c]) - (t.targets().contains(cat) ? 1.0 : 0.0);
          if (g == 0) {
            continue;
          }
          double step = settings.learningRate() * g;
          for (int j = 0; j < x.size; j++) {
            w[x.keys[j] * K + c] -= (float) (step * x.values[j]);
          }
          bias[c] -= step * 0.1;
        }
      }
    }

    Stage1Model raw = Stage1Model.of(features, w, bias, java.util.Collections.nCopies(K, PlattScaling.IDENTITY));
    List<PlattScaling> calibration = recalibrate(raw, old, pool.calibration());
    Stage1Model tuned = raw.withCalibration(calibration);

    ClassifierBundle b0 = base.bundle();
    ClassifierBundle.Builder nb = ClassifierBundle.builder(version)
        .promptStage1(tuned)
        .completionStage1(Stage1Model.readFrom(base.archive(), "completion/s1/"))
        .band(b0.band())
        .combine(b0.combine())
        .completionThresholds(b0.completionThresholds());
    Stage2Model promptStage2 = null;
    if (base.archive().has("prompt/s2/model.json") || base.archive().has("completion/s2/model.json")) {
      Encoder e = encoder.get();
      if (base.archive().has("prompt/s2/model.json")) {
        promptStage2 = Stage2Model.readFrom(base.archive(), "prompt/s2/", e);
      }
      if (base.archive().has("completion/s2/model.json")) {
        nb.completionStage2(Stage2Model.readFrom(base.archive(), "completion/s2/", e));
      }
    }
    ObjectNode stage2Provenance = Json.object();
    stage2Provenance.put("requested", stage2Requested);
    Stage2Outcome stage2;
    if (!stage2Requested) {
      stage2Provenance.put("skipped", "on_request");
      stage2 = Stage2Outcome.kept(promptStage2 == null
          ? "skipped on request (the base bundle has no prompt stage 2 either)"
          : "skipped on request: the deployed prompt stage-2 head is kept", promptStage2);
    } else if (settings.stage2() == null) {
      stage2Provenance.put("skipped", "switched_off");
      stage2 = Stage2Outcome.kept("switched off: the deployed prompt stage-2 head is kept", promptStage2);
    } else if (promptStage2 == null) {
      stage2Provenance.put("skipped", "no_prompt_stage2");
      stage2 = Stage2Outcome.kept("the base bundle has no prompt stage 2", null);
    } else {
      Stage2Patch s2 = fineTuneStage2(promptStage2, settings.stage2(), attacks, negatives, extraPositives, pool,
          stage2Provenance);
      stage2 = s2.outcome();
      promptStage2 = s2.model();
    }
    stage2Provenance.put("retrained", stage2.retrained()).put("note", stage2.note());
    nb.promptStage2(promptStage2);

    // The detector: the jailbreak probability of the final cascade (new stage 1, new stage 2 or the
    // kept one), beside the reference. Its threshold sits marginLogits above the highest benign
    // calibration score among the prompts it could add (not flagged by the reference, lifted enough).
    ClassifierBundle ref = reference.bundle();
    Cascade refCascade = ref.cascade(canonicalizer, Ticker.system());
    Cascade after = nb.cascade(canonicalizer, Ticker.system());
    List<Exchange> benign = pool.benignCalibration();
    double[][] refScores = probabilities(refCascade, benign);
    double[][] newScores = probabilities(after, benign);
    boolean[] refFlags = flags(refScores, ref.promptThresholds());
    double[] refJailbreak = column(refScores, DETECTED);
    double[] newJailbreak = column(newScores, DETECTED);
    double t = detectorThreshold(refFlags, refJailbreak, newJailbreak, settings.liftLogits(), settings.marginLogits());
    // The stricter detector sits the difference of the margins above the first, at the floor too.
    double raise = settings.fallbackMarginLogits() - settings.marginLogits();
    double strict = Math.min(1.0, sigmoid(DetectorStage.logit(t) + raise));
    // The payload rule: the same placement among the benign prompts the reference rates near harmful.
    DetectorStage.PayloadRule rule = null;
    DetectorStage.PayloadRule strictRule = null;
    boolean[] near = new boolean[benign.size()];
    if (settings.payloadDiscountLogits() > 0) {
      DetectorStage.PayloadRule probe = new DetectorStage.PayloadRule(1.0, settings.payloadLiftLogits(),
          settings.payloadDiscountLogits());
      for (int i = 0; i < near.length; i++) {
        for (Category c : Category.ALL) {
          near[i] |= c != DETECTED && probe.near(refScores[i][c.ordinal()], ref.promptThresholds().get(c));
        }
      }
      double pt = payloadThreshold(refFlags, near, refJailbreak, newJailbreak, settings.payloadLiftLogits(),
          settings.marginLogits(), settings.payloadFloor());
      if (pt < t) {
        rule = new DetectorStage.PayloadRule(pt, settings.payloadLiftLogits(), settings.payloadDiscountLogits());
      }
      double spt = Math.min(1.0, sigmoid(DetectorStage.logit(pt) + raise));
      if (spt < strict) {
        strictRule = new DetectorStage.PayloadRule(spt, settings.payloadLiftLogits(), settings.payloadDiscountLogits());
      }
    }
    nb.promptThresholds(new ClassifierBundle.Thresholds(1.0, Map.of(DETECTED, t)));
    int before = 0;
    int union = 0;
    int unionStrict = 0;
    for (int i = 0; i < benign.size(); i++) {
      before += refFlags[i] ? 1 : 0;
      union += refFlags[i] || fires(newJailbreak[i], refJailbreak[i], near[i], t, rule) ? 1 : 0;
      unionStrict += refFlags[i] || fires(newJailbreak[i], refJailbreak[i], near[i], strict, strictRule) ? 1 : 0;
    }
    double fpr0 = benign.isEmpty() ? 0 : (double) before / benign.size();
    double fpr1 = benign.isEmpty() ? 0 : (double) union / benign.size();
    double fprStrict = benign.isEmpty() ? 0 : (double) unionStrict / benign.size();

    ObjectNode p = provenance.deepCopy();
    ObjectNode patch = p.putObject("classifier_patch");
    patch.put("mode", DETECTOR_MODE);
    patch.put("base_version", b0.version());
    patch.put("base_digest", b0.digest());
    patch.put("reference_version", ref.version());
    patch.put("reference_digest", ref.digest());
    patch.put("method", "stage-1 fine-tune from the deployed weights (SGD), Platt refit; " + (stage2.retrained()
        ? "prompt stage-2 head fine-tuned from the deployed head (AdamW, early stopping on held-out loss), Platt refit"
        : stage2Requested ? "prompt stage 2 not retrained" : "prompt stage 2 not retrained (skipped on request)")
        + "; a jailbreak detector beside the reference, threshold and lift set on the final cascade");
    patch.put("attacks", attacks.size());
    patch.put("negatives", negatives.size());
    patch.put("extra_positives", extraPositives.size());
    patch.put("replay", Math.min(settings.replay(), pool.train().size()));
    patch.put("epochs", settings.epochs());
    patch.put("learning_rate", settings.learningRate());
    patch.put("attack_repeat", settings.attackRepeat());
    patch.put("seed", settings.seed());
    patch.set("stage2", stage2Provenance);
    patch.put("category", DETECTED.id());
    patch.put("threshold", t);
    patch.put("lift_logits", settings.liftLogits());
    patch.put("margin_logits", settings.marginLogits());
    patch.put("fallback_margin_logits", settings.fallbackMarginLogits());
    putPayloadRule(patch, rule, settings.payloadFloor());
    patch.put("benign_calibration", benign.size());
    patch.put("benign_fpr_before", fpr0);
    patch.put("benign_fpr_after", fpr1);
    byte[] bytes = nb.toArchive(p).toBytes();
    ClassifierBundle bundle = ClassifierBundle.read(ModelArchive.read(bytes, null), encoder);
    Stricter stricter = null;
    if (strict > t) {
      patch.put("threshold", strict);
      patch.put("benign_fpr_after", fprStrict);
      patch.put("stricter_than", bundle.digest());
      putPayloadRule(patch, strictRule, settings.payloadFloor());
      nb.promptThresholds(new ClassifierBundle.Thresholds(1.0, Map.of(DETECTED, strict)));
      stricter = new Stricter(nb.toArchive(p).toBytes(), strict);
    }
    return new Result(bytes, bundle, t, fpr0, fpr1, stage2, stricter, rule);
  }

  /**
   * Embeds what every stage-2 patch of {@code base} reads whatever the family (the replayed and the
   * calibration prompts), so that the first patch does not wait for it: for a service at start-up,
   * or a benchmark before its clock starts. Does nothing when stage 2 is switched off or the bundle
   * has no prompt stage 2.
   *
   * @return the windows now held for those prompts
   */
  public int warm(BaseClassifier base, TrainingPool pool) {
    Stage2 s = settings.stage2();
    if (s == null || !base.archive().has("prompt/s2/model.json")) {
      return 0;
    }
    Encoder e = Stage2Model.readFrom(base.archive(), "prompt/s2/", encoder.get()).encoder();
    List<String> windows = new ArrayList<>();
    for (TrainingText t : sample(pool.train(), s.replay(), settings.seed())) {
      windows.addAll(embeddings.windows(e, t.text(), s.maxWindows()));
    }
    for (TrainingText t : sample(pool.calibration(), s.calibration(), settings.seed())) {
      windows.addAll(embeddings.windows(e, t.text(), s.maxWindows()));
    }
    embeddings.embedAll(e, windows);
    return windows.size();
  }

  private record Stage2Patch(Stage2Model model, Stage2Outcome outcome) {}

  /** A text for stage 2 and the side it is on. */
  private record Item(TrainingText text, boolean heldOut) {}

  private Stage2Patch fineTuneStage2(Stage2Model deployed, Stage2 s, List<TrainingText> attacks,
      List<TrainingText> negatives, List<TrainingText> extraPositives, TrainingPool pool, ObjectNode prov) {
    long start = System.nanoTime();
    Encoder e = deployed.encoder();
    List<Item> items = new ArrayList<>();
    int[] family = new int[6];
    int i = 0;
    for (List<TrainingText> list : List.of(attacks, negatives, extraPositives)) {
      List<TrainingText> spread = spread(list, s.maxTexts());
      boolean[] held = heldOut(spread, s.heldOutShare(), settings.seed());
      for (int j = 0; j < spread.size(); j++) {
        items.add(new Item(normalized(spread.get(j)), held[j]));
        family[2 * i + (held[j] ? 1 : 0)]++;
      }
      i++;
    }
    List<TrainingText> replay = sample(pool.train(), s.replay(), settings.seed());
    replay.forEach(t -> items.add(new Item(t, false)));
    List<TrainingText> calibration = sample(pool.calibration(), s.calibration(), settings.seed());
    calibration.forEach(t -> items.add(new Item(t, true)));

    List<List<String>> windows = new ArrayList<>(items.size());
    List<String> all = new ArrayList<>();
    for (Item item : items) {
      List<String> w = embeddings.windows(e, item.text().text(), s.maxWindows());
      windows.add(w);
      all.addAll(w);
    }
    List<float[]> vectors = embeddings.embedAll(e, all);
    List<Stage2Example> train = new ArrayList<>();
    List<Stage2Example> held = new ArrayList<>();
    int at = 0;
    for (int k = 0; k < items.size(); k++) {
      int n = windows.get(k).size();
      if (n == 0) {
        continue;
      }
      Item item = items.get(k);
      Stage2Example x = new Stage2Example("t" + k, vectors.subList(at, at + n), item.text().targets());
      at += n;
      (item.heldOut() ? held : train).add(x);
    }

    ObjectNode data = prov.putObject("training");
    data.put("attacks", family[0]).put("twins", family[2]).put("regression", family[4]).put("replay", replay.size());
    ObjectNode side = prov.putObject("held_out");
    side.put("attacks", family[1]).put("twins", family[3]).put("regression", family[5])
        .put("calibration", calibration.size());
    prov.put("max_texts", s.maxTexts()).put("max_windows", s.maxWindows()).put("held_out_share", s.heldOutShare())
        .put("windows", all.size()).put("base_head", deployed.version());
    prov.set("settings", Json.MAPPER.valueToTree(s.training().toMap()));
    if (train.isEmpty() || held.isEmpty()) {
      String note = "nothing to " + (train.isEmpty() ? "train on" : "hold out") + ": the deployed prompt stage-2 head is kept";
      return new Stage2Patch(deployed, new Stage2Outcome(false, note, deployed.version(), deployed.version(),
          Double.NaN, Double.NaN, all.size(), seconds(start)));
    }
    Stage2Trainer.Trained tuned = new Stage2Trainer(s.training()).fineTune(deployed.head(), train, held,
        ProgressListener.NONE);
    double lossBefore = loss(deployed.head(), held, tuned.report().positiveWeights());
    double lossAfter = tuned.report().architecture() == Stage2Settings.Architecture.MLP ? tuned.report().mlpLoss()
        : tuned.report().logisticLoss();
    Stage2Model model = new Stage2Model(e, tuned.head());
    prov.put("head", model.version());
    prov.put("epochs", tuned.report().epochs());
    prov.put("held_out_loss_before", lossBefore);
    prov.put("held_out_loss_after", lossAfter);
    prov.set("report", Json.MAPPER.valueToTree(tuned.report().toMap()));
    String note = String.format(java.util.Locale.ROOT,
        "fine-tuned on %d texts (%d held out), best epoch %d, held-out loss %.4f -> %.4f", train.size(), held.size(),
        tuned.report().epochs(), lossBefore, lossAfter);
    return new Stage2Patch(model, new Stage2Outcome(true, note, deployed.version(), model.version(), lossBefore,
        lossAfter, all.size(), seconds(start)));
  }

  /** Up to {@code max} items spread evenly over the list, its first included. */
  static <T> List<T> spread(List<T> list, int max) {
    if (list.size() <= max) {
      return list;
    }
    List<T> out = new ArrayList<>(max);
    for (int k = 0; k < max; k++) {
      out.add(list.get((int) ((long) k * list.size() / max)));
    }
    return out;
  }

  /** Which items are held out: the first {@code round(share * n)} in a seeded hash order (one at least, never all; none of one item). */
  static boolean[] heldOut(List<TrainingText> texts, double share, long seed) {
    int n = texts.size();
    boolean[] held = new boolean[n];
    if (n < 2) {
      return held;
    }
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer k) -> mix(texts.get(k).text().hashCode() ^ (int) seed))
        .thenComparing(k -> texts.get(k).text()).thenComparingInt(k -> k));
    int m = (int) Math.max(1, Math.min(n - 1, Math.round(share * n)));
    for (int k = 0; k < m; k++) {
      held[order[k]] = true;
    }
    return held;
  }

  /** The trainer's held-out loss (positive-weighted binary cross-entropy of each category's largest window logit, mean over examples and categories) of a head. */
  static double loss(Stage2Head head, List<Stage2Example> examples, Map<Category, Double> positiveWeights) {
    double sum = 0;
    for (Stage2Example x : examples) {
      double[] z = null;
      for (float[] w : x.windows()) {
        double[] zw = head.logits(w);
        if (z == null) {
          z = zw;
        } else {
          for (int c = 0; c < K; c++) {
            z[c] = Math.max(z[c], zw[c]);
          }
        }
      }
      for (Category c : Category.ALL) {
        boolean y = x.targets().contains(c);
        double v = requireNonNull(z)[c.ordinal()];
        double bce = Math.max(v, 0) - (y ? v : 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(v)));
        sum += (y ? positiveWeights.getOrDefault(c, 1.0) : 1.0) * bce;
      }
    }
    return examples.isEmpty() ? Double.NaN : sum / ((double) examples.size() * K);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private List<PlattScaling> recalibrate(Stage1Model raw, Stage1Model old, List<TrainingText> cal) {
    double[][] logits = new double[K][cal.size()];
    boolean[][] labels = new boolean[K][cal.size()];
    for (int i = 0; i < cal.size(); i++) {
      TrainingText t = cal.get(i);
      double[] l = raw.logits("", t.text());
      for (Category c : Category.ALL) {
        logits[c.ordinal()][i] = l[c.ordinal()];
        labels[c.ordinal()][i] = t.targets().contains(c);
      }
    }
    List<PlattScaling> out = new ArrayList<>();
    for (Category c : Category.ALL) {
      Optional<PlattScaling> fit = PlattScaling.fit(logits[c.ordinal()], labels[c.ordinal()]);
      out.add(fit.orElse(old.calibration().get(c.ordinal())));
    }
    return out;
  }

  private TrainingText normalized(TrainingText t) {
    return new TrainingText(t.context(), canonicalizer.canonicalize(t.text()).primary().text(), t.targets());
  }

  /** The attack message of an exchange as a prompt training text (whole conversation when it has several turns). */
  public static TrainingText text(Exchange e, java.util.Set<Category> targets) {
    return new TrainingText("", e.prompt().size() > 1 ? e.promptText() : e.lastUserText(), targets);
  }

  /** Each exchange's prompt probabilities: the last user turn's, and the whole conversation's when higher. */
  private static double[][] probabilities(Cascade cascade, List<Exchange> exchanges) {
    double[][] out = new double[exchanges.size()][];
    for (int i = 0; i < out.length; i++) {
      Exchange e = exchanges.get(i);
      double[] p = cascade.classifyPrompt(e.lastUserText()).probabilities().toArray();
      if (e.prompt().size() > 1) {
        double[] w = cascade.classifyPrompt(e.promptText()).probabilities().toArray();
        for (int c = 0; c < K; c++) {
          p[c] = Math.max(p[c], w[c]);
        }
      }
      out[i] = p;
    }
    return out;
  }

  private static boolean[] flags(double[][] probabilities, ClassifierBundle.Thresholds thresholds) {
    boolean[] out = new boolean[probabilities.length];
    for (int i = 0; i < out.length; i++) {
      for (Category c : Category.ALL) {
        out[i] |= probabilities[i][c.ordinal()] >= thresholds.get(c);
      }
    }
    return out;
  }

  private static double[] column(double[][] probabilities, Category c) {
    double[] out = new double[probabilities.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = probabilities[i][c.ordinal()];
    }
    return out;
  }

  private boolean fires(double detector, double reference, boolean nearHarmful, double threshold,
      DetectorStage.@Nullable PayloadRule rule) {
    return DetectorStage.fires(detector, reference, threshold, settings.liftLogits())
        || rule != null && nearHarmful && DetectorStage.fires(detector, reference, rule.threshold(), rule.liftLogits());
  }

  private static void putPayloadRule(ObjectNode patch, DetectorStage.@Nullable PayloadRule rule, double floor) {
    patch.remove("payload");
    if (rule != null) {
      patch.putObject("payload").put("threshold", rule.threshold()).put("lift_logits", rule.liftLogits())
          .put("discount_logits", rule.discountLogits()).put("floor", floor);
    }
  }

  /**
   * The payload rule's threshold: {@link #detectorThreshold}'s placement among only the benign prompts
   * the reference rates near harmful ({@code nearHarmful}), never below {@code floor}. Few benign
   * calibration prompts are near harmful and lifted, so the highest of them says little about the
   * other half's: the floor is what keeps the rule from firing on the detector's noise (the detector
   * rates most benign prompts under 0.1; docs/response.md shows what lower floors cost).
   */
  static double payloadThreshold(boolean[] referenceFlags, boolean[] nearHarmful, double[] reference,
      double[] detector, double liftLogits, double marginLogits, double floor) {
    if (nearHarmful.length != referenceFlags.length) {
      throw new IllegalArgumentException("scores of different sets: " + referenceFlags.length + " and "
          + nearHarmful.length);
    }
    boolean[] excluded = new boolean[referenceFlags.length];
    for (int i = 0; i < excluded.length; i++) {
      excluded[i] = referenceFlags[i] || !nearHarmful[i];
    }
    return placed(excluded, reference, detector, liftLogits, marginLogits, floor);
  }

  /**
   * The detector's threshold: {@code marginLogits} (log-odds) above the highest detector score among
   * the benign prompts the reference does not flag and the detector lifts by at least {@code
   * liftLogits}, and never below {@value #MIN_DETECTOR_THRESHOLD}. The margin is there because the
   * validation gate counts false positives on the other half of the benign prompts, where one more
   * prompt is over its limit: a threshold just above the highest calibration score leaves a gate-half
   * prompt above it about half the time (the larger of two samples of the same size).
   */
  static double detectorThreshold(boolean[] referenceFlags, double[] reference, double[] detector, double liftLogits,
      double marginLogits) {
    if (referenceFlags.length != reference.length || reference.length != detector.length) {
      throw new IllegalArgumentException("scores of different sets: " + referenceFlags.length + ", " + reference.length
          + " and " + detector.length);
    }
    return placed(referenceFlags, reference, detector, liftLogits, marginLogits, MIN_DETECTOR_THRESHOLD);
  }

  /**
   * {@code marginLogits} above the highest detector score among the prompts not excluded whose score is
   * lifted at least {@code liftLogits} over the reference's, within [{@code floor}, 1].
   */
  private static double placed(boolean[] excluded, double[] reference, double[] detector, double liftLogits,
      double marginLogits, double floor) {
    double highest = 0;
    for (int i = 0; i < detector.length; i++) {
      if (!excluded[i] && DetectorStage.logit(detector[i]) - DetectorStage.logit(reference[i]) >= liftLogits) {
        highest = Math.max(highest, detector[i]);
      }
    }
    double t = highest == 0 ? 0 : sigmoid(DetectorStage.logit(highest) + marginLogits);
    return Math.min(1.0, Math.max(floor, t));
  }

  private static List<TrainingText> sample(List<TrainingText> texts, int max, long seed) {
    if (texts.size() <= max) {
      return texts;
    }
    List<TrainingText> sorted = new ArrayList<>(texts);
    Map<TrainingText, Integer> keys = new HashMap<>();
    for (TrainingText t : sorted) {
      keys.put(t, mix(t.text().hashCode() ^ (int) seed));
    }
    sorted.sort(Comparator.comparingInt((TrainingText t) -> keys.get(t)).thenComparing(TrainingText::text));
    return sorted.subList(0, max);
  }

  private static double sigmoid(double z) {
    return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** A text's distinct feature buckets with their values {@code sqrt(count) / sqrt(total)}, as stage 1 scores them. */
  private static final class Sparse {
    final int[] keys;
    final double[] values;
    final int size;

    private Sparse(int[] keys, double[] values, int size) {
      this.keys = keys;
      this.values = values;
      this.size = size;
    }

    static Sparse of(FeatureHasher features, String text) {
      int[] all = features.features(FeatureHasher.Namespace.TEXT, text);
      if (all.length == 0) {
        return new Sparse(new int[0], new double[0], 0);
      }
      int[] sorted = all.clone();
      Arrays.sort(sorted);
      int[] keys = new int[sorted.length];
      double[] values = new double[sorted.length];
      int n = 0;
      double norm = Math.sqrt(all.length);
      for (int i = 0; i < sorted.length; ) {
        int j = i;
        while (j < sorted.length && sorted[j] == sorted[i]) {
          j++;
        }
        keys[n] = sorted[i];
        values[n] = Math.sqrt(j - i) / norm;
        n++;
        i = j;
      }
      return new Sparse(Arrays.copyOf(keys, n), Arrays.copyOf(values, n), n);
    }
  }
}
