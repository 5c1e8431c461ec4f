package dev.bulwark.app;

import dev.bulwark.app.cli.AuditCommand;
import dev.bulwark.app.cli.ClassifyCommand;
import dev.bulwark.app.cli.ConfigCommand;
import dev.bulwark.app.cli.EvalCommand;
import dev.bulwark.app.cli.TrainCommand;
import dev.bulwark.app.cli.KeysCommand;
import dev.bulwark.app.cli.ServeCommand;
import dev.bulwark.app.cli.SimulateUpstreamCommand;
import dev.bulwark.app.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bulwark} command. */
@Command(
    name = "bulwark",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Safeguards for a deployed AI model: an OpenAI- and Anthropic-compatible gateway "
        + "with real-time classifiers, an audited decision log, and access controls.",
    subcommands = {
      ServeCommand.class,
      SimulateUpstreamCommand.class,
      KeysCommand.class,
      dev.bulwark.app.cli.OrgsCommand.class,
      dev.bulwark.app.cli.ApplicationsCommand.class,
      dev.bulwark.app.cli.ReviewsCommand.class,
      dev.bulwark.app.cli.GrantsCommand.class,
      dev.bulwark.app.cli.AdminsCommand.class,
      AuditCommand.class,
      dev.bulwark.app.cli.RespondCommand.class,
      dev.bulwark.app.cli.ReviewCommand.class,
      dev.bulwark.app.cli.MonitorCommand.class,
      dev.bulwark.app.cli.IncidentsCommand.class,
      ConfigCommand.class,
      ClassifyCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Success. */
  public static final int OK = 0;
  /** The command ran and found a problem (e.g. the audit chain is broken), or failed at run time. */
  public static final int FAILED = 1;
  /** Bad usage or bad configuration: nothing was started. */
  public static final int BAD_CONFIG = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (without exiting, for tests). */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given output streams and returns the exit code. */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      // Never a stack trace for the user: a one-line message, and the detail in the log.
      line.getErr().println("bulwark: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      org.slf4j.LoggerFactory.getLogger(Main.class).debug("command failed", e);
      return FAILED;
    });
    cli.setParameterExceptionHandler((e, params) -> {
      CommandLine line = e.getCommandLine();
      line.getErr().println("bulwark: " + e.getMessage());
      line.getErr().println("Run 'bulwark " + (line.getCommandName().equals("bulwark") ? "" : line.getCommandName() + " ") + "--help' for usage.");
      return BAD_CONFIG;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
