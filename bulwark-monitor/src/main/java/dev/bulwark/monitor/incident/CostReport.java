package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import dev.bulwark.monitor.internal.Sql;
import dev.bulwark.store.Store;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a flowchart spends: for each node, the share of exchanges that reached it, and the cost per
 * thousand exchanges, from the recorded runs. This is how a cascade is tuned: an expensive node
 * reached by a large share of traffic means the cheap stage before it lets too much through.
 *
 * @param since the runs counted are those processed at or after this
 * @param exchanges how many
 * @param nodes per node: reached and cost, in first-seen order
 * @param costPerThousand total cost units per thousand exchanges
 */
public record CostReport(Instant since, long exchanges, List<NodeCost> nodes, double costPerThousand) {
  /** One node's share: {@code reached} of the exchanges, {@code cost} units in all. */
  public record NodeCost(String node, long reached, double share, double cost, double costPerThousand) {}

  public CostReport {
    nodes = List.copyOf(nodes);
  }

  /** The report over runs processed since {@code since} (optionally of one flowchart version). */
  public static CostReport compute(Store store, Instant since, @Nullable String flowchartVersion) {
    requireNonNull(store, "store");
    requireNonNull(since, "since");
    Map<String, long[]> reached = new LinkedHashMap<>();
    Map<String, Double> perNodeCost = new LinkedHashMap<>();
    double[] total = new double[1];
    long[] count = new long[1];
    Sql.read(store.dataSource(), "computing monitor costs", c -> {
      String sql = "SELECT nodes, path, cost_units FROM monitor_runs WHERE processed_at >= ?"
          + (flowchartVersion == null ? "" : " AND flowchart_version = ?");
      Object[] args = flowchartVersion == null ? new Object[] {Sql.micros(since)} : new Object[] {Sql.micros(since), flowchartVersion};
      Sql.list(c, sql, rs -> {
        count[0]++;
        total[0] += rs.getDouble(3);
        String nodes = rs.getString(1);
        if (!nodes.isEmpty()) {
          for (String n : nodes.split(",")) {
            reached.computeIfAbsent(n, k -> new long[1])[0]++;
          }
        }
        String path = rs.getString(2);
        // Per-node cost from the path: "node":"x",...,"cost":N; parsing every path is too slow for large
        // reports, so read the pairs directly.
        int at = 0;
        while ((at = path.indexOf("\"node\":\"", at)) >= 0) {
          int end = path.indexOf('"', at + 8);
          String n = path.substring(at + 8, end);
          int ci = path.indexOf("\"cost\":", end);
          if (ci < 0) {
            break;
          }
          int ce = ci + 7;
          while (ce < path.length() && (Character.isDigit(path.charAt(ce)) || path.charAt(ce) == '.' || path.charAt(ce) == 'E' || path.charAt(ce) == '-')) {
            ce++;
          }
          perNodeCost.merge(n, Double.parseDouble(path.substring(ci + 7, ce)), Double::sum);
          at = ce;
        }
        return null;
      }, args);
      return null;
    });
    List<NodeCost> nodes = new java.util.ArrayList<>();
    for (Map.Entry<String, long[]> e : reached.entrySet()) {
      double cost = perNodeCost.getOrDefault(e.getKey(), 0.0);
      nodes.add(new NodeCost(e.getKey(), e.getValue()[0], count[0] == 0 ? 0 : (double) e.getValue()[0] / count[0],
          cost, count[0] == 0 ? 0 : cost * 1000 / count[0]));
    }
    return new CostReport(since, count[0], nodes, count[0] == 0 ? 0 : total[0] * 1000 / count[0]);
  }

  /** The report as a table. */
  public String format() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%d exchanges since %s; %.1f cost units per 1000 exchanges%n", exchanges, since,
        costPerThousand));
    b.append(String.format(Locale.ROOT, "%-16s %10s %8s %14s%n", "node", "reached", "share", "units/1000"));
    for (NodeCost n : nodes) {
      b.append(String.format(Locale.ROOT, "%-16s %10d %7.2f%% %14.1f%n", n.node(), n.reached(), n.share() * 100,
          n.costPerThousand()));
    }
    return b.toString();
  }
}
