package dev.bulwark.app.cli;

import dev.bulwark.app.Main;
import dev.bulwark.app.PatchEmbeddingCache;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigException;
import dev.bulwark.response.BugBounty;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.Family;
import dev.bulwark.response.NewReport;
import dev.bulwark.response.RapidResponse;
import dev.bulwark.response.Report;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.bench.DevFamilies;
import dev.bulwark.response.bench.RespondBench;
import dev.bulwark.response.gate.GateResult;
import dev.bulwark.response.gate.GateResults;
import dev.bulwark.response.intake.IncidentIntake;
import dev.bulwark.response.intake.ReportForm;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.registry.DeploymentState;
import dev.bulwark.response.registry.Deployments;
import dev.bulwark.response.registry.Registry;
import dev.bulwark.response.registry.Release;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.stix.Stix;
import dev.bulwark.store.Store;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark respond}: rapid response to reported jailbreaks, over the store directly (a running
 * {@code serve} applies deployments written here within its poll interval). Every change is audited
 * in the event log.
 */
@Command(
    name = "respond",
    mixinStandardHelpOptions = true,
    description = "Rapid response: report jailbreaks, patch them through the validation gate, deploy, roll back, share.",
    subcommands = {
      RespondCommand.ReportCmd.class, RespondCommand.IntakeIncidents.class, RespondCommand.Families.class, RespondCommand.Show.class,
      RespondCommand.Patch.class, RespondCommand.FinishShadow.class, RespondCommand.Releases.class, RespondCommand.Gates.class,
      RespondCommand.Deploy.class, RespondCommand.Canary.class, RespondCommand.Promote.class,
      RespondCommand.Rollback.class, RespondCommand.History.class, RespondCommand.Reward.class,
      RespondCommand.ExportStix.class, RespondCommand.ImportStix.class, RespondCommand.DevFamiliesCmd.class,
      RespondCommand.Bench.class
    })
