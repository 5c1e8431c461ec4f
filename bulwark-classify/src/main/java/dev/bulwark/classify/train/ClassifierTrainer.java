package dev.bulwark.classify.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.cascade.Combine;
import dev.bulwark.classify.cascade.StackedFit;
import dev.bulwark.classify.data.CorpusSummary;
import dev.bulwark.classify.data.Example;
import dev.bulwark.classify.data.ExampleKind;
import dev.bulwark.classify.data.Label;
import dev.bulwark.classify.data.Split;
import dev.bulwark.classify.data.TrainingCorpus;
import dev.bulwark.classify.eval.EvalReport;
import dev.bulwark.classify.eval.Metrics;
import dev.bulwark.classify.eval.RecallAtFpr;
import dev.bulwark.classify.eval.ScoredItem;
import dev.bulwark.classify.model.EmbeddingCache;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ProgressListener;
import dev.bulwark.classify.model.Stage1Trainer;
import dev.bulwark.classify.model.Stage2Settings;
import dev.bulwark.classify.model.Stage2Trainer;
import dev.bulwark.classify.model.TrainingSettings;
import dev.bulwark.classify.model.TrainingText;
import dev.bulwark.core.Ticker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Trains a {@link ClassifierBundle} from an assembled corpus. Deterministic: the same corpus, settings
 * and code give the same archive bytes (provenance holds no clock readings).
 *
 * <p>Steps: stage 1 for prompts and for completions on the train split (Platt-calibrated on the
 * calibration split); stage 2 likewise on a bounded, deterministic sample; the band from stage 1's
 * calibration scores (escalate where positives still lie but stage 1 is not yet sure); the combination
 * rule and the deployed threshold (the target false-positive rate on calibration negatives); then the
 * whole cascade on the dev split, which no step above has seen.
 */
