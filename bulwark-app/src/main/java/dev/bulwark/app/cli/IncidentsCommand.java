package dev.bulwark.app.cli;

import dev.bulwark.app.Main;
import dev.bulwark.monitor.analyzer.Severity;
import dev.bulwark.monitor.incident.Incident;
import dev.bulwark.monitor.incident.IncidentStatus;
import dev.bulwark.monitor.incident.IncidentUpdate;
import dev.bulwark.monitor.incident.Incidents;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark incidents}: what the monitor opened, for analysts. Reads and writes the store
 * directly (the admin API does not serve incidents yet), so {@code --as} names the analyst for the
 * audit log; it is not authenticated.
 */
@Command(
    name = "incidents",
    mixinStandardHelpOptions = true,
    description = "Incidents the monitor opened: list, show, update.",
    subcommands = {IncidentsCommand.ListIncidents.class, IncidentsCommand.Show.class, IncidentsCommand.Update.class})
public final class IncidentsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Incidents, most recently changed first.")
  static final class ListIncidents implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--status", paramLabel = "STATUS",
        description = "open, investigating, contained, resolved or false_positive")
    @Nullable String status;

    @Option(names = "--account", paramLabel = "ACCOUNT", description = "Only this account's")
    @Nullable String account;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: 50)")
    int limit;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      IncidentStatus s = null;
      if (status != null) {
        Optional<IncidentStatus> parsed = IncidentStatus.parse(status);
        if (parsed.isEmpty()) {
          spec.commandLine().getErr().println("bulwark: --status: must be open, investigating, contained, resolved or"
              + " false_positive, was '" + status + "'");
          return Main.BAD_CONFIG;
        }
        s = parsed.get();
      }
      IncidentStatus filter = s;
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        var list = new Incidents(store, Clock.systemUTC()).list(filter, account, Math.max(1, Math.min(limit, 10_000)));
        if (list.isEmpty()) {
          out.println("no incidents");
        }
        for (Incident i : list) {
          out.printf(Locale.ROOT, "%s  %-8s %-14s %s  %s%s%n", i.id(), i.severity().wireName(), i.status().wireName(),
              i.updatedAt(), i.title(), i.family() == null ? "" : "  [" + i.family() + "]");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One incident: evidence and history.")
  static final class Show implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID", description = "The incident's id (inc_...)")
    String id;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        Optional<Incident> found = new Incidents(store, Clock.systemUTC()).get(id);
        if (found.isEmpty()) {
          spec.commandLine().getErr().println("bulwark: no incident " + id);
          return Main.FAILED;
        }
        Incident i = found.get();
        out.println(i.id() + ": " + i.title());
        out.println("  account   " + i.account());
        out.println("  severity  " + i.severity().wireName());
        out.println("  status    " + i.status().wireName());
        out.println("  category  " + i.category());
        out.println("  family    " + (i.family() == null ? "(unknown)" : i.family()));
        out.println("  opened    " + i.openedAt() + " by " + i.openedBy());
        out.println("  updated   " + i.updatedAt());
        out.println("  evidence (bulwark monitor explain EVENT_ID):");
        for (Incident.Evidence e : i.evidence()) {
          out.println("    event " + e.seq() + "  " + e.addedAt() + "  " + e.note());
        }
        out.println("  history:");
        for (Incident.Change c : i.history()) {
          out.println("    " + c.n() + ". " + c.at() + "  " + c.actor() + "  " + c.change());
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Change an incident's status, severity or jailbreak family, or add a note.")
  static final class Update implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID", description = "The incident's id (inc_...)")
    String id;

    @Option(names = "--as", required = true, paramLabel = "NAME", description = "Who makes the change (recorded in the audit log)")
    String actor;

    @Option(names = "--status", paramLabel = "STATUS",
        description = "open, investigating, contained, resolved or false_positive")
    @Nullable String status;

    @Option(names = "--severity", paramLabel = "SEVERITY", description = "low, medium, high or critical")
    @Nullable String severity;

    @Option(names = "--family", paramLabel = "FAMILY", description = "The jailbreak family, once known")
    @Nullable String family;

    @Option(names = "--note", paramLabel = "TEXT", description = "What was learned, or why")
    @Nullable String note;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      IncidentUpdate update;
      try {
        IncidentStatus s = status == null ? null : IncidentStatus.parse(status).orElseThrow(() ->
            new IllegalArgumentException("--status: must be open, investigating, contained, resolved or false_positive"));
        Severity sev = severity == null ? null : Severity.parse(severity).orElseThrow(() ->
            new IllegalArgumentException("--severity: must be low, medium, high or critical"));
        update = new IncidentUpdate(s, sev, family, note);
      } catch (IllegalArgumentException e) {
        err.println("bulwark: " + e.getMessage());
        return Main.BAD_CONFIG;
      }
      return KeysCommand.withStore(config, err, store -> {
        try {
          Incident i = new Incidents(store, Clock.systemUTC()).update(id, actor, update);
          spec.commandLine().getOut().println("updated " + i.id() + ": " + i.status().wireName() + ", "
              + i.severity().wireName() + (i.family() == null ? "" : ", family " + i.family()));
          return Main.OK;
        } catch (IllegalArgumentException e) {
          err.println("bulwark: " + e.getMessage());
          return Main.FAILED;
        }
      });
    }
  }
}
