package dev.bulwark.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bulwark.app.Main;
import dev.bulwark.app.PatchEmbeddingCache;
import dev.bulwark.app.config.ResponseConfig;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.data.DataSets;
import dev.bulwark.classify.data.TrainingCorpus;
import dev.bulwark.classify.model.EmbeddingCache;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.Stage2Settings;
import dev.bulwark.classify.model.TrainingSettings;
import dev.bulwark.classify.train.ClassifierTrainer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark train}: trains the classifier bundle, reproducibly. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train the classifier cascade (both stages, prompts and completions) on data files plus the",
      "constitution-driven synthetic set, calibrate it, evaluate it on the held-out dev split, and write",
      "DIR/model.bwma with its digest, provenance.json and the dev reports. The same data, seed and code",
      "give the same bytes."
    })
public final class TrainCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "FILE", arity = "1..*",
      description = "JSONL data files (default: every *.jsonl in --data-dir)")
  List<Path> data = new ArrayList<>();

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the public data sets are (default: ../shared/data)")
  Path dataDir = DataSets.DEFAULT_DIR;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory")
  Path out;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of both stages' training (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--no-stage2", description = "Train stage 1 only (no encoder; seconds instead of minutes)")
  boolean noStage2;

  @Option(names = "--stage2-max-examples", defaultValue = "12000",
      description = "Most examples per kind that stage 2 trains on (default: ${DEFAULT-VALUE})")
  int stage2MaxExamples;

  @Option(names = "--target-fpr", defaultValue = "0.01",
      description = "False-positive rate on calibration negatives that sets the threshold (default: ${DEFAULT-VALUE})")
  double targetFpr;

  @Option(names = "--hash-bits", defaultValue = "18", description = "Stage 1's feature space, 2^bits buckets (default: ${DEFAULT-VALUE})")
  int hashBits;

  @Option(names = "--threads", description = "Threads for embedding (default: the number of CPUs)")
  @Nullable Integer threads;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Embedding cache between runs (default: ~/.cache/bulwark/embeddings; 'none' for no cache)")
  @Nullable String cache;

  @Option(names = "--escalation-recall", defaultValue = "0.98",
      description = "The share of calibration positives whose stage-1 score must reach stage 2's band; sets the band's low end (default: ${DEFAULT-VALUE})")
  double escalationRecall;

  @Option(names = "--combine", defaultValue = "mean",
      description = "How escalated prompts combine both stages: mean, stage2, stacked (fitted on calibration), or auto (the best on calibration) (default: ${DEFAULT-VALUE})")
  String combine;

  @Option(names = "--write-splits",
      description = "Also write the assembled splits (train.jsonl, calibration.jsonl, dev.jsonl) to --out, in `bulwark eval`'s input format")
  boolean writeSplits;

  @Option(names = "--model-version", defaultValue = "bulwark-cascade-1", description = "The bundle's version (default: ${DEFAULT-VALUE})")
  String version;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    for (Path f : data) {
      if (!Files.isRegularFile(f)) {
        err.println("bulwark: --data " + f + ": no such file");
        return Main.BAD_CONFIG;
      }
    }
    if (data.isEmpty() && !Files.isDirectory(dataDir)) {
      err.println("bulwark: --data-dir " + dataDir + ": no such directory (give --data FILE... or --data-dir)");
      return Main.BAD_CONFIG;
    }
    if (!(targetFpr > 0 && targetFpr < 0.5)) {
      err.println("bulwark: --target-fpr must be in (0, 0.5), was " + targetFpr);
      return Main.BAD_CONFIG;
    }
    dev.bulwark.classify.cascade.Combine.Kind combineKind;
    switch (combine) {
      case "auto" -> combineKind = null;
      case "mean" -> combineKind = dev.bulwark.classify.cascade.Combine.Kind.MEAN;
      case "stage2" -> combineKind = dev.bulwark.classify.cascade.Combine.Kind.STAGE2;
      case "stacked" -> combineKind = dev.bulwark.classify.cascade.Combine.Kind.STACKED;
      default -> {
        err.println("bulwark: --combine must be mean, stage2, stacked or auto, was '" + combine + "'");
        return Main.BAD_CONFIG;
      }
    }
    if (cache != null && cache.isBlank()) {
      err.println("bulwark: --cache must be a folder's path, or none");
      return Main.BAD_CONFIG;
    }
    if (!(escalationRecall > 0.5 && escalationRecall <= 1)) {
      err.println("bulwark: --escalation-recall must be in (0.5, 1], was " + escalationRecall);
      return Main.BAD_CONFIG;
    }
    Files.createDirectories(out);
    ProgressBar bar = new ProgressBar(err, System.console() != null);
    TrainingCorpus.Builder corpus = TrainingCorpus.builder().dataDir(dataDir);
    if (!data.isEmpty()) {
      corpus.files(data);
    }
    err.println("bulwark: assembling the corpus ...");
    TrainingCorpus.Corpus c = corpus.build().assemble();
    c.summary().errors().forEach(e -> err.println("bulwark: skipped " + e));
    err.printf(Locale.ROOT, "bulwark: %d train, %d calibration, %d dev examples%n",
        c.splits().train().size(), c.splits().calibration().size(), c.splits().dev().size());
    if (writeSplits) {
      for (dev.bulwark.classify.data.Split split : dev.bulwark.classify.data.Split.values()) {
        Path file = out.resolve(split.name().toLowerCase(Locale.ROOT) + ".jsonl");
        dev.bulwark.classify.data.ExampleWriter.write(file, c.splits().get(split));
        err.println("bulwark: wrote " + file);
      }
    }

    EmbeddingCache embeddings = null;
    Path dir = PatchEmbeddingCache.folder(cache, ResponseConfig.DEFAULT_EMBEDDING_CACHE);
    if (!noStage2 && dir != null) {
      // A cache is a speed-up: held by a running server's rapid response, or unreadable, it costs
      // time, not the training run.
      embeddings = PatchEmbeddingCache.openOrWarn(dir, (folder, reason) -> err.println("bulwark: the embedding cache "
          + folder + " cannot be used (" + reason + "); training embeds without it (--cache DIR picks another folder)"));
    }
    try {
      ClassifierTrainer.Settings settings = new ClassifierTrainer.Settings(
          TrainingSettings.builder().seed(seed).hashBits(hashBits).build(),
          noStage2 ? null : Stage2Settings.builder().seed(seed).build(),
          stage2MaxExamples, targetFpr, escalationRecall,
          threads != null ? threads : Runtime.getRuntime().availableProcessors(),
          embeddings, version, gitCommit(), combineKind);
      ClassifierTrainer.Result r = new ClassifierTrainer(settings, Canonicalizer.defaults(), Encoder::minilm)
          .train(c, bar);
      bar.done();
      Path model = out.resolve("model.bwma");
      Files.write(model, r.archive());
      Files.writeString(out.resolve("model.bwma.sha256"), r.digest() + "\n", StandardCharsets.US_ASCII);
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      Files.writeString(out.resolve("provenance.json"), json.writeValueAsString(r.provenance()) + "\n");
      r.devPrompts().writeTo(out.resolve("dev-prompts"));
      r.devCompletions().writeTo(out.resolve("dev-completions"));
      stdout.println(model + " " + r.digest());
      stdout.printf(Locale.ROOT, "dev prompts:     %s%n", summary(r.devPrompts().toJson()));
      stdout.printf(Locale.ROOT, "dev completions: %s%n", summary(r.devCompletions().toJson()));
      return Main.OK;
    } finally {
      if (embeddings != null) {
        embeddings.close();
      }
    }
  }

  static String summary(com.fasterxml.jackson.databind.JsonNode m) {
    var o = m.path("overall");
    return String.format(Locale.ROOT, "auroc %.4f, recall@1%%FPR %.4f, at threshold %.4f: recall %.4f, fpr %.4f (n+ %d, n- %d)",
        o.path("auroc").asDouble(), o.path("recall_at_fpr").path("0.01").asDouble(), o.path("threshold").asDouble(),
        o.path("recall").asDouble(), o.path("fpr").asDouble(), o.path("n_positive").asInt(), o.path("n_negative").asInt());
  }

  /** The commit of the working tree, when there is one; recorded in provenance. */
  static @Nullable String gitCommit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return p.waitFor() == 0 && s.matches("[0-9a-f]{40}") ? s : null;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
