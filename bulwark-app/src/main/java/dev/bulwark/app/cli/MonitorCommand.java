package dev.bulwark.app.cli;

import dev.bulwark.app.Main;
import dev.bulwark.app.MonitorPlane;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigException;
import dev.bulwark.monitor.analyzer.Settings;
import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartException;
import dev.bulwark.monitor.flow.FlowNode;
import dev.bulwark.monitor.incident.CostReport;
import dev.bulwark.monitor.incident.DeadLetter;
import dev.bulwark.monitor.incident.DeadLetters;
import dev.bulwark.monitor.incident.Effect;
import dev.bulwark.monitor.incident.Effects;
import dev.bulwark.monitor.incident.RunRecord;
import dev.bulwark.monitor.incident.Runs;
import dev.bulwark.store.Store;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark monitor}: run a worker, explain a run, and look after the queue. These commands read
 * and write the store directly (an operator's tool, like {@code keys}); the admin API does not serve
 * the monitor yet.
 */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = "The asynchronous monitor: workers, runs, costs, dead letters and actions.",
    subcommands = {MonitorCommand.Run.class, MonitorCommand.Explain.class, MonitorCommand.Status.class,
        MonitorCommand.Costs.class, MonitorCommand.Validate.class, MonitorCommand.DeadLetterList.class,
        MonitorCommand.Requeue.class, MonitorCommand.Actions.class, MonitorCommand.Reverse.class})
