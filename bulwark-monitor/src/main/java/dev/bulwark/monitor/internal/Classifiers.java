package dev.bulwark.monitor.internal;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.classify.stage.DetectorStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.monitor.analyzer.AnalysisContext;
import dev.bulwark.monitor.analyzer.Severity;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The classifier cascade in the shapes the monitor uses: stage 1 alone (the cheap node), the
 * bundle's own cascade (stage 2 within its band), and stage 2 on everything (the expensive node).
 * Immutable and thread-safe.
 */
final class Classifiers {
  /** The memo key of the stage-1 classification of an exchange's last user turn. */
  static final String LAST_TURN_STAGE1 = "classifier.stage1.last_turn";

  /** The name of a rapid-response classifier patch's findings and labels, as the gateway's stage. */
  static final String DETECTOR = DetectorStage.RAPID_RESPONSE_STAGE;

  final ClassifierBundle bundle;
  final Cascade stage1;
  final Cascade banded;
  final Cascade stage2;
  private final Ticker ticker;
  private final ClassifierStage reference;
  private final Object detectorLock = new Object();
  // @GuardedBy("detectorLock"): the detector of the last patch asked for (patches change rarely).
  private @Nullable ClassifierBundle detectorPatch;
  private Optional<DetectorStage> detector = Optional.empty();

  Classifiers(ClassifierBundle bundle, Ticker ticker) {
    this.bundle = bundle;
    this.ticker = ticker;
    Cascade c = bundle.cascade(Canonicalizer.defaults(), ticker);
    this.stage1 = c.withBand(Band.NONE);
    this.banded = c;
    this.stage2 = bundle.hasStage2() ? c.withBand(new Band(0.0, 1.0)) : this.stage1;
    // As the gateway's classifier stage judges prompts: the bundle's band. A patch's lift is measured
    // against it, as in the gateway.
    this.reference = new ClassifierStage("classifier", bundle, c, "prompt", 256);
  }

  /**
   * The detector of a rapid-response classifier patch beside this classifier, built once per patch;
   * empty for a patch that is not a detector.
   */
  Optional<DetectorStage> detector(ClassifierBundle patch) {
    synchronized (detectorLock) {
      if (patch != detectorPatch) {
        detector = DetectorStage.fromPatch(DETECTOR, "classifier", patch, patch.cascade(Canonicalizer.defaults(), ticker),
            reference);
        detectorPatch = patch;
      }
      return detector;
    }
  }

  /** Stage 1 on the last user turn, computed once per run. */
  Classification lastTurnStage1(String lastTurn, AnalysisContext context) {
    return context.memo(LAST_TURN_STAGE1, () -> stage1.classifyPrompt(lastTurn));
  }

  static Severity severity(Category c) {
    return c.cbrn() ? Severity.HIGH : Severity.MEDIUM;
  }

  static double[] rounded(Probabilities p) {
    double[] a = p.toArray();
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.round(a[i] * 1000) / 1000.0;
    }
    return a;
  }
}
