package dev.bulwark.monitor.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.monitor.Delivery;
import dev.bulwark.monitor.ExchangeQueue;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.PastExchange;
import dev.bulwark.monitor.incident.EvidenceKeeping;
import dev.bulwark.store.AuditedWrites;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Reads the state a batch needs (accounts' risk and history, which seqs are already done) and writes
 * a batch's results: runs, findings, risk, and actions, in one transaction that first checks the
 * batch's partition leases. When the batch takes actions, the transaction is an audited one (the
 * chain's write lock, the actions' events in the same commit); otherwise it is a plain one, so the
 * common case never waits on the gateway's writer.
 */
final class ResultWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final DataSource pool;
  private final Dialect dialect;
  private final String worker;
  private final @Nullable EvidenceKeeping keeping;

  ResultWriter(Store store, String worker, @Nullable EvidenceKeeping keeping) {
    this.store = requireNonNull(store, "store");
    this.pool = store.dataSource();
    this.dialect = store.dialect();
    this.worker = requireNonNull(worker, "worker");
    this.keeping = keeping;
  }

  /** The seqs among {@code seqs} that already have a run (processed; only the acknowledgement was lost). */
  Set<Long> alreadyProcessed(List<Long> seqs) {
    Set<Long> done = new HashSet<>();
    if (seqs.isEmpty()) {
      return done;
    }
    return Sql.read(pool, "reading monitor runs", c -> {
      for (int from = 0; from < seqs.size(); from += 500) {
        List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + 500));
        done.addAll(Sql.list(c, "SELECT seq FROM monitor_runs WHERE seq IN (" + Sql.marks(chunk.size()) + ")",
            rs -> rs.getLong(1), chunk.toArray()));
      }
      return done;
    });
  }

  /** Each account's risk and its exchanges since {@code since} (at most {@code limit}, newest kept). */
  Map<String, AccountState> load(Map<String, Instant> since, int limit) {
    return Sql.read(pool, "reading monitor account state", c -> {
      Map<String, AccountState> out = new HashMap<>();
      for (Map.Entry<String, Instant> e : since.entrySet()) {
        String account = e.getKey();
        Object[] risk = Sql.first(c, "SELECT score, updated_at FROM monitor_account_risk WHERE account = ?",
            rs -> new Object[] {rs.getDouble(1), rs.getLong(2)}, account);
        List<PastExchange> history = new ArrayList<>();
        if (limit > 0) {
          history = Sql.list(c, "SELECT seq, occurred_at, features FROM monitor_runs WHERE account = ?"
              + " AND occurred_at >= ? ORDER BY occurred_at DESC, seq DESC LIMIT ?", rs -> {
                ObjectNode f;
                try {
                  f = (ObjectNode) JSON.readTree(rs.getString(3));
                } catch (IOException | ClassCastException ex) {
                  f = JsonNodeFactory.instance.objectNode();
                }
                return new PastExchange(rs.getLong(1), Sql.instant(rs.getLong(2)), f);
              }, account, Sql.micros(e.getValue()), limit);
          java.util.Collections.reverse(history);
        }
        out.put(account, new AccountState(account, risk == null ? 0 : (Double) risk[0],
            risk == null ? null : Sql.instant((Long) risk[1]), history, limit));
      }
      return out;
    });
  }

  /**
   * Writes {@code processed} and takes their actions, after checking the leases of {@code
   * deliveries}; returns how many actions were new, by type.
   *
   * @throws dev.bulwark.monitor.LeaseLostException if a partition moved on (nothing is written)
   */
  Map<String, Integer> commit(ExchangeQueue queue, Collection<Delivery> deliveries, List<Outcome.Processed> processed,
      Collection<AccountState> states, Instant now) {
    if (processed.isEmpty()) {
      return Map.of();
    }
    boolean acts = processed.stream().anyMatch(p -> !p.actions().isEmpty());
    if (acts) {
      return store.audited().write("recording monitor results", tx -> write(tx.connection(), tx, queue, deliveries,
          processed, states, now));
    }
    return Sql.write(pool, dialect, "recording monitor results", c -> write(c, null, queue, deliveries, processed,
        states, now));
  }

  private Map<String, Integer> write(Connection c, AuditedWrites.@Nullable Tx tx, ExchangeQueue queue, Collection<Delivery> deliveries,
      List<Outcome.Processed> processed, Collection<AccountState> states, Instant now) throws SQLException {
    queue.checkLeases(c, deliveries);
    long at = Sql.micros(now);
    try (PreparedStatement runs = c.prepareStatement("INSERT INTO monitor_runs (seq, request_id, account, occurred_at,"
        + " processed_at, worker, flowchart_version, nodes, cost_units, latency_us, attempts, path, features)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement findings = c.prepareStatement("INSERT INTO monitor_findings (id, seq, account, node, analyzer,"
            + " category, severity, score, summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int nFindings = 0;
      for (Outcome.Processed p : processed) {
        FlowchartRunner.Run run = p.run();
        StringBuilder nodes = new StringBuilder();
        for (FlowchartRunner.NodeRun r : run.path()) {
          nodes.append(nodes.length() == 0 ? "" : ",").append(r.node());
        }
        ObjectNode path = JsonNodeFactory.instance.objectNode();
        path.set("nodes", FlowchartRunner.pathJson(run));
        ObjectNode actions = path.putObject("actions");
        for (Outcome.Planned a : p.actions()) {
          actions.put(a.spec().name(), a.trigger());
        }
        path.putObject("risk").put("before", round(p.riskBefore())).put("after", round(p.riskAfter()));
        Sql.bind(runs, p.exchange().seq(), p.exchange().requestId(), p.exchange().account(),
            Sql.micros(p.exchange().occurredAt()), at, worker, run.version(), nodes.toString(), run.cost(),
            run.nanos() / 1_000, p.delivery().attempts() + 1, path.toString(), p.features().toString());
        runs.addBatch();
        int i = 0;
        for (FlowchartRunner.NodeFinding nf : run.findings()) {
          Finding f = nf.finding();
          Sql.bind(findings, "fnd_" + p.exchange().seq() + "_" + i++, p.exchange().seq(), p.exchange().account(),
              nf.node(), nf.analyzer(), f.category(), f.severity().wireName(), f.score(), f.summary(), at);
          findings.addBatch();
          nFindings++;
        }
      }
      runs.executeBatch();
      if (nFindings > 0) {
        findings.executeBatch();
      }
    }
    try (PreparedStatement risk = c.prepareStatement("INSERT INTO monitor_account_risk (account, score, updated_at)"
        + " VALUES (?, ?, ?) ON CONFLICT (account) DO UPDATE SET score = excluded.score,"
        + " updated_at = excluded.updated_at")) {
      int n = 0;
      for (AccountState s : states) {
        if (s.changed && s.updatedAt != null) {
          Sql.bind(risk, s.account, s.score, Sql.micros(s.updatedAt));
          risk.addBatch();
          n++;
        }
      }
      if (n > 0) {
        risk.executeBatch();
      }
    }
    Map<String, Integer> taken = new HashMap<>();
    if (tx != null) {
      for (Outcome.Processed p : processed) {
        for (Outcome.Planned a : p.actions()) {
          if (Actions.take(tx, p, a, now, keeping)) {
            taken.merge(a.spec().type().wireName(), 1, Integer::sum);
          }
        }
      }
    }
    return taken;
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
