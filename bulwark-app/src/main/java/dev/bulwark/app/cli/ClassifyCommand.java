package dev.bulwark.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.app.Main;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.CanonicalText;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.canon.View;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.ModelIntegrityException;
import dev.bulwark.core.Ticker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark classify}: one text through the cascade, as JSON. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    description = {
      "Classify one prompt (or, with --prompt, one completion of it) and print JSON: the category",
      "scores, the stage and view that decided, whether it would be blocked at the model's calibrated",
      "threshold, and the latency. --explain adds every view's stage-1 scores."
    })
public final class ClassifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--text", paramLabel = "TEXT", description = "The text") @Nullable String text;

    @Option(names = "--file", paramLabel = "FILE", description = "Read the text from a file ('-' for standard input)")
    @Nullable Path file;
  }

  @Option(names = "--prompt", paramLabel = "PROMPT",
      description = "Classify the text as a completion of this prompt, with the completion model")
  @Nullable String prompt;

  @Option(names = "--explain", description = "Add each view's stage-1 scores and the band")
  boolean explain;

  @Mixin ModelOption model;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public Integer call() throws Exception {
    String text;
    try {
      text = input.text != null ? input.text
          : "-".equals(String.valueOf(input.file)) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(java.util.Objects.requireNonNull(input.file));
    } catch (NoSuchFileException e) {
      spec.commandLine().getErr().println("bulwark: --file " + input.file + ": no such file");
      return Main.BAD_CONFIG;
    } catch (java.nio.charset.MalformedInputException e) {
      spec.commandLine().getErr().println("bulwark: --file " + input.file + ": not UTF-8 text");
      return Main.BAD_CONFIG;
    }
    ClassifierBundle bundle;
    try {
      bundle = model.load();
    } catch (ModelIntegrityException | IOException e) {
      spec.commandLine().getErr().println("bulwark: cannot load the model: " + e.getMessage());
      return Main.FAILED;
    }
    Cascade cascade = bundle.cascade(Canonicalizer.defaults(), Ticker.system());
    boolean completion = prompt != null;
    Classification c = completion ? cascade.classifyCompletion(prompt, text) : cascade.classifyPrompt(text);
    ClassifierBundle.Thresholds thresholds = completion ? bundle.completionThresholds() : bundle.promptThresholds();
    ObjectNode out = JSON.createObjectNode();
    out.put("kind", completion ? "completion" : "prompt");
    out.set("scores", scores(c.probabilities()));
    out.put("score", c.score());
    out.put("top_category", c.probabilities().argmax().id());
    boolean stop = false;
    for (Category cat : Category.ALL) {
      stop |= c.probabilities().get(cat) >= thresholds.get(cat);
    }
    out.put("action", stop ? (completion ? "halt" : "block") : "allow");
    out.put("threshold", thresholds.overall());
    out.put("decided_by", c.decidedBy());
    out.put("view", c.view());
    out.put("escalated", c.escalated());
    out.put("latency_ms", c.nanos() / 1e6);
    out.putObject("model").put("version", bundle.version()).put("digest", bundle.digest());
    if (explain) {
      ObjectNode x = out.putObject("explain");
      x.putObject("band").put("low", cascade.band().low()).put("high", cascade.band().high());
      x.put("combine", cascade.combine().name());
      x.set("stage1", scores(c.stage1()));
      if (c.stage2() != null) {
        x.set("stage2", scores(c.stage2()));
      }
      Cascade stage1Only = cascade.withBand(Band.NONE);
      CanonicalText views = cascade.canonicalizer().canonicalize(text);
      var arr = x.putArray("views");
      for (View v : views.views()) {
        Probabilities p = completion
            ? stage1Only.classifyCompletion(prompt, v.text()).stage1()
            : stage1Only.classifyPrompt(v.text()).stage1();
        ObjectNode vn = arr.addObject();
        vn.put("name", v.name());
        vn.put("chars", v.text().length());
        vn.set("stage1", scores(p));
      }
    }
    spec.commandLine().getOut().println(JSON.writeValueAsString(out));
    return Main.OK;
  }

  static ObjectNode scores(Probabilities p) {
    ObjectNode n = JSON.createObjectNode();
    for (Category c : Category.ALL) {
      n.put(c.id(), Math.round(p.get(c) * 1e6) / 1e6);
    }
    return n;
  }
}
