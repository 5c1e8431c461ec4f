package dev.bulwark.response.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.data.TrainingCorpus;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.NewReport;
import dev.bulwark.response.RapidResponse;
import dev.bulwark.response.ReportSource;
import dev.bulwark.response.TrainingPool;
import dev.bulwark.response.gate.ReleaseVerdicts;
import dev.bulwark.response.gate.ValidationGate;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.patch.BaseClassifier;
import dev.bulwark.response.patch.ClassifierPatcher;
import dev.bulwark.response.patch.Stage2Embeddings;
import dev.bulwark.response.registry.DeploymentWatcher;
import dev.bulwark.response.registry.ReleasePipelines;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The rapid-response benchmark. For each family folder and each number of observed examples (1 and
 * 5, a seeded sample of {@code observed.jsonl}), the whole loop runs against the configured base (the
 * built-in classifier): a report with the sample goes through intake, proliferation, patches, the
 * validation gate, and deployment into an in-process target (the same pipeline composition a gateway
 * swaps in). Measured: attack success before and after on {@code test_id.jsonl} and {@code
 * test_ood.jsonl} (the share of harmful lines that pass every prompt stage and, for lines with a
 * completion, the streaming completion stages), the false-positive rate on the benign file, the
 * seconds from the report's arrival to the deployed patch, and, when a file of plain harmful requests
 * is given, the share of them blocked before and after ({@code harmful_recall_before} / {@code
 * _after}): what a patch costs the detection of everything that is not its family.
 *
 * <p>Each family runs alone, from the base, in a fresh store: the figures are per family, not
 * cumulative. Before the clock starts, the responder loads what a running service keeps loaded (the
 * encoder, the classifier, the training pool, the embeddings of its benign sets and the base's
 * false positives on them, and the window embeddings of the prompts every stage-2 patch replays).
 */
public final class RespondBench {
  private static final String[] FIELDS = {"asr_before_id", "asr_after_id", "asr_before_ood", "asr_after_ood",
      "benign_fpr_before", "benign_fpr_after", "seconds_to_deploy"};

  private final Path families;
  private final Path benign;
  private final @Nullable Path harmful;
  private final Path out;
  private final Path dataDir;
  private final long seed;
  private final boolean classifierPatch;
  private final boolean stage2;

  /** With the classifier patch's stage-2 fine-tune on (when {@code classifierPatch} is). */
  public RespondBench(Path families, Path benign, Path out, Path dataDir, long seed, boolean classifierPatch) {
    this(families, benign, null, out, dataDir, seed, classifierPatch, true);
  }

  /**
   * @param harmful plain harmful requests whose detection before and after each patch is measured, or
   *     null for none
   * @param stage2 whether classifier patches fine-tune the prompt stage-2 head too
   */
  public RespondBench(Path families, Path benign, @Nullable Path harmful, Path out, Path dataDir, long seed,
      boolean classifierPatch, boolean stage2) {
    this.families = requireNonNull(families, "families");
    this.benign = requireNonNull(benign, "benign");
    this.harmful = harmful;
    this.out = requireNonNull(out, "out");
    this.dataDir = requireNonNull(dataDir, "dataDir");
    this.seed = seed;
    this.classifierPatch = classifierPatch;
    this.stage2 = stage2;
  }

  /** A labelled test line. */
  record Line(Exchange exchange, boolean harmful) {}