public final class MonitorCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Run a monitor worker until stopped. Start several against one PostgreSQL store to share the work.")
  static final class Run implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--worker-id", paramLabel = "ID", description = "This worker's id (default: host, pid and a random part)")
    @Nullable String workerId;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      BulwarkConfig cfg;
      try {
        cfg = config.load();
      } catch (ConfigException e) {
        err.println("bulwark: configuration error: " + e.getMessage());
        return Main.BAD_CONFIG;
      }
      Store store = StoreCommands.open(cfg);
      MonitorPlane plane;
      try {
        plane = MonitorPlane.start(cfg, store, new SimpleMeterRegistry(), Clock.systemUTC(), workerId);
      } catch (FlowchartException e) {
        store.close();
        err.println("bulwark: flowchart error: " + e.getMessage());
        return Main.BAD_CONFIG;
      } catch (Exception e) {
        store.close();
        err.println("bulwark: could not start the monitor: " + ServeCommand.rootMessage(e));
        return Main.FAILED;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        plane.close();
        store.close();
        stopped.countDown();
      }, "bulwark-monitor-shutdown"));
      out.println("monitor worker " + plane.monitor().queue().consumerId() + " running flowchart "
          + plane.monitor().flowcharts().current().version() + " on " + cfg.store().redactedUrl());
      out.flush();
      stopped.await();
      return Main.OK;
    }
  }

  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "How an exchange went through the flowchart: each node's output, cost and latency, the edges, the actions.")
  static final class Explain implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "EVENT_ID", description = "The event's seq (as 'bulwark audit' shows it), or the request id")
    String id;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      return KeysCommand.withStore(config, err, store -> {
        Runs runs = new Runs(store);
        Effects effects = new Effects(store, Clock.systemUTC());
        List<RunRecord> found = id.matches("\\d{1,18}") ? runs.get(Long.parseLong(id)).map(List::of).orElse(List.of())
            : runs.forRequest(id);
        if (found.isEmpty()) {
          err.println("bulwark: no monitor run recorded for " + id + " (not processed yet, or not an exchange's final event)");
          return Main.FAILED;
        }
        for (RunRecord r : found) {
          out.print(Runs.explain(r, effects.forEvent(r.seq())));
        }
        out.flush(); // print() does not flush an auto-flushing writer
        return Main.OK;
      });
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "The queue (waiting, oldest, dead letters), the workers and their partitions, recent throughput.")
  static final class Status implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        try (Connection c = store.dataSource().getConnection()) {
          long pending = scalar(c, "SELECT COUNT(*) FROM monitor_outbox", -1);
          long oldest = scalar(c, "SELECT COALESCE(MIN(enqueued_at), 0) FROM monitor_outbox", -1);
          long dead = scalar(c, "SELECT COUNT(*) FROM monitor_dead_letters", -1);
          long lastMinute = scalar(c, "SELECT COUNT(*) FROM monitor_runs WHERE processed_at >= ?", micros - 60_000_000L);
          long total = scalar(c, "SELECT COUNT(*) FROM monitor_runs", -1);
          out.printf(Locale.ROOT, "queue: %d waiting%s, %d dead letters%n", pending,
              pending == 0 ? "" : String.format(Locale.ROOT, ", oldest %.1f s", (micros - oldest) / 1e6), dead);
          out.printf(Locale.ROOT, "runs: %d in all, %d in the last minute (%.1f/s)%n", total, lastMinute, lastMinute / 60.0);
          out.println("workers:");
          try (PreparedStatement ps = c.prepareStatement("SELECT w.id, w.heartbeat_at, (SELECT COUNT(*) FROM"
              + " monitor_partitions p WHERE p.owner = w.id AND p.lease_expires_at >= ?) FROM monitor_workers w ORDER BY w.id")) {
            ps.setLong(1, micros);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.printf(Locale.ROOT, "  %s: heartbeat %.1f s ago, %d partitions%n", rs.getString(1),
                    (micros - rs.getLong(2)) / 1e6, rs.getLong(3));
              }
            }
          }
        }
        return Main.OK;
      });
    }
  }

  private static long scalar(Connection c, String sql, long arg) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (arg >= 0) {
        ps.setLong(1, arg);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  @Command(name = "costs", mixinStandardHelpOptions = true,
      description = "The share of exchanges reaching each flowchart node, and the cost per thousand exchanges.")
  static final class Costs implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "24h", description = "How far back (default: 24h)")
    String since;

    @Option(names = "--flowchart", paramLabel = "VERSION", description = "Only runs of this flowchart version")
    @Nullable String version;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Duration d;
      try {
        d = Settings.parseDuration("--since", since);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("bulwark: " + e.getMessage());
        return Main.BAD_CONFIG;
      }
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        PrintWriter out = spec.commandLine().getOut();
        out.print(CostReport.compute(store, Instant.now().minus(d), version).format());
        out.flush();
        return Main.OK;
      });
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check a flowchart file against this configuration's analyzers; exit 2 naming the node at fault.")
  static final class Validate implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "FILE", description = "The flowchart file (default: the configured one)", arity = "0..1")
    @Nullable Path file;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      return KeysCommand.withStore(config, err, store -> {
        BulwarkConfig cfg = config.load();
        var parser = MonitorPlane.parser(cfg, store, Clock.systemUTC());
        Flowchart fc;
        try {
          fc = file != null ? parser.parse(file) : MonitorPlane.flowchart(cfg, parser);
        } catch (FlowchartException e) {
          err.println("bulwark: flowchart error: " + e.getMessage());
          return Main.BAD_CONFIG;
        }
        out.println("flowchart " + fc.version() + " from " + fc.source() + ": valid");
        for (FlowNode n : fc.nodes()) {
          out.printf(Locale.ROOT, "  %-14s %-20s cost %s%s%n", n.name(), n.analyzerName(), n.analyzer().costUnits(),
              fc.start().contains(n.name()) ? "  (start)" : "");
        }
        if (!fc.dropped().isEmpty()) {
          out.println("  left out (optional, cannot run here): " + String.join(", ", fc.dropped()));
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "dead-letters", mixinStandardHelpOptions = true,
      description = "Exchanges the monitor gave up on, with the reason.")
  static final class DeadLetterList implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: 100)")
    int limit;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        List<DeadLetter> dead = new DeadLetters(store, Clock.systemUTC()).list(Math.max(1, limit));
        if (dead.isEmpty()) {
          out.println("no dead letters");
        }
        for (DeadLetter d : dead) {
          out.printf(Locale.ROOT, "%d  %s  account %s  %d attempts  %s%n  %s%n", d.seq(), d.failedAt(), d.account(),
              d.attempts(), d.requestId() == null ? "" : "request " + d.requestId(), d.reason());
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "requeue", mixinStandardHelpOptions = true,
      description = "Put a dead letter back in the queue (after fixing what made it fail).")
  static final class Requeue implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "EVENT_ID", description = "The dead letter's event seq")
    long seq;

    @Option(names = "--discard", description = "Delete it (and the text it kept) instead of requeueing it")
    boolean discard;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        DeadLetters dead = new DeadLetters(store, Clock.systemUTC());
        boolean done = discard ? dead.discard(seq) : dead.requeue(seq);
        if (!done) {
          spec.commandLine().getErr().println("bulwark: no dead letter " + seq);
          return Main.FAILED;
        }
        spec.commandLine().getOut().println((discard ? "discarded " : "requeued ") + seq);
        return Main.OK;
      });
    }
  }

  @Command(name = "actions", mixinStandardHelpOptions = true, description = "Actions the monitor took, newest first.")
  static final class Actions implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--account", paramLabel = "ACCOUNT", description = "Only this account's")
    @Nullable String account;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: 50)")
    int limit;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        for (Effect e : new Effects(store, Clock.systemUTC()).list(account, Math.max(1, Math.min(limit, 10_000)))) {
          out.printf(Locale.ROOT, "%s  %s  %-12s %-9s account %s  event %d  %s%n", e.id(), e.createdAt(), e.type(),
              e.status(), e.account(), e.seq(), e.detail());
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "reverse", mixinStandardHelpOptions = true,
      description = "Reverse an action (unflag, close the incident as a false positive, cancel the review, clear the"
          + " step-down, restore the keys, announce a webhook's reversal).")
  static final class Reverse implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ACTION_ID", description = "The action's id (eff_...)")
    String id;

    @Option(names = "--as", required = true, paramLabel = "NAME", description = "Who reverses it (recorded in the audit log)")
    String actor;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why")
    String reason;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        try {
          Effect e = new Effects(store, Clock.systemUTC()).reverse(id, actor, reason);
          spec.commandLine().getOut().println("reversed " + e.id() + " (" + e.type() + ")");
          return Main.OK;
        } catch (IllegalArgumentException e) {
          spec.commandLine().getErr().println("bulwark: " + e.getMessage());
          return Main.FAILED;
        }
      });
    }
  }

}
