package dev.bulwark.app.cli;

import dev.bulwark.app.Main;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.cascade.CompletionStream;
import dev.bulwark.classify.data.Example;
import dev.bulwark.classify.data.ExampleKind;
import dev.bulwark.classify.data.ExampleReader;
import dev.bulwark.classify.data.Label;
import dev.bulwark.classify.data.ReadResult;
import dev.bulwark.classify.eval.EvalReport;
import dev.bulwark.classify.eval.ScoredItem;
import dev.bulwark.classify.model.ModelIntegrityException;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.pipeline.Conversation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark eval}: the cascade on a labelled JSONL file, with metrics.json and report.html. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate the classifier on labelled JSONL: prompt lines {\"text\"|\"messages\", \"label\", \"category\"},",
      "completion lines {\"prompt\"|\"messages\", \"completion\", \"label\"}. Writes DIR/metrics.json and",
      "DIR/report.html. Malformed lines are reported with their line number and skipped."
    })
public final class EvalCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "FILE", required = true, description = "Labelled JSONL")
  Path data;

  @Option(names = "--kind", defaultValue = "prompt", description = "prompt or completion (default: ${DEFAULT-VALUE})")
  String kind;

  @Option(names = "--streaming", description = "Replay completions token by token through the streaming classifier")
  boolean streaming;

  @Option(names = "--checkpoint-chars", defaultValue = "512", description = "Streaming rescoring interval (default: ${DEFAULT-VALUE})")
  int checkpointChars;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory")
  Path out;

  @Mixin ModelOption model;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (!kind.equals("prompt") && !kind.equals("completion")) {
      err.println("bulwark: --kind must be prompt or completion, was '" + kind + "'");
      return Main.BAD_CONFIG;
    }
    if (streaming && kind.equals("prompt")) {
      err.println("bulwark: --streaming applies to --kind completion");
      return Main.BAD_CONFIG;
    }
    if (!Files.isRegularFile(data)) {
      err.println("bulwark: --data " + data + ": no such file");
      return Main.BAD_CONFIG;
    }
    ReadResult read = new ExampleReader().read(data);
    read.errors().forEach(e -> err.println("bulwark: skipped " + e));
    ExampleKind want = kind.equals("prompt") ? ExampleKind.PROMPT : ExampleKind.COMPLETION;
    List<Example> ofKind = read.examples().stream().filter(e -> e.kind() == want).toList();
    int otherKind = read.examples().size() - ofKind.size();
    if (otherKind > 0) {
      err.println("bulwark: skipped " + otherKind + " lines that are not " + kind + " lines");
    }
    // A red-team opening is neither a positive nor a clean negative; training's dev figures leave
    // these lines out too, so evaluating the split `train --write-splits` wrote gives the same numbers.
    List<Example> examples = ofKind.stream().filter(e -> e.label() != Label.RED_TEAM_ATTEMPT).toList();
    int redTeam = ofKind.size() - examples.size();
    if (redTeam > 0) {
      err.println("bulwark: left out " + redTeam + " red_team_attempt lines (neither harmful nor benign)");
    }
    if (examples.isEmpty()) {
      err.println("bulwark: no " + kind + " lines to evaluate in " + data);
      return Main.FAILED;
    }
    ClassifierBundle bundle;
    try {
      bundle = model.load();
    } catch (ModelIntegrityException | IOException e) {
      err.println("bulwark: cannot load the model: " + e.getMessage());
      return Main.FAILED;
    }
    Cascade cascade = bundle.cascade(Canonicalizer.defaults(), Ticker.system());
    ClassifierStage stage = new ClassifierStage("classifier", bundle, cascade, "both", checkpointChars);
    double threshold = want == ExampleKind.PROMPT ? bundle.promptThresholds().overall() : bundle.completionThresholds().overall();
    ProgressBar bar = new ProgressBar(err, System.console() != null);
    List<ScoredItem> items = new ArrayList<>(examples.size());
    int i = 0;
    for (Example e : examples) {
      items.add(streaming ? streamed(cascade, e, threshold, checkpointChars) : whole(stage, cascade, e));
      bar.progress("evaluate", ++i, examples.size());
    }
    bar.done();
    EvalReport report = EvalReport.builder().title("bulwark eval " + data.getFileName() + " (" + kind + (streaming ? ", streaming" : "") + ")")
        .items(items).threshold(threshold).build();
    report.writeTo(out);
    spec.commandLine().getOut().printf(Locale.ROOT, "%s%n%s%n", out.resolve(EvalReport.METRICS_FILE), TrainCommand.summary(report.toJson()));
    return Main.OK;
  }

  private static ScoredItem whole(ClassifierStage stage, Cascade cascade, Example e) {
    long start = System.nanoTime();
    Classification c = e.kind() == ExampleKind.PROMPT
        ? stage.classify(new Conversation("eval", e.prompt(), 0))
        : cascade.classifyCompletion(e.lastUserText(), java.util.Objects.requireNonNull(e.completion()));
    long nanos = System.nanoTime() - start;
    return new ScoredItem(e.id(), ScoredItem.display(e.kind() == ExampleKind.PROMPT ? e.promptText() : e.completion()),
        e.label().positive(), e.label().wireName(), e.category(), c.score(), c.probabilities(), c.decidedBy(),
        c.view(), c.escalated(), nanos, null);
  }

  private static ScoredItem streamed(Cascade cascade, Example e, double threshold, int checkpointChars) {
    String completion = java.util.Objects.requireNonNull(e.completion());
    List<String> tokens = tokens(completion);
    long start = System.nanoTime();
    CompletionStream s = cascade.openCompletion(e.lastUserText(), checkpointChars);
    Integer firstFire = null;
    for (int t = 0; t < tokens.size(); t++) {
      if (s.append(tokens.get(t)).max() >= threshold && firstFire == null) {
        firstFire = t + 1;
      }
    }
    var p = s.finish();
    if (firstFire == null && p.max() >= threshold) {
      firstFire = tokens.size();
    }
    long nanos = System.nanoTime() - start;
    return new ScoredItem(e.id(), ScoredItem.display(completion), e.label().positive(), e.label().wireName(), e.category(),
        p.max(), p, s.decidedBy(), s.view(), s.escalations() > 0, nanos,
        new ScoredItem.Streaming(firstFire, tokens.size(), tokens.isEmpty() ? 0 : nanos / tokens.size()));
  }

  /** Model-like tokens: a word with its leading space, split further into pieces of at most 4 chars. */
  static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int j = i;
      while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
        j++;
      }
      while (j < text.length() && !Character.isWhitespace(text.charAt(j)) && j - i < 4) {
        j++;
      }
      if (j == i) {
        j = i + 1;
      }
      out.add(text.substring(i, j));
      i = j;
    }
    return out;
  }
}
