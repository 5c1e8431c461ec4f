package dev.bulwark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.data.Constitution;
import dev.bulwark.classify.data.DataFile;
import dev.bulwark.classify.data.DataSets;
import dev.bulwark.classify.data.Example;
import dev.bulwark.classify.data.ExampleKind;
import dev.bulwark.classify.data.Label;
import dev.bulwark.classify.data.Splits;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.monitor.Monitor;
import dev.bulwark.monitor.MonitorSettings;
import dev.bulwark.monitor.analyzer.AnalysisContext;
import dev.bulwark.monitor.analyzer.Analyzer;
import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.AnalyzerRegistry;
import dev.bulwark.monitor.analyzer.BuiltInAnalyzers;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.InMemoryExemplarIndex;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.PastExchange;
import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.monitor.incident.CostReport;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The monitor's benchmark ({@code bench/monitor.sh}), two parts:
 *
 * <ol>
 *   <li><b>Throughput</b>: a backlog of gateway-shaped exchanges (prompts and completions from the
 *       shared data sets, over many accounts, some multi-turn) is drained by one in-process worker
 *       through the default flowchart's cheap stages (triage, rules, conversation), on SQLite and on
 *       PostgreSQL; then a smaller backlog through the whole default flowchart, with its cost report.
 *       Each exchange is committed with its run record, features and acknowledgement, as in
 *       production.
 *   <li><b>Cascade</b>: on the classifier's held-out dev split of the shared data, the share of
 *       benign exchanges the triage escalates to the expensive stage, against the share of what stage
 *       2 run on every exchange finds that the cascade still finds (stage 2 only on what was escalated),
 *       for a range of triage thresholds.
 * </ol>
 *
 * Options: {@code --data DIR} (default ../shared/data), {@code --exchanges N} (20000), {@code --full N}
 * (2000, for the whole flowchart), {@code --accounts N} (500), {@code --harmful SHARE} (0.05: the share
 * of harmful requests in the traffic), {@code --pg-url URL} / {@code --pg-user
 * USER} (jdbc:postgresql://127.0.0.1:5432/test, postgres; {@code --pg-url none} skips PostgreSQL),
 * {@code --work DIR}, {@code --out FILE} (the JSON results).
 */
public final class MonitorBench {
  static final String CHEAP = """
      version: default-1-cheap
      start: [triage]
      nodes:
        triage:
          analyzer: exchange_classifier
          settings: {stage: 1}
          findings: false
          next: [{to: rules}]
        rules:
          analyzer: rules
          settings:
            refusal_streak: 3
            rephrase_similarity: 0.5
            rephrase_window: 10m
            patterns:
              - {id: instruction_override, regex: '(?i)\\b(ignore|disregard|forget) (all |any )?(of )?(your |the )?(previous|prior|above|earlier) (instructions|rules|guidelines)', category: jailbreak, severity: low}
              - {id: persona_override, regex: '(?i)\\b(you are now DAN|do anything now|developer mode (enabled|on)|jailbreak mode)\\b', category: jailbreak, severity: low}
          next: [{to: conversation}]
        conversation:
          analyzer: conversation
          settings: {threshold: 0.5, floor: 0.2, min_pieces: 2, window: 30m, joined: stage1}
      """;
  static final double[] THRESHOLDS = {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6};

  private MonitorBench() {}

  public static void main(String[] args) throws Exception {
    // Flyway logs every migration through java.util.logging; the tables are what matter here.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
      h.setLevel(java.util.logging.Level.WARNING);
    }
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("options are --name value, got " + args[i]);
      }
      opt.put(args[i].substring(2), args[i + 1]);
    }
    Path data = Path.of(opt.getOrDefault("data", DataSets.DEFAULT_DIR.toString()));
    int n = Integer.parseInt(opt.getOrDefault("exchanges", "20000"));
    int full = Integer.parseInt(opt.getOrDefault("full", "2000"));
    int accounts = Integer.parseInt(opt.getOrDefault("accounts", "500"));
    String pgUrl = opt.getOrDefault("pg-url", "jdbc:postgresql://127.0.0.1:5432/test");
    String pgUser = opt.getOrDefault("pg-user", "postgres");
    Path work = Path.of(opt.getOrDefault("work", System.getProperty("java.io.tmpdir") + "/bulwark-monitor-bench"));
    Path out = Path.of(opt.getOrDefault("out", work.resolve("monitor-results.json").toString()));
    Files.createDirectories(work);

    Constitution constitution = Constitution.builtIn();
    DataSets sets = new DataSets(data, constitution);
    if (!sets.available()) {
      System.err.println("monitor-bench: no data at " + data.toAbsolutePath() + " (set --data)");
      System.exit(2);
    }
    List<Example> all = new ArrayList<>();
    for (DataFile f : sets.readAll()) {
      all.addAll(f.examples());
    }
    AnalyzerEnvironment env = AnalyzerEnvironment.builder()
        .exemplars(() -> new InMemoryExemplarIndex("none", 384))
        .build();
    AnalyzerRegistry registry = BuiltInAnalyzers.registry(env).build();
    FlowchartParser parser = new FlowchartParser(registry, Set.of("standard"));
    Flowchart cheap = parser.parse(CHEAP, "bench:cheap");
    Flowchart dflt = parser.parseDefault();
    for (var node : dflt.nodes()) {
      node.analyzer().prepare();
    }

    ObjectNode results = JsonNodeFactory.instance.objectNode();
    results.put("date", Instant.now().toString());
    results.put("machine", machine());
    results.put("command", "bench/monitor.sh " + String.join(" ", args));
    results.put("examples", all.size());
    ArrayNode throughput = results.putArray("throughput");
    double harmful = Double.parseDouble(opt.getOrDefault("harmful", "0.05"));
    List<EventRecord> traffic = traffic(all, n, accounts, harmful, new Random(7));
    List<EventRecord> fullTraffic = traffic(all, full, accounts, harmful, new Random(11));
    results.put("harmful_share", harmful);
    results.put("load_average_at_start", loadAverage());

    warmUp(all, cheap, accounts, harmful, work);
    System.out.printf(Locale.ROOT, "## Monitor throughput (one worker, 2 analysis threads, batch 512; %.0f%% harmful"
        + " traffic over %d accounts; load average at start %s)%n%n", harmful * 100, accounts, loadAverage());
    System.out.println("| store | flowchart | exchanges | enqueue/s | drain s | exchanges/s |");
    System.out.println("|---|---|---:|---:|---:|---:|");
    for (Dialect dialect : List.of(Dialect.SQLITE, Dialect.POSTGRESQL)) {
      if (dialect == Dialect.POSTGRESQL && pgUrl.equals("none")) {
        continue;
      }
      String schema = "bench_monitor_" + Long.toHexString(System.nanoTime());
      StoreConfig config;
      if (dialect == Dialect.SQLITE) {
        Path db = work.resolve("monitor-bench.db");
        for (String suffix : List.of("", "-wal", "-shm")) {
          Files.deleteIfExists(Path.of(db + suffix));
        }
        config = StoreConfig.builder().url("jdbc:sqlite:" + db).build();
      } else {
        try (Connection c = DriverManager.getConnection(pgUrl, pgUser, null)) {
          c.isValid(5);
        } catch (SQLException e) {
          System.out.println("| postgresql | - | skipped: " + e.getMessage() + " | | | |");
          continue;
        }
        config = StoreConfig.builder().url(pgUrl).user(pgUser).schema(schema).build();
      }
      try (Store store = Store.open(config)) {
        for (Object[] run : new Object[][] {{cheap, traffic}, {dflt, fullTraffic}}) {
          Flowchart fc = (Flowchart) run[0];
          @SuppressWarnings("unchecked")
          List<EventRecord> events = (List<EventRecord>) run[1];
          long t0 = System.nanoTime();
          for (int from = 0; from < events.size(); from += 500) {
            store.events().appendAll(events.subList(from, Math.min(events.size(), from + 500))).join();
          }
          double enqueue = events.size() / ((System.nanoTime() - t0) / 1e9);
          Instant since = Instant.now();
          try (Monitor m = Monitor.builder().store(store).flowcharts(new FlowchartSource(fc))
              .settings(MonitorSettings.builder().workerId("bench").batchSize(512).threads(2).build()).build()) {
            m.prepare();
            long d0 = System.nanoTime();
            int done = m.drain(Duration.ofMinutes(30));
            double secs = (System.nanoTime() - d0) / 1e9;
            double rate = done / secs;
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f | %.2f | %.0f |%n", dialect.name().toLowerCase(Locale.ROOT),
                fc.declaredVersion(), done, enqueue, secs, rate);
            ObjectNode r = throughput.addObject();
            r.put("store", dialect.name().toLowerCase(Locale.ROOT)).put("flowchart", fc.version())
                .put("exchanges", done).put("enqueue_per_s", Math.round(enqueue)).put("drain_s", secs)
                .put("exchanges_per_s", Math.round(rate));
            if (fc == dflt) {
              CostReport cost = CostReport.compute(store, since.minusSeconds(1), fc.version());
              r.put("cost_per_1000", cost.costPerThousand());
              ObjectNode shares = r.putObject("node_share");
              cost.nodes().forEach(nc -> shares.put(nc.node(), nc.share()));
              System.out.println();
              System.out.print(indent(cost.format()));
              System.out.println();
            }
          }
        }
      } finally {
        if (dialect == Dialect.POSTGRESQL) {
          try (Connection c = DriverManager.getConnection(pgUrl, pgUser, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
          }
        }
      }
    }

    results.put("load_average_after_throughput", loadAverage());
    cascade(all, dflt, results);
    Files.writeString(out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
    System.out.println("\nresults: " + out);
    System.exit(0);
  }

  /** An unrecorded drain on a scratch SQLite store, so that the measured runs find the JIT warm. */
  static void warmUp(List<Example> all, Flowchart cheap, int accounts, double harmful, Path work) throws Exception {
    Path db = work.resolve("monitor-warmup.db");
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(Path.of(db + suffix));
    }
    try (Store store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + db).build())) {
      List<EventRecord> events = traffic(all, 6000, accounts, harmful, new Random(3));
      for (int from = 0; from < events.size(); from += 500) {
        store.events().appendAll(events.subList(from, Math.min(events.size(), from + 500))).join();
      }
      try (Monitor m = Monitor.builder().store(store).flowcharts(new FlowchartSource(cheap))
          .settings(MonitorSettings.builder().workerId("warmup").batchSize(512).threads(2).build()).build()) {
        m.drain(Duration.ofMinutes(10));
      }
    }
  }

  /** Benign sources of ordinary assistant traffic; the other benign sets are over-refusal sets. */
  static final Set<String> ORDINARY = Set.of("benign_arena_hard_v0_1.jsonl", "benign_self_instruct.jsonl",
      "benign_gsm8k_test.jsonl", "benign_completions.jsonl");

  /**
   * Escalation rate on benign vs recall relative to stage 2 on everything, on the dev split, for three
   * traffic mixes: ordinary benign traffic, the over-refusal (hard negative) sets, and both; the
   * harmful side is the same in each.
   */
  static void cascade(List<Example> all, Flowchart dflt, ObjectNode results) throws Exception {
    List<Example> dev = Splits.defaults().split(all).dev();
    List<Example> benign = new ArrayList<>();
    List<Example> harmful = new ArrayList<>();
    for (Example e : dev) {
      if (e.label() == Label.BENIGN) {
        benign.add(e);
      } else if (e.label() == Label.HARMFUL) {
        harmful.add(e);
      }
    }
    Analyzer triage = dflt.node("triage").orElseThrow().analyzer();
    Analyzer rules = dflt.node("rules").orElseThrow().analyzer();
    Analyzer deep = dflt.node("deep").orElseThrow().analyzer();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<double[]>> scored = new ArrayList<>();
    List<Example> both = new ArrayList<>(benign);
    both.addAll(harmful);
    long t0 = System.nanoTime();
    for (Example e : both) {
      scored.add(pool.submit(() -> {
        Exchange ex = exchange(e);
        double t = triage.analyze(ex, new Context()).score();
        double hits = rules.analyze(ex, new Context()).values().getOrDefault("hits", 0.0);
        NodeOutput d = deep.analyze(ex, new Context());
        return new double[] {t, hits, d.hasFinding() ? 1 : 0};
      }));
    }
    List<double[]> rows = new ArrayList<>();
    for (Future<double[]> f : scored) {
      rows.add(f.get());
    }
    pool.shutdown();
    double secs = (System.nanoTime() - t0) / 1e9;
    int nb = benign.size();
    int nh = harmful.size();
    // mix -> which benign rows belong to it
    Map<String, java.util.function.IntPredicate> mixes = new java.util.LinkedHashMap<>();
    mixes.put("ordinary", i -> ORDINARY.contains(benign.get(i).source()));
    mixes.put("hard_negatives", i -> !ORDINARY.contains(benign.get(i).source()));
    mixes.put("all", i -> true);
    int stage2Harmful = 0;
    for (int i = nb; i < rows.size(); i++) {
      stage2Harmful += rows.get(i)[2] == 1 ? 1 : 0;
    }
    ObjectNode c = results.putObject("cascade");
    c.put("harmful", nh).put("stage2_all_harmful_found", stage2Harmful).put("stage2_all_seconds", secs);
    System.out.printf(Locale.ROOT, "%n## Cascade on the classifier's dev split (stage 2 on all %d exchanges: %.1f s, 2 threads)%n%n",
        rows.size(), secs);
    System.out.printf(Locale.ROOT, "Harmful: %d exchanges; stage 2 on every one finds %d (%.1f%%).%n", nh, stage2Harmful,
        100.0 * stage2Harmful / nh);
    for (Map.Entry<String, java.util.function.IntPredicate> mix : mixes.entrySet()) {
      int n = 0;
      int found = 0;
      for (int i = 0; i < nb; i++) {
        if (mix.getValue().test(i)) {
          n++;
          found += rows.get(i)[2] == 1 ? 1 : 0;
        }
      }
      System.out.printf(Locale.ROOT, "Benign, %s: %d exchanges; stage 2 on every one flags %d (%.1f%%).%n", mix.getKey(),
          n, found, n == 0 ? 0 : 100.0 * found / n);
      c.putObject(mix.getKey()).put("benign", n).put("stage2_all_benign_found", found);
    }
    System.out.println();
    StringBuilder head = new StringBuilder("| triage threshold | harmful escalated |");
    StringBuilder rule = new StringBuilder("|---:|---:|");
    for (String m : mixes.keySet()) {
      head.append(" benign escalated (").append(m).append(") | recall vs stage 2 on all (").append(m).append(") |");
      rule.append("---:|---:|");
    }
    System.out.println(head);
    System.out.println(rule);
    ArrayNode sweep = c.putArray("sweep");
    for (double th : THRESHOLDS) {
      boolean[] esc = new boolean[rows.size()];
      int escH = 0;
      for (int i = 0; i < rows.size(); i++) {
        esc[i] = rows.get(i)[0] >= th || rows.get(i)[1] >= 1;
        if (i >= nb && esc[i]) {
          escH++;
        }
      }
      ObjectNode point = sweep.addObject().put("threshold", th).put("harmful_escalated", (double) escH / nh);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %.2f | %.1f%% |", th, 100.0 * escH / nh));
      for (Map.Entry<String, java.util.function.IntPredicate> mix : mixes.entrySet()) {
        int n = 0;
        int escB = 0;
        int found = 0;
        int kept = 0;
        for (int i = 0; i < rows.size(); i++) {
          boolean in = i >= nb || mix.getValue().test(i);
          if (!in) {
            continue;
          }
          if (i < nb) {
            n++;
            escB += esc[i] ? 1 : 0;
          }
          if (rows.get(i)[2] == 1) {
            found++;
            kept += esc[i] ? 1 : 0;
          }
        }
        double rate = n == 0 ? 0 : (double) escB / n;
        double recall = found == 0 ? 1 : (double) kept / found;
        line.append(String.format(Locale.ROOT, " %.1f%% | %.1f%% |", 100 * rate, 100 * recall));
        point.putObject(mix.getKey()).put("benign_escalated", rate).put("recall_vs_stage2_all", recall);
      }
      System.out.println(line);
    }
    Map<String, int[]> bySource = new java.util.TreeMap<>();
    double chosen = 0.25;
    for (int i = 0; i < nb; i++) {
      int[] a = bySource.computeIfAbsent(benign.get(i).source(), k -> new int[2]);
      a[0]++;
      a[1] += rows.get(i)[0] >= chosen || rows.get(i)[1] >= 1 ? 1 : 0;
    }
    System.out.printf(Locale.ROOT, "%nBenign escalated at the default flowchart's threshold (%.2f), by source:%n", chosen);
    ObjectNode src = c.putObject("benign_escalated_by_source_at_default");
    for (Map.Entry<String, int[]> e : bySource.entrySet()) {
      System.out.printf(Locale.ROOT, "  %-40s %4d of %4d (%.1f%%)%n", e.getKey(), e.getValue()[1], e.getValue()[0],
          100.0 * e.getValue()[1] / e.getValue()[0]);
      src.put(e.getKey(), (double) e.getValue()[1] / e.getValue()[0]);
    }
  }

  /**
   * {@code n} gateway-shaped final events over {@code accounts} accounts: a share {@code harmful} of
   * harmful requests (prompt examples labelled harmful, and harmful prompts with the onset of a
   * compliant answer), the rest benign (benign prompts, and benign prompts with their answers); a
   * tenth are follow-ups carrying an earlier turn.
   */
  static List<EventRecord> traffic(List<Example> all, int n, int accounts, double harmful, Random random) {
    List<Example> benignPrompts = new ArrayList<>();
    List<Example> harmfulPrompts = new ArrayList<>();
    List<Example> benignCompletions = new ArrayList<>();
    List<Example> harmfulCompletions = new ArrayList<>();
    for (Example e : all) {
      boolean bad = e.label() == Label.HARMFUL;
      if (e.label() != Label.BENIGN && !bad) {
        continue;
      }
      if (e.kind() == ExampleKind.COMPLETION) {
        (bad ? harmfulCompletions : benignCompletions).add(e);
      } else {
        (bad ? harmfulPrompts : benignPrompts).add(e);
      }
    }
    List<EventRecord> out = new ArrayList<>(n);
    Instant t = Instant.now().minusSeconds(n / 100 + 60);
    for (int i = 0; i < n; i++) {
      String account = "acct" + random.nextInt(accounts);
      boolean bad = random.nextDouble() < harmful;
      List<String> turns = new ArrayList<>();
      String completion;
      if (random.nextInt(3) == 0) {
        List<Example> pool = bad ? harmfulCompletions : benignCompletions;
        Example e = pool.get(random.nextInt(pool.size()));
        turns.add(e.promptText());
        completion = e.completion() == null ? "" : e.completion();
      } else {
        List<Example> pool = bad ? harmfulPrompts : benignPrompts;
        Example e = pool.get(random.nextInt(pool.size()));
        if (random.nextInt(10) == 0) { // a follow-up in a conversation
          turns.add(benignPrompts.get(random.nextInt(benignPrompts.size())).promptText());
        }
        turns.add(e.promptText());
        completion = bad ? "I can't help with that." : "Here is an answer to that.";
      }
      out.add(event(account, t.plusMillis(10L * i), turns, completion, "req_bench_" + i));
    }
    return out;
  }

  static EventRecord event(String account, Instant at, List<String> userTurns, String completion, String requestId) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("request_id", requestId).put("key_id", "key_" + account).put("org", account).put("tier", "standard");
    body.putObject("policy").put("name", "standard").put("version", 1).put("retention", "hashes");
    body.putObject("route").put("client_protocol", "openai").put("model", "m").put("stream", true);
    body.put("outcome", "completed").put("status", 200).put("action", "allow");
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    ArrayNode turns = payload.putArray("prompt_turns");
    for (int i = 0; i < userTurns.size(); i++) {
      turns.addObject().put("role", "user").put("text", userTurns.get(i));
      if (i < userTurns.size() - 1) {
        turns.addObject().put("role", "assistant").put("text", "(earlier answer)");
      }
    }
    payload.putArray("completion_parts").addObject().put("choice", 0).put("block", 0).put("kind", "text")
        .put("text", completion);
    return new EventRecord("request.completed", requestId, "key_" + account, account, at, body.toString(), true)
        .withOutboxPayload(payload.toString());
  }

  static Exchange exchange(Example e) {
    List<Exchange.Turn> turns = new ArrayList<>();
    for (Turn t : e.prompt()) {
      turns.add(new Exchange.Turn(t.role().name().toLowerCase(Locale.ROOT), t.text()));
    }
    return new Exchange(0, "request.completed", null, "bench", "bench", null, "standard", "m", Instant.EPOCH, "allow",
        "completed", turns, e.completion() == null ? "" : e.completion(), Map.of());
  }

  static String machine() {
    String cpu = "unknown cpu";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException e) {
      // not Linux: leave it unknown
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
        + ", " + ManagementFactory.getRuntimeMXBean().getVmName();
  }

  /** The 1, 5 and 15 minute load averages (Linux), to read the figures by: the machine may be shared. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String indent(String s) {
    return s.lines().map(l -> "    " + l + "\n").reduce("", String::concat);
  }

  /** A context with no history: every exchange as the account's first. */
  private static final class Context implements AnalysisContext {
    private final Map<String, Object> memo = new HashMap<>();
    private final ObjectNode features = JsonNodeFactory.instance.objectNode();

    @Override
    public double accountRisk() {
      return 0;
    }

    @Override
    public List<PastExchange> history() {
      return List.of();
    }

    @Override
    public @Nullable NodeOutput output(String node) {
      return null;
    }

    @Override
    public ObjectNode features() {
      return features;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T memo(String key, Supplier<T> compute) {
      return (T) memo.computeIfAbsent(key, k -> compute.get());
    }
  }
}