public final class ClassifierTrainer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Settings settings;
  private final Canonicalizer canonicalizer;
  private final Supplier<Encoder> encoder;

  public ClassifierTrainer(Settings settings, Canonicalizer canonicalizer, Supplier<Encoder> encoder) {
    this.settings = requireNonNull(settings, "settings");
    this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
    this.encoder = requireNonNull(encoder, "encoder");
  }

  /**
   * @param stage1 stage-1 training settings (seeded)
   * @param stage2 stage-2 head settings (seeded); null for a stage-1-only bundle
   * @param stage2MaxExamples the most examples per kind stage 2 trains on (a deterministic sample)
   * @param targetFpr the false-positive rate on calibration negatives that sets the deployed threshold
   * @param escalationRecall the share of calibration positives whose stage-1 score must reach the band
   * @param parallelism threads for embedding
   * @param embeddingCache where embeddings are cached between runs, or null
   * @param version the bundle's version string
   * @param codeCommit the code's commit, recorded in provenance, or null when unknown
   * @param combine the combination rule to use, or null to choose among all by recall at the target
   *     FPR on calibration prompts
   */
  public record Settings(
      TrainingSettings stage1,
      @Nullable Stage2Settings stage2,
      int stage2MaxExamples,
      double targetFpr,
      double escalationRecall,
      int parallelism,
      @Nullable EmbeddingCache embeddingCache,
      String version,
      @Nullable String codeCommit,
      Combine.@Nullable Kind combine) {
    public Settings {
      requireNonNull(stage1, "stage1");
      requireNonNull(version, "version");
      if (!(targetFpr > 0 && targetFpr < 0.5)) {
        throw new IllegalArgumentException("targetFpr must be in (0, 0.5), was " + targetFpr);
      }
      if (!(escalationRecall > 0.5 && escalationRecall <= 1)) {
        throw new IllegalArgumentException("escalationRecall must be in (0.5, 1], was " + escalationRecall);
      }
      if (stage2MaxExamples < 100) {
        throw new IllegalArgumentException("stage2MaxExamples must be >= 100, was " + stage2MaxExamples);
      }
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
      }
    }
  }

  /**
   * What training made.
   *
   * @param archive the bundle's archive bytes
   * @param digest their digest
   * @param bundle the bundle read back from those bytes
   * @param provenance the provenance recorded in the archive
   * @param devPrompts the cascade on the dev split's prompts
   * @param devCompletions the cascade on the dev split's completions
   */
  public record Result(
      byte[] archive,
      String digest,
      ClassifierBundle bundle,
      ObjectNode provenance,
      EvalReport devPrompts,
      EvalReport devCompletions) {}

  public Result train(TrainingCorpus.Corpus corpus, ProgressListener progress) {
    List<Example> train = corpus.splits().get(Split.TRAIN);
    List<Example> cal = corpus.splits().get(Split.CALIBRATION);
    List<Example> dev = corpus.splits().get(Split.DEV);

    Stage1Trainer s1 = new Stage1Trainer(settings.stage1());
    Stage1Trainer.Result p1 = s1.train(prompts(train), prompts(cal), prefixed(progress, "prompt.stage1."));
    Stage1Trainer.Result c1 = s1.train(completions(train), completions(cal), prefixed(progress, "completion.stage1."));

    ClassifierBundle.Builder b = ClassifierBundle.builder(settings.version())
        .promptStage1(p1.model()).completionStage1(c1.model());
    ObjectNode stage2Report = JsonNodeFactory.instance.objectNode();
    if (settings.stage2() != null) {
      Encoder enc = encoder.get();
      Stage2Trainer s2 = new Stage2Trainer(settings.stage2());
      Stage2Trainer.Result p2 = s2.train(enc, sample(flat(prompts(train))), sample(flat(prompts(cal))),
          settings.embeddingCache(), settings.parallelism(), prefixed(progress, "prompt."));
      Stage2Trainer.Result c2 = s2.train(enc, sample(flat(completions(train))), sample(flat(completions(cal))),
          settings.embeddingCache(), settings.parallelism(), prefixed(progress, "completion."));
      b.promptStage2(p2.model()).completionStage2(c2.model());
      stage2Report.set("prompt", JSON.valueToTree(p2.report()));
      stage2Report.set("completion", JSON.valueToTree(c2.report()));
    }

    // The band, from stage 1 alone on calibration prompts.
    List<Example> calPrompts = evaluable(cal, ExampleKind.PROMPT);
    List<Example> calCompletions = evaluable(cal, ExampleKind.COMPLETION);
    Cascade stage1Only = b.band(Band.NONE).cascade(canonicalizer, Ticker.system());
    progress.progress("calibrate.band", 0, calPrompts.size());
    double[] s1Pos = scores(calPrompts, true, e -> stage1Only.classifyPrompt(e.promptText()));
    double[] s1Neg = scores(calPrompts, false, e -> stage1Only.classifyPrompt(e.promptText()));
    progress.progress("calibrate.band", calPrompts.size(), calPrompts.size());
    Band band = band(s1Pos, s1Neg);

    // The combination rule and the thresholds, from the whole cascade on calibration.
    Combine combine = Combine.MEAN;
    double bestRecall = -1;
    List<Combine> candidates = new ArrayList<>();
    Combine.@Nullable Kind only = settings.combine();
    if (settings.stage2() == null || only == null || only == Combine.Kind.MEAN) {
      candidates.add(Combine.MEAN);
    }
    if (settings.stage2() != null && (only == null || only == Combine.Kind.STAGE2)) {
      candidates.add(Combine.STAGE2);
    }
    if (settings.stage2() != null && (only == null || only == Combine.Kind.STACKED)) {
      stacked(b.band(band).combine(Combine.MEAN).cascade(canonicalizer, Ticker.system()), calPrompts)
          .ifPresent(candidates::add);
    }
    if (candidates.isEmpty()) {
      candidates.add(Combine.MEAN); // a stacked fit the calibration data cannot support
    }
    for (Combine candidate : candidates) {
      Cascade c = b.band(band).combine(candidate).cascade(canonicalizer, Ticker.system());
      double recall = Metrics.of(scores(calPrompts, true, e -> c.classifyPrompt(e.promptText())),
              scores(calPrompts, false, e -> c.classifyPrompt(e.promptText())))
          .recallAtFpr(settings.targetFpr()).map(RecallAtFpr::recall).orElse(0.0);
      if (recall > bestRecall) {
        bestRecall = recall;
        combine = candidate;
      }
    }
    Cascade cascade = b.band(band).combine(combine).cascade(canonicalizer, Ticker.system());
    double promptThreshold = threshold(
        scores(calPrompts, true, e -> cascade.classifyPrompt(e.promptText())),
        scores(calPrompts, false, e -> cascade.classifyPrompt(e.promptText())));
    double completionThreshold = threshold(
        scores(calCompletions, true, e -> cascade.classifyCompletion(e.lastUserText(), requireNonNull(e.completion()))),
        scores(calCompletions, false, e -> cascade.classifyCompletion(e.lastUserText(), requireNonNull(e.completion()))));
    b.promptThresholds(ClassifierBundle.Thresholds.uniform(promptThreshold))
        .completionThresholds(ClassifierBundle.Thresholds.uniform(completionThreshold));

    // Dev figures: data no step above has seen.
    progress.progress("evaluate", 0, dev.size());
    EvalReport devPrompts = report("dev prompts", evaluable(dev, ExampleKind.PROMPT), promptThreshold,
        e -> cascade.classifyPrompt(e.promptText()));
    EvalReport devCompletions = report("dev completions", evaluable(dev, ExampleKind.COMPLETION), completionThreshold,
        e -> cascade.classifyCompletion(e.lastUserText(), requireNonNull(e.completion())));
    progress.progress("evaluate", dev.size(), dev.size());

    ObjectNode provenance = provenance(corpus.summary(), p1, c1, stage2Report, band, combine,
        promptThreshold, completionThreshold, devPrompts, devCompletions);
    byte[] bytes = b.toArchive(provenance).toBytes();
    ClassifierBundle bundle = ClassifierBundle.read(
        ModelArchive.read(bytes, null), encoder);
    return new Result(bytes, bundle.digest(), bundle, provenance, devPrompts, devCompletions);
  }

  /**
   * A stacked combination fitted on the calibration prompts that reach stage 2: one pair of stage-1
   * and stage-2 probabilities per prompt and category, positive when the prompt targets the category.
   */
  private static java.util.Optional<Combine> stacked(Cascade cascade, List<Example> prompts) {
    List<double[]> pairs = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    for (Example e : prompts) {
      Classification c = cascade.classifyPrompt(e.promptText());
      Probabilities s2 = c.stage2();
      if (s2 == null) {
        continue;
      }
      for (Category cat : Category.ALL) {
        pairs.add(new double[] {c.stage1().get(cat), s2.get(cat)});
        labels.add(e.targets().contains(cat));
      }
    }
    double[] s1 = new double[pairs.size()];
    double[] s2 = new double[pairs.size()];
    boolean[] y = new boolean[pairs.size()];
    for (int i = 0; i < s1.length; i++) {
      s1[i] = pairs.get(i)[0];
      s2[i] = pairs.get(i)[1];
      y[i] = labels.get(i);
    }
    return StackedFit.fit(s1, s2, y);
  }

  /** The band: low where {@code escalationRecall} of positives are at or above; high where stage 1's FPR is 0.1%. */
  private Band band(double[] positives, double[] negatives) {
    if (settings.stage2() == null || positives.length == 0 || negatives.length == 0) {
      return Band.NONE;
    }
    double[] pos = positives.clone();
    Arrays.sort(pos);
    int k = (int) Math.floor((1 - settings.escalationRecall()) * pos.length);
    double low = pos[Math.min(k, pos.length - 1)];
    double high = Metrics.of(positives, negatives).recallAtFpr(0.001).map(RecallAtFpr::threshold)
        .filter(Double::isFinite).orElse(1.0);
    high = Math.min(1.0, Math.max(high, low));
    return new Band(Math.min(low, high), high);
  }

  private double threshold(double[] positives, double[] negatives) {
    double t = Metrics.of(positives, negatives).recallAtFpr(settings.targetFpr())
        .map(RecallAtFpr::threshold).filter(Double::isFinite).orElse(0.5);
    return Math.max(1e-6, Math.min(1.0, t));
  }

  private EvalReport report(String title, List<Example> examples, double threshold, Function<Example, Classification> f) {
    List<ScoredItem> items = new ArrayList<>(examples.size());
    for (Example e : examples) {
      Classification c = f.apply(e);
      String text = e.kind() == ExampleKind.COMPLETION ? requireNonNull(e.completion()) : e.promptText();
      items.add(new ScoredItem(e.id(), ScoredItem.display(text), e.label().positive(), e.label().wireName(), e.category(),
          c.score(), c.probabilities(), c.decidedBy(), c.view(), c.escalated(), 0L, null));
    }
    return EvalReport.builder().title(title).items(items).threshold(threshold).build();
  }

  private static double[] scores(List<Example> examples, boolean positive, Function<Example, Classification> f) {
    return examples.stream().filter(e -> e.label().positive() == positive)
        .mapToDouble(e -> f.apply(e).score()).toArray();
  }

  /** Examples evaluation can judge: harmful, jailbreak or benign (not the unlabelled red-team openings). */
  private static List<Example> evaluable(List<Example> examples, ExampleKind kind) {
    return examples.stream().filter(e -> e.kind() == kind && e.label() != Label.RED_TEAM_ATTEMPT).toList();
  }

  private List<TrainingText> prompts(List<Example> examples) {
    List<TrainingText> out = new ArrayList<>();
    for (Example e : evaluable(examples, ExampleKind.PROMPT)) {
      out.add(new TrainingText("", normalized(e.promptText()), e.targets()));
    }
    return out;
  }

  private List<TrainingText> completions(List<Example> examples) {
    List<TrainingText> out = new ArrayList<>();
    for (Example e : evaluable(examples, ExampleKind.COMPLETION)) {
      out.add(new TrainingText(Cascade.context(e.lastUserText()), normalized(requireNonNull(e.completion())), e.targets()));
    }
    return out;
  }

  /** Stage 2 reads one string: the text alone (a completion is judged on what it does). */
  private static List<TrainingText> flat(List<TrainingText> texts) {
    return texts.stream().map(t -> new TrainingText("", t.text(), t.targets())).toList();
  }

  /** A deterministic sample: every positive of a rare category first, then an even spread of the rest. */
  private List<TrainingText> sample(List<TrainingText> texts) {
    int max = settings.stage2MaxExamples();
    if (texts.size() <= max) {
      return texts;
    }
    List<TrainingText> sorted = new ArrayList<>(texts);
    // Stable order by a content hash: independent of input order, the same on every run.
    sorted.sort(Comparator.comparingInt((TrainingText t) -> mix(t.text().hashCode())).thenComparing(TrainingText::text));
    return sorted.subList(0, max);
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  private String normalized(String text) {
    return canonicalizer.canonicalize(text).primary().text();
  }

  private static ProgressListener prefixed(ProgressListener p, String prefix) {
    return (stage, done, total) -> p.progress(prefix + stage, done, total);
  }

  private ObjectNode provenance(
      CorpusSummary summary, Stage1Trainer.Result p1, Stage1Trainer.Result c1, ObjectNode stage2Report,
      Band band, Combine combine, double promptThreshold, double completionThreshold,
      EvalReport devPrompts, EvalReport devCompletions) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("version", settings.version());
    p.put("code_commit", settings.codeCommit());
    p.put("constitution_version", summary.constitutionVersion());
    p.put("constitution_digest", summary.constitutionDigest());
    ArrayNode files = p.putArray("data_files");
    for (CorpusSummary.FileInfo f : summary.files()) {
      files.addObject().put("name", f.name()).put("digest", f.digest()).put("examples", f.examples())
          .put("templates", f.templates()).put("malformed_lines", f.errors()).put("excluded", f.excluded());
    }
    p.set("generator", JSON.valueToTree(summary.spec()));
    p.set("splits", JSON.valueToTree(summary.splits()));
    ObjectNode counts = p.putObject("counts");
    for (Map.Entry<Split, CorpusSummary.Counts> e : summary.counts().entrySet()) {
      counts.set(e.getKey().id(), JSON.valueToTree(e.getValue()));
    }
    ObjectNode hp = p.putObject("settings");
    hp.set("stage1", JSON.valueToTree(settings.stage1().describe()));
    if (settings.stage2() != null) {
      hp.set("stage2", JSON.valueToTree(settings.stage2().toMap()));
    }
    hp.put("stage2_max_examples", settings.stage2MaxExamples());
    hp.put("target_fpr", settings.targetFpr());
    hp.put("escalation_recall", settings.escalationRecall());
    ObjectNode train = p.putObject("training");
    train.set("prompt_stage1", JSON.valueToTree(p1.categories()));
    train.set("completion_stage1", JSON.valueToTree(c1.categories()));
    train.set("stage2", stage2Report);
    ObjectNode cascade = p.putObject("cascade");
    cascade.putObject("band").put("low", band.low()).put("high", band.high());
    cascade.put("combine", combine.name());
    if (combine.kind() == Combine.Kind.STACKED) {
      cascade.putObject("combine_weights").put("w1", combine.w1()).put("w2", combine.w2()).put("bias", combine.bias());
    }
    cascade.put("prompt_threshold", promptThreshold);
    cascade.put("completion_threshold", completionThreshold);
    ObjectNode eval = p.putObject("evaluation");
    eval.set("dev_prompts", devPrompts.toJson());
    eval.set("dev_completions", devCompletions.toJson());
    return p;
  }

}
