package dev.bulwark.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gathers the load generator's per-cell JSON files into {@code results.json}, with the machine, the
 * command, the latency each gateway adds to the direct baseline, and the verdict on the targets; and
 * prints the same as markdown tables.
 *
 * <p>Added latency is a gateway's percentile minus the direct baseline's percentile at the same
 * concurrency and mode. Percentiles do not subtract exactly (the p99 request through the gateway is not
 * the p99 request of the baseline); the difference is an approximation of what the gateway adds.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Turns the load generator's cell files into results.json and markdown tables.")
public final class Report implements Callable<Integer> {
  /** The target for Bulwark's added p99 with the phrase stage, streaming at concurrency 64. */
  static final double TARGET_ADDED_P99_MS = 2.0;
  /** The target for Bulwark's throughput over Portkey's, in the same run. */
  static final double TARGET_THROUGHPUT_RATIO = 2.0;
  static final int TARGET_CONCURRENCY = 64;

  static final List<String> SYSTEM_ORDER =
      List.of("direct", "portkey", "bulwark-pass", "bulwark-phrase", "bulwark-default");

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--cells", required = true, description = "Directory of the generator's JSON files")
  @Nullable Path cells;

  @Option(names = "--json", required = true, description = "Where to write results.json")
  @Nullable Path json;

  @Option(names = "--markdown", description = "Where to write the markdown tables too")
  @Nullable Path markdown;

  @Option(names = "--command", defaultValue = "", description = "The command that produced the cells")
  String command = "";

  @Option(names = "--node", defaultValue = "", description = "node --version")
  String node = "";

  @Option(names = "--portkey", defaultValue = "", description = "Portkey's version")
  String portkey = "";

  public static void main(String[] args) {
    System.exit(new CommandLine(new Report()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    List<ObjectNode> cellList = readCells(requireNonNull(cells, "--cells"));
    ObjectNode results = build(cellList, machine(node, portkey), command);
    LoadGenerator.writeJson(requireNonNull(json, "--json"), results);
    String md = markdown(results);
    if (markdown != null) {
      Files.writeString(markdown, md, StandardCharsets.UTF_8);
    }
    System.out.print(md);
    return 0;
  }

  static List<ObjectNode> readCells(Path dir) throws IOException {
    List<ObjectNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        out.add((ObjectNode) JSON.readTree(f.toFile()));
      }
    }
    out.sort(CELL_ORDER);
    return out;
  }

  static final Comparator<JsonNode> CELL_ORDER = Comparator
      .<JsonNode>comparingInt(c -> {
        int i = SYSTEM_ORDER.indexOf(c.path("system").asText());
        return i < 0 ? SYSTEM_ORDER.size() : i;
      })
      .thenComparing(c -> c.path("system").asText())
      .thenComparing(c -> !c.path("stream").asBoolean())
      .thenComparingDouble(c -> c.path("rate_rps").asDouble())
      .thenComparingInt(c -> c.path("concurrency").asInt());