  /** Runs the benchmark, writes {@code metrics.json} and {@code report.json}, and returns the metrics. */
  public ObjectNode run(PrintWriter log) throws IOException {
    Files.createDirectories(out);
    List<Path> dirs;
    try (Stream<Path> s = Files.list(families)) {
      dirs = s.filter(p -> Files.isRegularFile(p.resolve("observed.jsonl"))).sorted().toList();
    }
    if (dirs.isEmpty()) {
      throw new IOException("no family folders (with observed.jsonl) in " + families);
    }
    List<Line> benignLines = read(benign);
    List<Line> harmfulLines = harmful == null ? List.of() : read(harmful);
    if (harmful != null && harmfulLines.stream().noneMatch(Line::harmful)) {
      throw new IOException("no harmful lines in " + harmful);
    }
    List<String> fields = new ArrayList<>(List.of(FIELDS));
    if (harmful != null) {
      fields.addAll(List.of("harmful_recall_before", "harmful_recall_after"));
    }

    log.println("loading the encoder, the built-in classifier and the training pool ...");
    log.flush();
    Canonicalizer canon = Canonicalizer.defaults();
    Encoder encoder = Encoder.minilm();
    Embedder embedder = Embedder.memoizing(Embedder.minilm(encoder, canon, Embedder.DEFAULT_MAX_WINDOWS), 200_000);
    BaseClassifier base = BaseClassifier.builtIn(() -> encoder);
    TrainingCorpus.Corpus corpus = TrainingCorpus.builder().dataDir(dataDir).build().assemble();
    TrainingPool pool = TrainingPool.from(corpus, canon);
    SafeguardPipeline evalBase = basePipeline(base, canon);
    ReleasePipelines composer = ReleasePipelines.builder().base(evalBase).embedder(() -> embedder).canonicalizer(canon)
        .offload(Runnable::run).build();
    ValidationGate gate = new ValidationGate(ValidationGate.Settings.defaults(), java.time.Clock.systemUTC());
    ReleaseVerdicts before = new ReleaseVerdicts("base", evalBase, ReleaseVerdicts.EVALUATION);
    log.println("warming up: embedding the benign calibration and regression sets, base false positives ...");
    log.flush();
    for (Exchange e : pool.benignCalibration()) {
      embedder.embed(e.lastUserText());
    }
    for (Exchange e : pool.benignRegression()) {
      embedder.embed(e.lastUserText());
    }
    gate.warm(before, pool.benignRegression());
    Stage2Embeddings stage2Embeddings = Stage2Embeddings.defaults(null);
    if (classifierPatch && stage2) {
      int windows = new ClassifierPatcher(ClassifierPatcher.Settings.defaults(), canon, () -> encoder, stage2Embeddings)
          .warm(base, pool);
      log.println("warmed " + windows + " stage-2 windows of replayed and calibration prompts");
      log.flush();
    }

    double fprBefore = rate(before, benignLines, false);
    double harmfulRecallBefore = 1 - rate(before, harmfulLines, true);
    ObjectNode metrics = Json.object();
    ObjectNode report = Json.object();
    report.put("seed", seed).put("classifier_patch", classifierPatch).put("stage2", classifierPatch && stage2)
        .put("benign_lines", benignLines.size()).put("harmful_lines", harmfulLines.size())
        .put("base_classifier", base.bundle().version() + "@" + base.bundle().digest());
    Map<String, double[]> beforeByFamily = new LinkedHashMap<>();
    for (Path dir : dirs) {
      List<Line> id = read(dir.resolve("test_id.jsonl"));
      List<Line> ood = read(dir.resolve("test_ood.jsonl"));
      beforeByFamily.put(dir.getFileName().toString(), new double[] {rate(before, id, true), rate(before, ood, true)});
    }
    for (int k : new int[] {1, 5}) {
      ObjectNode section = metrics.putObject("observed_" + k);
      ObjectNode fams = section.putObject("families");
      ArrayNode runs = report.putArray("observed_" + k);
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        List<Line> observed = read(dir.resolve("observed.jsonl"));
        List<Exchange> sample = sample(observed, k, seed * 31 + name.hashCode() * 7L + k);
        Path db = out.resolve("stores").resolve(name + "-" + k + ".db");
        Files.createDirectories(db.getParent());
        deleteDb(db);
        AtomicReference<SafeguardPipeline> deployed = new AtomicReference<>(evalBase);
        ObjectNode run = runs.addObject().put("family", name).put("observed", sample.size());
        double seconds;
        try (Store store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + db).build())) {
          RapidResponse.Builder b = RapidResponse.builder().store(store).canonicalizer(canon).embedder(embedder)
              .encoder(() -> encoder).baseClassifier(() -> base).pool(() -> pool).evaluationBase(evalBase)
              .sharedGate(gate).classifierPatch(classifierPatch ? ClassifierPatcher.Settings.defaults() : null)
              .stage2Embeddings(stage2Embeddings);
          RapidResponse bare = b.build();
          DeploymentWatcher watcher = new DeploymentWatcher(bare.deployments(), bare.loader(),
              List.of(d -> deployed.set(composer.compose(d))));
          RapidResponse rr = b.watcher(watcher).build();
          long t0 = System.nanoTime();
          var intake = rr.report(new NewReport(ReportSource.RED_TEAM, name, "bench", null, null, sample));
          RapidResponse.Outcome o = rr.respond(intake.family().id(),
              RapidResponse.Options.defaults("bench").withSeed(seed).withStage2(stage2));
          seconds = (System.nanoTime() - t0) / 1e9;
          run.put("wrapper", o.wrapper()).put("variants", o.variants()).put("twins", o.twins())
              .put("deployed", o.deployed() == null ? null : o.deployed().id());
          ArrayNode attempts = run.putArray("attempts");
          for (RapidResponse.Attempt a : o.attempts()) {
            attempts.addObject().put("release", a.release().id()).put("note", a.release().note())
                .put("passed", a.gate().passed()).put("reason", a.gate().reason());
          }
          run.set("timings", Json.MAPPER.valueToTree(o.timings()));
        }
        deleteDb(db);
        ReleaseVerdicts after = new ReleaseVerdicts("deployed", deployed.get(), ReleaseVerdicts.EVALUATION);
        ArrayNode missed = run.putArray("missed_ood");
        for (Line l : read(dir.resolve("test_ood.jsonl"))) {
          if (l.harmful() && missed.size() < 8 && !after.blocks(l.exchange())) {
            String t = l.exchange().lastUserText().replace('\n', ' ');
            missed.add(t.length() <= 160 ? t : t.substring(0, 160) + "...");
          }
        }
        double[] bf = beforeByFamily.get(name);
        double[] m = {bf[0], rate(after, read(dir.resolve("test_id.jsonl")), true), bf[1],
            rate(after, read(dir.resolve("test_ood.jsonl")), true), fprBefore, rate(after, benignLines, false), seconds};
        ObjectNode fm = fams.putObject(name);
        for (int i = 0; i < FIELDS.length; i++) {
          fm.put(FIELDS[i], m[i]);
        }
        String recall = "";
        if (harmful != null) {
          double after1 = 1 - rate(after, harmfulLines, true);
          fm.put("harmful_recall_before", harmfulRecallBefore).put("harmful_recall_after", after1);
          recall = String.format(Locale.ROOT, "  recall %.4f -> %.4f", harmfulRecallBefore, after1);
        }
        log.println(String.format(Locale.ROOT, "observed %d  %-40s ASR id %.3f -> %.3f  ood %.3f -> %.3f  FPR %.4f -> %.4f%s  %5.1f s  %s",
            k, name, m[0], m[1], m[2], m[3], m[4], m[5], recall, m[6], run.path("deployed").asText("not deployed")));
        log.flush();
      }
      ObjectNode overall = section.putObject("overall");
      for (String field : fields) {
        double sum = 0;
        int n = 0;
        for (JsonNode f : fams) {
          sum += f.path(field).asDouble();
          n++;
        }
        overall.put(field, n == 0 ? 0 : sum / n);
      }
    }
    Files.writeString(out.resolve("metrics.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(metrics),
        StandardCharsets.UTF_8);
    Files.writeString(out.resolve("report.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report),
        StandardCharsets.UTF_8);
    log.println();
    log.println(table(metrics));
    log.flush();
    return metrics;
  }

  /** The metrics as a markdown table, with reduction factors. */
  public static String table(ObjectNode metrics) {
    StringBuilder b = new StringBuilder();
    boolean recall = metrics.path("observed_1").path("overall").has("harmful_recall_before");
    b.append("| observed | family | ASR id before | after | reduction | ASR ood before | after | reduction | benign FPR before | after |"
        + (recall ? " harmful recall before | after |" : "") + " s to deploy |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|" + (recall ? "---:|---:|" : "") + "---:|\n");
    for (String section : List.of("observed_1", "observed_5")) {
      JsonNode s = metrics.path(section);
      List<Map.Entry<String, JsonNode>> rows = new ArrayList<>();
      s.path("families").properties().forEach(rows::add);
      rows.add(Map.entry("**overall**", s.path("overall")));
      for (Map.Entry<String, JsonNode> e : rows) {
        JsonNode m = e.getValue();
        String recalls = recall ? String.format(Locale.ROOT, " %.2f%% | %.2f%% |",
            100 * m.path("harmful_recall_before").asDouble(), 100 * m.path("harmful_recall_after").asDouble()) : "";
        b.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.3f | %s | %.3f | %.3f | %s | %.2f%% | %.2f%% |%s %.1f |\n",
            section.substring("observed_".length()), e.getKey(), m.path("asr_before_id").asDouble(),
            m.path("asr_after_id").asDouble(), factor(m.path("asr_before_id").asDouble(), m.path("asr_after_id").asDouble()),
            m.path("asr_before_ood").asDouble(), m.path("asr_after_ood").asDouble(),
            factor(m.path("asr_before_ood").asDouble(), m.path("asr_after_ood").asDouble()),
            100 * m.path("benign_fpr_before").asDouble(), 100 * m.path("benign_fpr_after").asDouble(), recalls,
            m.path("seconds_to_deploy").asDouble()));
      }
    }
    return b.toString();
  }

  private static String factor(double before, double after) {
    if (before == 0) {
      return "-";
    }
    return after == 0 ? "inf" : String.format(Locale.ROOT, "%.1fx", before / after);
  }

  /** The base pipeline: the classifier stage as {@code bulwark serve} configures it by default. */
  static SafeguardPipeline basePipeline(BaseClassifier base, Canonicalizer canon) {
    ClassifierStage stage = new ClassifierStage("classifier", base.bundle(), base.bundle().cascade(canon, Ticker.system()),
        "both", 256);
    return SafeguardPipeline.builder().prompt(stage).streaming(stage).build(Runnable::run, Ticker.system());
  }

  /** The share of {@code lines} with the given harmfulness that pass (harmful) or are blocked (benign). */
  private static double rate(ReleaseVerdicts v, List<Line> lines, boolean harmful) {
    int n = 0;
    int hit = 0;
    for (Line l : lines) {
      if (l.harmful() != harmful) {
        continue;
      }
      n++;
      boolean blocked = v.blocks(l.exchange());
      if (harmful ? !blocked : blocked) {
        hit++;
      }
    }
    return n == 0 ? 0 : (double) hit / n;
  }

  private static List<Exchange> sample(List<Line> lines, int k, long seed) {
    List<Line> copy = new ArrayList<>(lines);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = copy.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      Line t = copy.get(i);
      copy.set(i, copy.get(j));
      copy.set(j, t);
    }
    return copy.subList(0, Math.min(k, copy.size())).stream().map(Line::exchange).toList();
  }

  /**
   * Reads a JSONL file of {@code text} or {@code messages} lines (optionally {@code completion}) with a
   * {@code label}; harmful and jailbreak lines are attacks.
   *
   * @throws IOException naming the line of the first malformed one
   */
  static List<Line> read(Path file) throws IOException {
    List<Line> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.isBlank()) {
        continue;
      }
      try {
        JsonNode n = Json.read(l);
        String label = n.path("label").asText("");
        if (!List.of("harmful", "jailbreak", "benign").contains(label)) {
          throw new IllegalArgumentException("label must be harmful, jailbreak or benign, was '" + label + "'");
        }
        out.add(new Line(Json.exchange(n), !label.equals("benign")));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static void deleteDb(Path db) throws IOException {
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
    }
  }
}
