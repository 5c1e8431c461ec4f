package dev.bulwark.classify.stage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.classify.Category;
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
 * <p>The reference's score is only computed for prompts the detector scores at or above its
 * threshold. Without a reference (a pipeline with no classifier stage) the lift is measured against zero, so the
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
  }

  /**
   * The detector a patched bundle describes in its provenance ({@code classifier_patch}: {@code mode}
   * {@value #PATCH_MODE}, {@code category} (default {@code jailbreak}), {@code threshold},
   * {@code lift_logits}), or empty for a bundle that is not a detector patch (an older patch that
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
    return Optional.of(new DetectorStage(name, policyName, bundle, cascade, reference, category,
        patch.path("threshold").asDouble(), patch.path("lift_logits").asDouble()));
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

  @Override
  public Assessment assess(Conversation prompt) {
    return assess(prompt, StagePolicy.DEFAULT);
  }

  @Override
  public Assessment assess(Conversation prompt, StagePolicy policy) {
    Classification c = detector.classify(prompt);
    double p = c.probabilities().get(category);
    if (p < threshold) {
      return new Assessment(Action.ALLOW, c.probabilities().toCategoryScores(), null);
    }
    double r = reference == null ? 0 : reference.classify(prompt).probabilities().get(category);
    if (!fires(p, r, threshold, liftLogits)) {
      return new Assessment(Action.ALLOW, c.probabilities().toCategoryScores(), null);
    }
    double lift = logit(p) - logit(r);
    boolean monitor = policy.monitorsOnly(category.id());
    String reason = String.format(Locale.ROOT, "%s %.3f >= %.3f, %.1f logits over the reference's %.3f%s by %s on view %s",
        category.id(), p, threshold, lift, r, monitor ? " (monitor)" : "", c.decidedBy(), c.view());
    return new Assessment(monitor ? Action.FLAG : Action.BLOCK, c.probabilities().toCategoryScores(), reason);
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