  /** results.json: the machine, the command, every cell, the added latencies and the targets. */
  static ObjectNode build(List<ObjectNode> cellList, ObjectNode machine, String command) {
    ObjectNode r = JSON.createObjectNode();
    r.put("generated_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    r.put("command", command);
    r.set("machine", machine);
    r.put("note", "Added latency = a system's percentile minus the direct simulator's percentile at the same "
        + "concurrency and mode; subtracting percentiles is an approximation.");
    ArrayNode all = r.putArray("cells");
    cellList.forEach(all::add);
    ArrayNode added = r.putArray("added_latency_ms");
    for (ObjectNode c : cellList) {
      if (c.path("system").asText().equals("direct")) {
        continue;
      }
      find(cellList, "direct", c.path("stream").asBoolean(), c.path("concurrency").asInt(),
          c.path("rate_rps").asDouble()).ifPresent(d -> {
        ObjectNode a = added.addObject();
        a.put("system", c.path("system").asText());
        a.put("stream", c.path("stream").asBoolean());
        a.put("concurrency", c.path("concurrency").asInt());
        a.put("rate_rps", c.path("rate_rps").asDouble());
        for (String h : List.of("ttft_ms", "total_ms")) {
          for (String p : List.of("p50", "p99")) {
            a.put(h.replace("_ms", "") + "_" + p, round(c.path(h).path(p).asDouble() - d.path(h).path(p).asDouble()));
          }
        }
      });
    }
    r.set("targets", targets(cellList));
    return r;
  }

  private static ObjectNode targets(List<ObjectNode> cellList) {
    ObjectNode t = JSON.createObjectNode();
    ObjectNode latency = t.putObject("bulwark_phrase_added_p99_c64_stream");
    latency.put("target_ms", TARGET_ADDED_P99_MS);
    Optional<ObjectNode> phrase = find(cellList, "bulwark-phrase", true, TARGET_CONCURRENCY, 0);
    Optional<ObjectNode> direct = find(cellList, "direct", true, TARGET_CONCURRENCY, 0);
    if (phrase.isPresent() && direct.isPresent()) {
      double ttft = phrase.get().path("ttft_ms").path("p99").asDouble() - direct.get().path("ttft_ms").path("p99").asDouble();
      double total = phrase.get().path("total_ms").path("p99").asDouble() - direct.get().path("total_ms").path("p99").asDouble();
      latency.put("added_ttft_p99_ms", round(ttft));
      latency.put("added_total_p99_ms", round(total));
      latency.put("met", Math.max(ttft, total) <= TARGET_ADDED_P99_MS);
    } else {
      latency.putNull("met");
    }
    ObjectNode ratio = t.putObject("bulwark_phrase_over_portkey_throughput");
    ratio.put("target_ratio", TARGET_THROUGHPUT_RATIO);
    ObjectNode by = ratio.putObject("by_cell");
    Boolean met = null;
    for (ObjectNode p : cellList) {
      if (!p.path("system").asText().equals("portkey")) {
        continue;
      }
      boolean stream = p.path("stream").asBoolean();
      int c = p.path("concurrency").asInt();
      double rate = p.path("rate_rps").asDouble();
      if (rate > 0) {
        // An open loop's throughput is its rate, whoever serves it: no comparison there.
        continue;
      }
      Optional<ObjectNode> b = find(cellList, "bulwark-phrase", stream, c, 0);
      if (b.isEmpty() || p.path("throughput_rps").asDouble() <= 0) {
        continue;
      }
      double x = b.get().path("throughput_rps").asDouble() / p.path("throughput_rps").asDouble();
      by.put((stream ? "stream" : "whole") + " c=" + c, round(x));
      if (stream && c == TARGET_CONCURRENCY) {
        ratio.put("ratio_c64_stream", round(x));
        met = x >= TARGET_THROUGHPUT_RATIO;
      }
    }
    if (met == null) {
      ratio.putNull("met");
    } else {
      ratio.put("met", met);
    }
    return t;
  }

  static Optional<ObjectNode> find(
      List<ObjectNode> cellList, String system, boolean stream, int concurrency, double rate) {
    return cellList.stream()
        .filter(c -> c.path("system").asText().equals(system)
            && c.path("stream").asBoolean() == stream
            && c.path("concurrency").asInt() == concurrency
            && c.path("rate_rps").asDouble() == rate)
        .findFirst();
  }

  /** The concurrency column: {@code 64}, or {@code 64 @500/s} for an open loop. */
  private static String load(JsonNode c) {
    double rate = c.path("rate_rps").asDouble();
    return c.path("concurrency").asInt() + (rate > 0 ? " @" + fmt(rate, 0) + "/s" : "");
  }

  /** Markdown tables ready to paste. */
  static String markdown(ObjectNode r) {
    StringBuilder sb = new StringBuilder();
    JsonNode m = r.path("machine");
    sb.append("Machine: ").append(m.path("cpus").asInt()).append(" CPUs (").append(m.path("cpu_model").asText())
        .append("), ").append(m.path("memory_gib").asText()).append(" GiB RAM, ").append(m.path("java").asText())
        .append(", node ").append(m.path("node").asText()).append(", Portkey ").append(m.path("portkey").asText())
        .append(", Linux ").append(m.path("kernel").asText()).append(".\n");
    sb.append("Command: `").append(r.path("command").asText()).append("`, ").append(r.path("generated_at").asText())
        .append(".\n\n");
    List<JsonNode> cellList = new ArrayList<>();
    r.path("cells").forEach(cellList::add);
    for (boolean stream : new boolean[] {true, false}) {
      List<JsonNode> rows = cellList.stream().filter(c -> c.path("stream").asBoolean() == stream).toList();
      if (rows.isEmpty()) {
        continue;
      }
      sb.append(stream ? "Streaming (time to first token = first SSE event with content):\n\n"
          : "Not streaming (time to first token = time to the whole body):\n\n");
      sb.append("c = requests in flight (closed loop); \"c @R/s\" = an open loop of R requests a second over at "
          + "most c connections, whether or not earlier ones have finished.\n\n");
      sb.append("| system | c | req/s | TTFT p50 | TTFT p99 | total p50 | total p99 | total max | errors "
          + "| gateway CPU µs/req | simulator CPU µs/req | generator CPU µs/req | machine busy |\n");
      sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
      for (JsonNode c : rows) {
        sb.append("| ").append(c.path("system").asText())
            .append(" | ").append(load(c))
            .append(" | ").append(fmt(c.path("throughput_rps").asDouble(), 0))
            .append(" | ").append(fmt(c.path("ttft_ms").path("p50").asDouble(), 2))
            .append(" | ").append(fmt(c.path("ttft_ms").path("p99").asDouble(), 2))
            .append(" | ").append(fmt(c.path("total_ms").path("p50").asDouble(), 2))
            .append(" | ").append(fmt(c.path("total_ms").path("p99").asDouble(), 2))
            .append(" | ").append(fmt(c.path("total_ms").path("max").asDouble(), 1))
            .append(" | ").append(errors(c))
            .append(" | ").append(cpu(c, "gateway"))
            .append(" | ").append(cpu(c, "simulator"))
            .append(" | ").append(cpu(c, "load_generator"))
            .append(" | ").append(c.path("cpu").has("machine_busy_fraction")
                ? fmt(100 * c.path("cpu").path("machine_busy_fraction").asDouble(), 0) + "%" : "")
            .append(" |\n");
      }
      sb.append("\nLatencies in ms.");
      StringBuilder lag = new StringBuilder();
      for (JsonNode c : rows) {
        if (c.has("schedule_lag_ms")) {
          lag.append(lag.length() == 0 ? "" : ", ").append(c.path("system").asText()).append(' ')
              .append(fmt(c.path("schedule_lag_ms").path("p99").asDouble(), 2));
        }
      }
      if (lag.length() > 0) {
        sb.append(" Open loop: how late the generator issued requests (its timer has 1 ms resolution), p99 ms: ")
            .append(lag).append('.');
      }
      sb.append("\n\n");
    }
    JsonNode added = r.path("added_latency_ms");
    if (!added.isEmpty()) {
      sb.append("Added latency (system minus direct simulator, same concurrency and mode; ms):\n\n");
      sb.append("| system | mode | c | TTFT p50 | TTFT p99 | total p50 | total p99 |\n");
      sb.append("|---|---|--:|--:|--:|--:|--:|\n");
      for (JsonNode a : added) {
        sb.append("| ").append(a.path("system").asText())
            .append(" | ").append(a.path("stream").asBoolean() ? "stream" : "whole")
            .append(" | ").append(load(a))
            .append(" | ").append(fmt(a.path("ttft_p50").asDouble(), 2))
            .append(" | ").append(fmt(a.path("ttft_p99").asDouble(), 2))
            .append(" | ").append(fmt(a.path("total_p50").asDouble(), 2))
            .append(" | ").append(fmt(a.path("total_p99").asDouble(), 2))
            .append(" |\n");
      }
      sb.append('\n');
    }
    JsonNode t = r.path("targets");
    JsonNode lat = t.path("bulwark_phrase_added_p99_c64_stream");
    sb.append("Targets:\n\n");
    sb.append("- Bulwark + phrase stage, added p99 at concurrency 64 (streaming), target <= ")
        .append(fmt(TARGET_ADDED_P99_MS, 1)).append(" ms: ");
    if (lat.path("met").isNull() || lat.path("met").isMissingNode()) {
      sb.append("not measured\n");
    } else {
      sb.append("TTFT ").append(fmt(lat.path("added_ttft_p99_ms").asDouble(), 2)).append(" ms, total ")
          .append(fmt(lat.path("added_total_p99_ms").asDouble(), 2)).append(" ms: **")
          .append(lat.path("met").asBoolean() ? "met" : "not met").append("**\n");
    }
    JsonNode ratio = t.path("bulwark_phrase_over_portkey_throughput");
    sb.append("- Bulwark + phrase stage throughput over Portkey's, target >= ")
        .append(fmt(TARGET_THROUGHPUT_RATIO, 1)).append("x at concurrency 64 (streaming): ");
    if (ratio.path("met").isNull() || ratio.path("met").isMissingNode()) {
      sb.append("not measured\n");
    } else {
      sb.append(fmt(ratio.path("ratio_c64_stream").asDouble(), 2)).append("x: **")
          .append(ratio.path("met").asBoolean() ? "met" : "not met").append("**");
      StringBuilder others = new StringBuilder();
      ratio.path("by_cell").properties().forEach(e ->
          others.append(others.length() == 0 ? "" : ", ").append(e.getKey()).append(": ")
              .append(fmt(e.getValue().asDouble(), 2)).append("x"));
      sb.append(" (").append(others).append(")\n");
    }
    return sb.toString();
  }

  private static String errors(JsonNode c) {
    long n = c.path("error_count").asLong();
    if (n == 0) {
      return "0";
    }
    StringBuilder sb = new StringBuilder().append(n).append(" (");
    c.path("errors").properties().forEach(e ->
        sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().asLong()));
    return sb.append(')').toString();
  }

  private static String cpu(JsonNode c, String process) {
    JsonNode p = c.path("cpu").path(process);
    return p.isMissingNode() ? "" : fmt(p.path("us_per_request").asDouble(), 0);
  }

  /** The machine the run was on, from /proc and the JVM. */
  static ObjectNode machine(String node, String portkey) {
    ObjectNode m = JSON.createObjectNode();
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    m.put("cpu_model", procField("/proc/cpuinfo", "model name").orElse("unknown"));
    m.put("memory_gib", procField("/proc/meminfo", "MemTotal")
        .map(s -> fmt(Long.parseLong(s.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0, 1)).orElse("unknown"));
    m.put("java", "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")");
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    m.put("kernel", read("/proc/sys/kernel/osrelease").map(String::trim).orElse("unknown"));
    m.put("node", node);
    m.put("portkey", portkey);
    return m;
  }

  private static Optional<String> procField(String file, String name) {
    return read(file).flatMap(text -> text.lines()
        .filter(l -> l.startsWith(name))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst());
  }

  private static Optional<String> read(String file) {
    try {
      return Optional.of(Files.readString(Path.of(file)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static String fmt(double v, int places) {
    return String.format(Locale.ROOT, "%." + places + "f", v);
  }
}
