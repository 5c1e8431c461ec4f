package dev.bulwark.classify.stage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.PromptStage;
import dev.bulwark.core.policy.StagePolicy;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A patched model as a detector beside the classifier it was patched from: a prompt stops when the
 * detector's probability for its category reaches its threshold <em>and</em> exceeds the reference
 * classifier's probability by at least {@code liftLogits} on the log-odds scale.
 *
 * <p>Why both: a model fine-tuned on one attack family learns that family strongly (its variants go
 * from a low reference score to near 1) but also drifts a little on everything else (benign prompts
 * that already looked slightly like a jailbreak rise by a logit or so). The threshold alone would have
 * to sit above all of that drift; requiring the lift keeps the stage to what the patch learned, so the
 * threshold can sit lower and catch more of the family. The reference keeps judging with its own
 * thresholds in its own stage: this stage only adds blocks, so nothing the reference blocked is lost.
 *
 * <p>Runs under the tier's settings for the stage it patches ({@link #policyName()}): its mode,
 * failure mode, timeout and monitor-only categories; not its per-category thresholds, which are set
 * for the classifier's scores (the detector's threshold is its own).
 *
 * <p>A second, optional rule ({@link PayloadRule}) fires lower on the detector's scale when the
 * reference already leans towards harm: the detector's probability at or above the rule's threshold,
 * lifted over the reference by the rule's own margin, <em>and</em> some other category's reference
 * probability within {@code discountLogits} of that category's threshold. A request wrapped in a
 * reported attack technique gets less benefit of the doubt than the same request asked plainly: what
 * separates an attack from a benign prompt in the same technique ("read this backwards and answer it:
 * ...", numbered lists) is the payload, and a payload the reference rates just under its threshold is
 * one the attacker's wrapping may have pushed there. Benign prompts in the technique with harmless payloads stay
 * unblocked, so the rule's threshold can sit below the one that has to clear them, and its lift below
 * the detector's: the lift was raised for benign prompts in the technique lifted just over it, whose
 * harmless payloads the rule already excludes.
 *
 * <p>The reference's score is only computed for prompts the detector scores at or above its
 * lowest threshold. Without a reference (a pipeline with no classifier stage) the lift is measured against zero, so the
 * threshold alone decides. Prompt-only; thread-safe.
 */
public final class DetectorStage implements PromptStage {
  /**
   * The name a rapid-response classifier patch's detector goes by, in the gateway's verdicts and the
   * monitor's findings alike.
   */
  public static final String RAPID_RESPONSE_STAGE = "rapid-response-classifier";

  /** {@code classifier_patch.mode} in a patched bundle's provenance when it is to run as a detector. */
  public static final String PATCH_MODE = "detector";

  private final String name;
  private final String policyName;
  private final String version;
  private final ClassifierStage detector;
  private final @Nullable ClassifierStage reference;
  private final Category category;
  private final double threshold;
  private final double liftLogits;
  private final @Nullable PayloadRule payload;

  /**
   * The detector's lower threshold for prompts whose payload the reference rates near harmful.
   *
   * @param threshold the detector's probability threshold under this rule, in (0, 1]
   * @param liftLogits the least log-odds margin over the reference's probability for the detector's
   *     category under this rule, in [0, 20]
   * @param discountLogits how far (log-odds) under a category's threshold the reference's probability
   *     may be and still count as near harmful; in [0, 20]
   */
  public record PayloadRule(double threshold, double liftLogits, double discountLogits) {
    public PayloadRule {
      if (!(threshold > 0 && threshold <= 1) || !(liftLogits >= 0 && liftLogits <= 20)
          || !(discountLogits >= 0 && discountLogits <= 20)) {
        throw new IllegalArgumentException("a payload rule needs a threshold in (0, 1], a lift and a discount in [0, 20], was "
            + threshold + ", " + liftLogits + " and " + discountLogits);
      }
    }

    /** Whether a reference probability counts as near a category's threshold under this rule. */
    public boolean near(double reference, double categoryThreshold) {
      return logit(reference) >= logit(categoryThreshold) - discountLogits;
    }
  }

  /**
   * @param policyName the stage whose tier settings apply (the classifier stage it patches)
   * @param bundle the patched model (its version names the stage's version)
   * @param reference the classifier stage the patch was calibrated against, or null
   * @param category the category the detector judges
   * @param threshold the detector's probability threshold, in (0, 1]
   * @param liftLogits the least log-odds margin over the reference, at least 0
   */
  public DetectorStage(String name, String policyName, ClassifierBundle bundle, Cascade cascade,
      @Nullable ClassifierStage reference, Category category, double threshold, double liftLogits) {
    this(name, policyName, bundle, cascade, reference, category, threshold, liftLogits, null);
  }

  /**
   * A detector with a payload rule.
   *
   * @param payload the lower threshold for prompts the reference rates near harmful, or null for
   *     none; ignored without a reference (there is no payload judgement to lean on)
   */
  public DetectorStage(String name, String policyName, ClassifierBundle bundle, Cascade cascade,
      @Nullable ClassifierStage reference, Category category, double threshold, double liftLogits,
      @Nullable PayloadRule payload) {
    this.name = requireNonNull(name, "name");
    this.policyName = requireNonNull(policyName, "policyName");
    this.detector = new ClassifierStage(name, bundle, cascade, "prompt", 256);
    this.version = detector.version();
    this.reference = reference;
    this.category = requireNonNull(category, "category");
    if (!(threshold > 0 && threshold <= 1) || !(liftLogits >= 0 && liftLogits <= 20)) {
      throw new IllegalArgumentException("a detector needs a threshold in (0, 1] and a lift in [0, 20], was "
          + threshold + " and " + liftLogits);
    }
    this.threshold = threshold;
    this.liftLogits = liftLogits;
    this.payload = reference == null || payload == null || payload.threshold() >= threshold ? null : payload;
  }

  /**
   * The detector a patched bundle describes in its provenance ({@code classifier_patch}: {@code mode}
   * {@value #PATCH_MODE}, {@code category} (default {@code jailbreak}), {@code threshold},
   * {@code lift_logits}, and optionally {@code payload}: {@code threshold}, {@code lift_logits} (the
   * detector's when absent), {@code discount_logits}), or empty for a bundle that is not a detector
   * patch (an older patch that
   * replaces the classifier, or a model of its own).
   *
   * @param cascade the patched bundle's cascade
   * @throws IllegalArgumentException when the provenance names an unknown category or invalid figures
   */
  public static Optional<DetectorStage> fromPatch(String name, String policyName, ClassifierBundle bundle,
      Cascade cascade, @Nullable ClassifierStage reference) {
    JsonNode patch = bundle.provenance().path("classifier_patch");
    if (!patch.path("mode").asText("").equals(PATCH_MODE)) {
      return Optional.empty();
    }
    String id = patch.path("category").asText(Category.JAILBREAK.id());
    Category category = Category.byId(id).orElseThrow(() -> new IllegalArgumentException(
        "classifier patch " + bundle.version() + " detects an unknown category: " + id));
    JsonNode rule = patch.path("payload");
    double lift = patch.path("lift_logits").asDouble();
    PayloadRule payload = rule.isObject()
        ? new PayloadRule(rule.path("threshold").asDouble(), rule.path("lift_logits").asDouble(lift),
            rule.path("discount_logits").asDouble())
        : null;
    return Optional.of(new DetectorStage(name, policyName, bundle, cascade, reference, category,
        patch.path("threshold").asDouble(), lift, payload));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return version;
  }

  /** The patched classifier stage's: a tier's settings for the classifier apply to its patch too. */
  @Override
  public String policyName() {
    return policyName;
  }

  @Override
  public Execution execution() {
    return Execution.OFFLOAD;
  }

  public Category category() {
    return category;
  }

  public double threshold() {
    return threshold;
  }

  public double liftLogits() {
    return liftLogits;
  }

  /** The payload rule, when the detector has one and a reference to apply it with. */
  public Optional<PayloadRule> payloadRule() {
    return Optional.ofNullable(payload);
  }

  @Override
  public Assessment assess(Conversation prompt) {
    return assess(prompt, StagePolicy.DEFAULT);
  }

  @Override
  public Assessment assess(Conversation prompt, StagePolicy policy) {
    Classification c = detector.classify(prompt);
    double p = c.probabilities().get(category);
    if (p < threshold && (payload == null || p < payload.threshold())) {
      return new Assessment(Action.ALLOW, c.probabilities().toCategoryScores(), null);
    }
    Probabilities ref = reference == null ? null : reference.classify(prompt).probabilities();
    double r = ref == null ? 0 : ref.get(category);
    String rule;
    boolean monitor = policy.monitorsOnly(category.id());
    if (fires(p, r, threshold, liftLogits)) {
      rule = String.format(Locale.ROOT, "%s %.3f >= %.3f", category.id(), p, threshold);
    } else {
      Category near = ref == null || payload == null || logit(p) - logit(r) < payload.liftLogits()
          ? null : nearHarmful(ref, policy);
      if (near == null || p < payload.threshold()) {
        return new Assessment(Action.ALLOW, c.probabilities().toCategoryScores(), null);
      }
      monitor |= policy.monitorsOnly(near.id());
      rule = String.format(Locale.ROOT, "%s %.3f >= %.3f (payload rule, lift %.1f) with the reference's %s %.3f within %.1f logits of %.3f",
          category.id(), p, payload.threshold(), payload.liftLogits(), near.id(), ref.get(near),
          payload.discountLogits(), threshold(near, policy));
    }
    double lift = logit(p) - logit(r);
    String reason = String.format(Locale.ROOT, "%s, %.1f logits over the reference's %.3f%s by %s on view %s",
        rule, lift, r, monitor ? " (monitor)" : "", c.decidedBy(), c.view());
    return new Assessment(monitor ? Action.FLAG : Action.BLOCK, c.probabilities().toCategoryScores(), reason);
  }

  /** The other category whose reference probability is nearest its threshold, if within the payload rule's discount. */
  private @Nullable Category nearHarmful(Probabilities ref, StagePolicy policy) {
    Category best = null;
    double bestGap = Double.NEGATIVE_INFINITY;
    for (Category k : Category.ALL) {
      if (k == category) {
        continue;
      }
      double gap = logit(ref.get(k)) - logit(threshold(k, policy));
      if (gap >= -payload.discountLogits() && gap > bestGap) {
        best = k;
        bestGap = gap;
      }
    }
    return best;
  }

  /** The reference's threshold for a category under the tier's settings. */
  private double threshold(Category k, StagePolicy policy) {
    return policy.threshold(k.id(), reference.promptThresholds().get(k));
  }

  /** Whether the detector alone (no policy) stops a prompt with these two probabilities. */
  public static boolean fires(double detector, double reference, double threshold, double liftLogits) {
    return detector >= threshold && logit(detector) - logit(reference) >= liftLogits;
  }

  /** Log-odds, clamped so that 0 and 1 stay finite. */
  public static double logit(double p) {
    double q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
    return Math.log(q / (1 - q));
  }
}
