package dev.bulwark.monitor.internal;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.cascade.LiveClassifierPatch;
import dev.bulwark.classify.stage.DetectorStage;
import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.monitor.analyzer.AnalysisContext;
import dev.bulwark.monitor.analyzer.Analyzer;
import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.AnalyzerFactory;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.Settings;
import dev.bulwark.monitor.analyzer.Severity;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code exchange_classifier}: the real-time classifier cascade, run again over the whole exchange,
 * the prompt and the completion read in the context of the prompt.
 *
 * <pre>
 * settings:
 *   stage: 1            # 1: stage 1 only (cheap, about 25 microseconds a text);
 *                       # 2: stage 2 on every text (the MiniLM encoder, a few milliseconds)
 *   prompt: last_turn   # which prompt text is scored: last_turn (what this exchange added;
 *                       # earlier turns were scored with their own exchanges) or all
 *   prompt_threshold: 0.42       # a finding at or above; default: the model's calibrated threshold
 *   completion_threshold: 0.33
 * </pre>
 *
 * Outputs: {@code score} (the higher of the two), {@code category}, values {@code prompt_score}
 * and {@code completion_score}. A finding when either reaches its threshold: high severity for the
 * CBRN categories, medium otherwise.
 *
 * <p>A stage-2 node also runs the deployed rapid-response classifier patch, when it is a detector
 * ({@link AnalyzerEnvironment#releaseClassifier()}), on the prompt as the gateway does: beside this
 * classifier, which it must beat by its lift. When it fires: a high-severity finding in its category,
 * labelled {@code rapid-response-classifier}.
 */
final class ClassifierAnalyzer implements Analyzer {
  private final Supplier<Classifiers> classifiers;
  private final LiveClassifierPatch releaseClassifier;
  private final int stage;
  private final boolean lastTurn;
  private final double promptThreshold;
  private final double completionThreshold;

  /** Thresholds below zero mean the model's calibrated ones. */
  private ClassifierAnalyzer(Supplier<Classifiers> classifiers, LiveClassifierPatch releaseClassifier, int stage,
      boolean lastTurn, double promptThreshold, double completionThreshold) {
    this.classifiers = classifiers;
    this.releaseClassifier = releaseClassifier;
    this.stage = stage;
    this.lastTurn = lastTurn;
    this.promptThreshold = promptThreshold;
    this.completionThreshold = completionThreshold;
  }

  static AnalyzerFactory factory(Supplier<Classifiers> classifiers, LiveClassifierPatch releaseClassifier) {
    return new AnalyzerFactory() {
      @Override
      public String name() {
        return "exchange_classifier";
      }

      @Override
      public Set<String> values() {
        return Set.of("prompt_score", "completion_score");
      }

      @Override
      public Analyzer create(Settings s) {
        s.allow("stage", "prompt", "prompt_threshold", "completion_threshold");
        int stage = s.integer("stage", 1, 1, 2);
        boolean lastTurn = s.choice("prompt", "last_turn", "last_turn", "all").equals("last_turn");
        double pt = s.has("prompt_threshold") ? s.number("prompt_threshold", 0, 0, 1) : -1;
        double ct = s.has("completion_threshold") ? s.number("completion_threshold", 0, 0, 1) : -1;
        return new ClassifierAnalyzer(classifiers, releaseClassifier, stage, lastTurn, pt, ct);
      }
    };
  }

  static Supplier<Classifiers> classifiers(AnalyzerEnvironment env) {
    return AnalyzerEnvironment.memoize(() -> new Classifiers(env.bundle(), env.ticker()));
  }

  @Override
  public void prepare() {
    classifiers.get();
  }

  @Override
  public NodeOutput analyze(Exchange exchange, AnalysisContext context) {
    Classifiers classifiers = this.classifiers.get();
    String prompt = lastTurn ? exchange.lastUserTurn() : exchange.promptText();
    if (prompt.isBlank() && exchange.completion().isBlank()) {
      return NodeOutput.builder(0).label("no_text").detail("no text to classify").build();
    }
    Cascade cascade = stage == 1 ? classifiers.stage1 : classifiers.stage2;
    Classification p = null;
    if (!prompt.isBlank()) {
      p = stage == 1 && lastTurn ? classifiers.lastTurnStage1(prompt, context) : cascade.classifyPrompt(prompt);
    }
    Classification c = exchange.completion().isBlank() ? null
        : cascade.classifyCompletion(exchange.promptText(), exchange.completion());
    double ps = p == null ? 0 : p.score();
    double cs = c == null ? 0 : c.score();
    boolean promptLeads = ps >= cs;
    Classification lead = promptLeads ? p : c;
    Category category = lead == null ? null : lead.probabilities().argmax();
    NodeOutput.Builder out = NodeOutput.builder(Math.max(ps, cs))
        .category(category == null ? null : category.id())
        .value("prompt_score", ps)
        .value("completion_score", cs)
        .detail(String.format(Locale.ROOT, "stage %d: prompt %.3f, completion %.3f%s", stage, ps, cs,
            category == null ? "" : " (" + category.id() + ")"));
    Category pc = p == null ? null : flagged(p.probabilities(), promptThreshold, classifiers.bundle.promptThresholds());
    if (pc != null) {
      double score = p.probabilities().get(pc);
      out.finding(new Finding(pc.id(), Classifiers.severity(pc), score, String.format(Locale.ROOT,
          "prompt scored %.3f for %s by stage %d (threshold %.3f)", score, pc.id(), stage,
          threshold(pc, promptThreshold, classifiers.bundle.promptThresholds()))));
    }
    Category cc = c == null ? null
        : flagged(c.probabilities(), completionThreshold, classifiers.bundle.completionThresholds());
    if (cc != null) {
      double score = c.probabilities().get(cc);
      out.finding(new Finding(cc.id(), Classifiers.severity(cc), score, String.format(Locale.ROOT,
          "completion scored %.3f for %s by stage %d (threshold %.3f)", score, cc.id(), stage,
          threshold(cc, completionThreshold, classifiers.bundle.completionThresholds()))));
    }
    Optional<ClassifierBundle> patch = releaseClassifier.current();
    if (stage == 2 && p != null && patch.isPresent()) {
      Optional<DetectorStage> detector = classifiers.detector(patch.get());
      if (detector.isPresent()) {
        Assessment a = detector.get().assess(Conversation.ofUser("monitor", prompt));
        if (a.action() != Action.ALLOW) {
          Category dc = detector.get().category();
          out.label(Classifiers.DETECTOR);
          out.finding(new Finding(dc.id(), Severity.HIGH, a.scores().get(dc.id()),
              "rapid-response classifier patch " + detector.get().version() + ": " + a.reason()));
        }
      }
    }
    return out.build();
  }

  /**
   * The category that reaches its threshold with the highest probability, or null: the node's own
   * threshold for every category when one is configured, else the bundle's per category (a rapid-response
   * patch raises some categories' thresholds above the rest).
   */
  static Category flagged(Probabilities p, double configured, ClassifierBundle.Thresholds bundle) {
    Category best = null;
    for (Category c : Category.ALL) {
      if (p.get(c) >= threshold(c, configured, bundle) && (best == null || p.get(c) > p.get(best))) {
        best = c;
      }
    }
    return best;
  }

  private static double threshold(Category c, double configured, ClassifierBundle.Thresholds bundle) {
    return configured >= 0 ? configured : bundle.get(c);
  }

  @Override
  public double costUnits() {
    // 1 unit is one stage-1 classification (~25 us here); a stage-2 pass is ~110 of them.
    return stage == 1 ? 2 : 220;
  }
}
