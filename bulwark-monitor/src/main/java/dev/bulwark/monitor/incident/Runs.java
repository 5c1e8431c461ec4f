package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.monitor.internal.Sql;
import dev.bulwark.store.Store;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Recorded runs, and {@code explain}: how an exchange went through the flowchart. */
public final class Runs {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "seq, request_id, account, occurred_at, processed_at, worker,"
      + " flowchart_version, nodes, cost_units, latency_us, attempts, path";

  private final Store store;

  public Runs(Store store) {
    this.store = requireNonNull(store, "store");
  }

  public Optional<RunRecord> get(long seq) {
    return Sql.read(store.dataSource(), "reading monitor run " + seq, c ->
        Optional.ofNullable(Sql.first(c, "SELECT " + COLUMNS + " FROM monitor_runs WHERE seq = ?", Runs::run, seq)));
  }

  /** The runs of one request's events (normally one: its final event). */
  public List<RunRecord> forRequest(String requestId) {
    requireNonNull(requestId, "requestId");
    return Sql.read(store.dataSource(), "reading monitor runs", c ->
        Sql.list(c, "SELECT " + COLUMNS + " FROM monitor_runs WHERE request_id = ? ORDER BY seq", Runs::run, requestId));
  }

  /** How many runs are recorded. */
  public long count() {
    return Sql.read(store.dataSource(), "counting monitor runs", c -> Sql.count(c, "SELECT COUNT(*) FROM monitor_runs"));
  }

  /**
   * A human-readable account of a run: each node with its score, category, findings, cost and
   * latency, the edges that fired, the actions and what became of them, and the risk it moved.
   */
  public static String explain(RunRecord run, List<Effect> effects) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "event %d%s, account %s%n", run.seq(),
        run.requestId() == null ? "" : " (request " + run.requestId() + ")", run.account()));
    b.append(String.format(Locale.ROOT, "  occurred %s, processed %s by %s, attempt %d%n", run.occurredAt(),
        run.processedAt(), run.worker(), run.attempts()));
    b.append("  flowchart ").append(run.flowchartVersion()).append('\n');
    JsonNode path;
    try {
      path = JSON.readTree(run.path());
    } catch (IOException e) {
      b.append("  (the recorded path is unreadable)\n");
      return b.toString();
    }
    int i = 0;
    for (JsonNode n : path.path("nodes")) {
      i++;
      b.append(String.format(Locale.ROOT, "  %d. %-14s %-20s score %.3f%s  cost %s  %.3f ms%s%n", i,
          n.path("node").asText(), n.path("analyzer").asText(), n.path("score").asDouble(),
          n.has("category") ? " " + n.path("category").asText() : "",
          trim(n.path("cost").asDouble()), n.path("latency_us").asLong() / 1000.0,
          n.path("failed").asBoolean(false) ? "  FAILED" : ""));
      b.append("       ").append(n.path("detail").asText()).append('\n');
      if (n.has("values")) {
        StringBuilder v = new StringBuilder();
        for (Map.Entry<String, JsonNode> e : n.path("values").properties()) {
          v.append(v.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue().asText());
        }
        b.append("       values: ").append(v).append('\n');
      }
      if (n.has("labels")) {
        b.append("       labels: ").append(join(n.path("labels"))).append('\n');
      }
      for (JsonNode f : n.path("findings")) {
        b.append(String.format(Locale.ROOT, "       finding: %s %s %.3f: %s%n", f.path("severity").asText(),
            f.path("category").asText(), f.path("score").asDouble(), f.path("summary").asText()));
      }
      if (!n.path("fired").isEmpty()) {
        b.append("       edges fired: #").append(join(n.path("fired")).replace(", ", ", #")).append('\n');
      }
    }
    b.append(String.format(Locale.ROOT, "  cost %s units, %.3f ms%n", trim(run.costUnits()), run.latencyMicros() / 1000.0));
    JsonNode risk = path.path("risk");
    b.append(String.format(Locale.ROOT, "  account risk %.2f -> %.2f%n", risk.path("before").asDouble(),
        risk.path("after").asDouble()));
    JsonNode actions = path.path("actions");
    if (actions.isEmpty()) {
      b.append("  actions: none\n");
    } else {
      b.append("  actions:\n");
      for (Map.Entry<String, JsonNode> a : actions.properties()) {
        Effect e = effects.stream().filter(x -> x.action().equals(a.getKey())).findFirst().orElse(null);
        b.append("    ").append(a.getKey()).append(" (").append(a.getValue().asText()).append(")");
        if (e != null) {
          b.append(": ").append(e.id()).append(' ').append(e.status()).append(' ').append(e.detail());
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  private static String join(JsonNode array) {
    StringBuilder b = new StringBuilder();
    for (JsonNode x : array) {
      b.append(b.length() == 0 ? "" : ", ").append(x.asText());
    }
    return b.toString();
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static RunRecord run(ResultSet rs) throws SQLException {
    String nodes = rs.getString(8);
    return new RunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), Sql.instant(rs.getLong(4)),
        Sql.instant(rs.getLong(5)), rs.getString(6), rs.getString(7),
        nodes.isEmpty() ? List.of() : Arrays.asList(nodes.split(",")), rs.getDouble(9), rs.getLong(10), rs.getInt(11),
        rs.getString(12));
  }
}