public final class RespondCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options every store command shares. */
  static final class Who {
    @Option(names = "--as", paramLabel = "NAME", description = "Who is acting, for the audit log (default: $USER)")
    @Nullable String actor;

    String name() {
      String n = actor != null ? actor : System.getenv("USER");
      return n == null || n.isBlank() ? "cli" : n;
    }
  }

  interface Body {
    int run(BulwarkConfig cfg, Store store, PrintWriter out) throws Exception;
  }

  static int withStore(ConfigOption config, picocli.CommandLine.Model.CommandSpec spec, Body body) throws Exception {
    BulwarkConfig cfg;
    try {
      cfg = config.load();
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("bulwark: configuration error: " + e.getMessage());
      return Main.BAD_CONFIG;
    }
    try (Store store = StoreCommands.open(cfg)) {
      return body.run(cfg, store, spec.commandLine().getOut());
    }
  }

  static Audit audit(Store store) {
    return new Audit(store.events(), Clock.systemUTC());
  }

  static Registry registry(Store store) {
    return new Registry(new ResponseStore(store).jdbc(), audit(store));
  }

  static Deployments deployments(Store store) {
    return new Deployments(new ResponseStore(store).jdbc(), registry(store), audit(store));
  }

  static List<Exchange> readExchanges(Path file) throws Exception {
    List<Exchange> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        out.add(ReportForm.exchange("exchanges[" + out.size() + "]", Json.read(lines.get(i))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  static void print(PrintWriter out, GateResult g) {
    out.println(g.id() + "  " + g.releaseId() + "  " + (g.passed() ? "PASSED" : "REFUSED") + "  family "
        + g.familyId() + "  against " + g.against() + "  " + g.decidedAt());
    for (GateResult.Check c : g.checks()) {
      out.println("    " + (c.passed() ? "ok  " : "FAIL") + " " + c.name() + ": " + c.detail());
      for (String example : c.newlyBlockedExamples()) {
        out.println("           newly blocked, " + example);
      }
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Take in a jailbreak report: example exchanges from a JSONL file (text or messages, optional completion).")
  static final class ReportCmd implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--source", required = true, description = "bug_bounty, red_team, monitor or partner")
    String source;

    @Option(names = "--title", required = true, description = "A short description")
    String title;

    @Option(names = "--reporter", description = "Who reported it (required for the bug bounty)")
    @Nullable String reporter;

    @Option(names = "--submission", description = "Bug bounty: the submission's id")
    @Nullable String submission;

    @Option(names = "--severity", description = "Bug bounty: low, medium, high or critical")
    @Nullable String severity;

    @Option(names = "--reward", description = "Bug bounty: pending, approved, paid, declined or not_eligible (default pending)")
    @Nullable String reward;

    @Option(names = "--ref", description = "The source's own reference (incident id, ticket)")
    @Nullable String ref;

    @Option(names = "--file", required = true, description = "JSONL file of example exchanges")
    Path file;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        // The admin API's POST /reports validates with the same form.
        NewReport r = ReportForm.report(source, title, reporter, submission, severity, reward, ref, readExchanges(file));
        var intake = dev.bulwark.response.intake.Intake.withDefaults(new ResponseStore(store),
            dev.bulwark.classify.canon.Canonicalizer.defaults(), embedder(), audit(store)).submit(r, who.name());
        out.println(intake.report().id() + " -> " + intake.family().id()
            + (intake.duplicate() ? " (duplicate of " + intake.report().duplicateOf() + ")"
                : intake.newFamily() ? " (new family)" : String.format(Locale.ROOT, " (similarity %.2f)", intake.similarity())));
        return Main.OK;
      });
    }
  }

  static dev.bulwark.classify.exemplar.Embedder embedder() {
    return dev.bulwark.classify.exemplar.Embedder.minilm(dev.bulwark.classify.model.Encoder.minilm(),
        dev.bulwark.classify.canon.Canonicalizer.defaults(), dev.bulwark.classify.exemplar.Embedder.DEFAULT_MAX_WINDOWS);
  }

  @Command(name = "intake-incidents", mixinStandardHelpOptions = true,
      description = "Take monitor incidents that point at a jailbreak in as 'monitor' reports, each exactly once "
          + "(serve does this on a timer); then open a review item, or patch the family at once.")
  static final class IntakeIncidents implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--auto-patch", negatable = true,
        description = "Patch each new family at once and deploy what passes the gate (default: response.incidents.auto_patch)")
    @Nullable Boolean autoPatch;

    @Option(names = "--data", description = "The shared data folder for patches (default: response.data)")
    @Nullable Path data;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        IncidentIntake.Settings settings = cfg.response().incidents();
        if (autoPatch != null) {
          settings = settings.withAutoPatch(autoPatch);
        }
        Path dir = data != null ? data : cfg.response().data();
        // Automatic patches fine-tune stage 2 too: the configured embedding cache, opened only if one does.
        PatchEmbeddingCache embeddings = new PatchEmbeddingCache(
            settings.autoPatch() ? PatchEmbeddingCache.folder(null, cfg.response().embeddingCache()) : null,
            (folder, reason) -> spec.commandLine().getErr().println("bulwark: the embedding cache " + folder
                + " cannot be used (" + reason + "); automatic patches embed without it"
                + " (response.embedding_cache picks another folder, or none)"));
        RapidResponse responder = settings.autoPatch()
            ? ResponseCommands.cliResponder(cfg, store, dir, embeddings::get) : null;
        IncidentIntake.Patcher patcher = responder != null ? IncidentIntake.Patcher.of(responder) : null;
        ResponseStore rs = new ResponseStore(store);
        Audit audit = audit(store);
        audit.record("response.incident_intake.run", Json.object().put("actor", who.name()).put("mode", settings.mode())
            .put("auto_patch", settings.autoPatch()));
        IncidentIntake intake = new IncidentIntake(store, dev.bulwark.response.intake.Intake.withDefaults(rs,
            dev.bulwark.classify.canon.Canonicalizer.defaults(), embedder(), audit), ResponseCommands.reviews(store, null),
            audit, settings, patcher);
        List<IncidentIntake.Taken> taken;
        try (embeddings) {
          taken = responder != null ? ResponseCommands.renewingLeases(responder, intake::runOnce) : intake.runOnce();
        }
        for (IncidentIntake.Taken t : taken) {
          out.println(t.incidentId() + ": " + t.note());
        }
        out.println(taken.isEmpty() ? "no incidents to take in" : taken.size() + " incident(s) taken in ("
            + settings.mode() + ")");
        return Main.OK;
      });
    }
  }

  @Command(name = "families", mixinStandardHelpOptions = true, description = "List attack families.")
  static final class Families implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        ResponseStore rs = new ResponseStore(store);
        for (Family f : rs.families()) {
          out.println(f.id() + "  " + f.status().wireName() + "  " + rs.reports(f.id()).size() + " reports  " + f.name());
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "family", mixinStandardHelpOptions = true, description = "Show a family: reports, variants, gate results.")
  static final class Show implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FAMILY")
    String family;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        ResponseStore rs = new ResponseStore(store);
        Family f = rs.family(family).orElseThrow(() -> new IllegalArgumentException("no family " + family));
        out.println(f.id() + "  " + f.status().wireName() + "  " + f.name());
        for (Report r : rs.reports(f.id())) {
          out.println("  " + r.id() + "  " + r.source().wireName() + "  " + (r.reporter() == null ? "" : r.reporter() + "  ")
              + (r.bounty() == null ? "" : r.bounty().severity().wireName() + "/" + r.bounty().reward().wireName() + "  ")
              + r.exchanges().size() + " exchanges" + (r.duplicateOf() == null ? "" : "  duplicate of " + r.duplicateOf()));
        }
        long twins = rs.variants(f.id()).stream().filter(v -> v.role() == dev.bulwark.response.Variant.Role.TWIN).count();
        out.println("  variants: " + rs.variants(f.id()).size() + " (" + twins + " benign twins)");
        for (GateResult g : new GateResults(rs.jdbc(), audit(store)).forFamily(f.id())) {
          print(out, g);
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "patch", mixinStandardHelpOptions = true,
      description = "Run the loop for a family: proliferate, build patches, validate, deploy the first candidate that passes.")
  static final class Patch implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FAMILY")
    String family;

    @Option(names = "--seed", description = "Proliferation seed (default 1)")
    long seed = 1;

    @Option(names = "--data", description = "The shared data folder (default ../shared/data)")
    @Nullable Path data;

    @Option(names = "--no-classifier", description = "No classifier patch")
    boolean noClassifier;

    @Option(names = "--no-exemplars", description = "No exemplar patch")
    boolean noExemplars;

    @Option(names = "--no-signature", description = "No signature rule")
    boolean noSignature;

    @Option(names = "--no-stage2",
        description = "Keep the deployed prompt stage-2 head: fine-tune stage 1 only (a few seconds quicker a family)")
    boolean noStage2;

    @Option(names = "--canary", split = ",", description = "Deploy as a canary for these policies only")
    List<String> canary = new ArrayList<>();

    @Option(names = "--cache", paramLabel = "DIR",
        description = "Embedding cache of the stage-2 fine-tune, kept between runs (default: response.embedding_cache,"
            + " ~/.cache/bulwark/embeddings unless configured; 'none' for no cache)")
    @Nullable String cache;

    /**
     * The one line a patch prints when its embedding cache cannot be used (a folder that cannot be
     * created, a file that is not a cache, a cache a running server or a {@code bulwark train} holds).
     */
    static PatchEmbeddingCache.Problems cacheProblems(PrintWriter err) {
      return (dir, reason) -> err.println("bulwark: the embedding cache " + dir + " cannot be used (" + reason
          + "); the patch embeds the replayed and calibration prompts without it (--cache DIR picks another folder,"
          + " --cache none skips it)");
    }

    /** The loop's options as given on the command line (the admin API's patch body maps onto the same). */
    RapidResponse.Options options() {
      return new RapidResponse.Options(seed, !noClassifier, !noExemplars, !noSignature, true,
          new LinkedHashSet<>(canary), who.name()).withStage2(!noStage2);
    }

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      if (cache != null && cache.isBlank()) {
        err.println("bulwark: --cache must be a folder's path, or none");
        return Main.BAD_CONFIG;
      }
      return withStore(config, spec, (cfg, store, out) -> {
        // Only the stage-2 fine-tune of a classifier patch reads the cache: without one, leave the folder
        // alone (a running server may want it).
        Path folder = noClassifier || noStage2 ? null : PatchEmbeddingCache.folder(cache, cfg.response().embeddingCache());
        try (PatchEmbeddingCache embeddings = new PatchEmbeddingCache(folder, cacheProblems(err))) {
          RapidResponse rr = ResponseCommands.cliResponder(cfg, store, data, embeddings::get);
          RapidResponse.Outcome outcome = ResponseCommands.renewingLeases(rr, () -> rr.respond(family, options()));
          out.println(family + ": " + outcome.variants() + " variants, " + outcome.twins() + " twins, wrapper " + outcome.wrapper());
          for (RapidResponse.Attempt a : outcome.attempts()) {
            out.println(a.release().id() + "  " + a.release().note());
            print(out, a.gate());
          }
          out.println(outcome.deployed() == null ? "nothing deployed" : "deployed " + outcome.deployed().id()
              + " (deployment " + outcome.deployment().seq() + ")");
          out.println("timings (s): " + outcome.timings());
          return outcome.deployed() == null ? Main.FAILED : Main.OK;
        }
      });
    }
  }

  /**
   * Ends a shadow period now. Unlike the other {@code respond} commands this one goes through the admin
   * API of the running server: a shadow period's live counts are in that server's memory, which no
   * store holds. So there is no {@code --as}: the actor is the admin token's person, as for every
   * admin-API command.
   */
  @Command(name = "finish-shadow", mixinStandardHelpOptions = true,
      description = "End a release's shadow period now, through the admin API of the server that holds it:"
          + " deploy it if it passes on the live prompts seen so far, else refuse it.")
  static final class FinishShadow implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RELEASE", description = "The release in its shadow period")
    String release;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        com.fasterxml.jackson.databind.JsonNode o = client.post("/releases/" + release + "/finish-shadow",
            AdminOptions.JSON.createObjectNode());
        if (admin.json) {
          AdminOptions.printJson(out, o);
          return Main.OK;
        }
        com.fasterxml.jackson.databind.JsonNode gate = o.path("gate");
        out.println(release + ": shadow period ended, " + (o.path("deployed").asBoolean() ? "PASSED" : "REFUSED")
            + " (" + gate.path("gate").asText() + ")");
        for (com.fasterxml.jackson.databind.JsonNode c : gate.path("checks")) {
          out.println("    " + (c.path("passed").asBoolean() ? "ok  " : "FAIL") + " " + c.path("name").asText() + ": "
              + c.path("detail").asText());
          c.path("newly_blocked_examples").forEach(x -> out.println("           newly blocked, " + x.asText()));
        }
        out.println(o.path("deployed").asBoolean() ? "deployed " + release + " (deployment "
            + o.at("/deployment/seq").asText() + ")" : "refused: " + gate.path("reason").asText());
        return o.path("deployed").asBoolean() ? Main.OK : Main.FAILED;
      });
    }
  }

  @Command(name = "releases", mixinStandardHelpOptions = true, description = "List releases and their artifacts.")
  static final class Releases implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        for (Release r : registry(store).releases()) {
          out.println(r.id() + "  " + r.status().wireName() + "  family " + r.familyId() + "  classifier "
              + r.spec().classifier() + "  exemplars " + r.spec().exemplars() + "  signatures " + r.spec().signatures()
              + "  prompt-patches " + r.spec().promptPatches() + "  " + r.note());
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "gates", mixinStandardHelpOptions = true, description = "Show validation gate results with their checks.")
  static final class Gates implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--release", description = "Only this release's")
    @Nullable String release;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        for (GateResult g : new GateResults(new ResponseStore(store).jdbc(), audit(store)).forRelease(release)) {
          print(out, g);
        }
        return Main.OK;
      });
    }
  }

  static void printState(PrintWriter out, DeploymentState d) {
    out.println("deployment " + d.seq() + " (" + d.kind().wireName() + "): " + d.stableName()
        + (d.canaryReleaseId() == null ? "" : ", canary " + d.canaryReleaseId() + " for " + d.canaryPolicies())
        + "  by " + d.actor() + ": " + d.reason());
  }

  @Command(name = "deploy", mixinStandardHelpOptions = true, description = "Make a release (or 'base') stable everywhere.")
  static final class Deploy implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RELEASE")
    String release;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        printState(out, deployments(store).deploy(release, who.name(), reason));
        return Main.OK;
      });
    }
  }

  @Command(name = "canary", mixinStandardHelpOptions = true, description = "Run a release for some policies (tiers) only.")
  static final class Canary implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RELEASE")
    String release;

    @Option(names = "--policies", required = true, split = ",")
    List<String> policies;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        printState(out, deployments(store).canary(release, new LinkedHashSet<>(policies), who.name(), reason));
        return Main.OK;
      });
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make the canary release stable everywhere.")
  static final class Promote implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        printState(out, deployments(store).promote(who.name(), reason));
        return Main.OK;
      });
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Restore the deployment before the last change.")
  static final class Rollback implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--reason", description = "Why (default: 'rollback')")
    String reason = "rollback";

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        printState(out, deployments(store).rollback(who.name(), reason));
        return Main.OK;
      });
    }
  }

  @Command(name = "history", mixinStandardHelpOptions = true, description = "The deployment history, newest first.")
  static final class History implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--limit", description = "Rows (default 20)")
    int limit = 20;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        deployments(store).history(limit).forEach(d -> printState(out, d));
        return Main.OK;
      });
    }
  }

  @Command(name = "reward", mixinStandardHelpOptions = true, description = "Set a bug-bounty report's reward status.")
  static final class Reward implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPORT")
    String report;

    @Parameters(index = "1", paramLabel = "STATUS", description = "pending, approved, paid, declined or not_eligible")
    String status;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        BugBounty.RewardStatus s = BugBounty.RewardStatus.parse(status)
            .orElseThrow(() -> new IllegalArgumentException("unknown reward status " + status));
        audit(store).record("response.report.reward", Json.object().put("report", report).put("status", s.wireName())
            .put("actor", who.name()));
        new ResponseStore(store).setRewardStatus(report, s);
        out.println(report + ": reward " + s.wireName());
        return Main.OK;
      });
    }
  }

  @Command(name = "export-stix", mixinStandardHelpOptions = true,
      description = "Export a family as a STIX 2.1 bundle for partners (personal data masked, no reporters, no completions).")
  static final class ExportStix implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FAMILY")
    String family;

    @Option(names = "--out", required = true)
    Path file;

    @Option(names = "--producer", description = "The producing organization's name (default 'Bulwark deployment')")
    String producer = "Bulwark deployment";

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        var bundle = new Stix(new ResponseStore(store), new Redactor(), producer).export(family);
        audit(store).record("response.stix.exported", Json.object().put("family", family).put("bundle", bundle.path("id").asText())
            .put("actor", who.name()));
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(bundle), StandardCharsets.UTF_8);
        out.println("wrote " + file + " (" + bundle.path("objects").size() + " STIX objects)");
        return Main.OK;
      });
    }
  }

  @Command(name = "import-stix", mixinStandardHelpOptions = true, description = "Import a partner's STIX 2.1 bundle as reports.")
  static final class ImportStix implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
      return withStore(config, spec, (cfg, store, out) -> {
        ResponseStore rs = new ResponseStore(store);
        var intake = dev.bulwark.response.intake.Intake.withDefaults(rs, dev.bulwark.classify.canon.Canonicalizer.defaults(),
            embedder(), audit(store));
        for (NewReport r : new Stix(rs, new Redactor(), "import").parse(Json.read(Files.readString(file, StandardCharsets.UTF_8)))) {
          var res = intake.submit(r, who.name());
          out.println(res.report().id() + " -> " + res.family().id() + (res.newFamily() ? " (new family)" : "")
              + (res.duplicate() ? " (duplicate)" : ""));
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "dev-families", mixinStandardHelpOptions = true,
      description = "Write a development set of attack families from the shared data (outside the repository).")
  static final class DevFamiliesCmd implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", description = "The shared data folder (default ../shared/data)")
    Path data = dev.bulwark.classify.data.DataSets.DEFAULT_DIR;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--seed")
    long seed = 1;

    @Option(names = "--templates", description = "Template families (default 5)")
    int templates = 5;

    @Option(names = "--tests", description = "Lines per test file (default 40)")
    int tests = 40;

    @Override
    public Integer call() throws Exception {
      List<String> names = new DevFamilies(data, seed, 5, tests, templates).write(out);
      spec.commandLine().getOut().println("wrote " + names.size() + " families, benign.jsonl and harmful.jsonl to " + out + ": " + names);
      return Main.OK;
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Run the loop from report to deployed patch for each family with 1 and 5 observed examples; "
          + "print a table and write metrics.json.")
  static final class Bench implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--families", required = true, description = "One subfolder per family: observed.jsonl, test_id.jsonl, test_ood.jsonl")
    Path families;

    @Option(names = "--benign", required = true, description = "Benign JSONL lines")
    Path benign;

    @Option(names = "--harmful", description = "Plain harmful JSONL lines: how many each patch still blocks (default: not measured)")
    Path harmful;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--seed")
    long seed = 1;

    @Option(names = "--data", description = "The shared data folder for the training pool (default ../shared/data)")
    Path data = dev.bulwark.classify.data.DataSets.DEFAULT_DIR;

    @Option(names = "--no-classifier", description = "Exemplar and signature patches only")
    boolean noClassifier;

    @Override
    public Integer call() throws Exception {
      new RespondBench(families, benign, harmful, out, data, seed, !noClassifier, true).run(spec.commandLine().getOut());
      return Main.OK;
    }
  }
}
