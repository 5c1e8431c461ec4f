package dev.bulwark.app.cli;

import dev.bulwark.app.Main;
import dev.bulwark.store.ChainReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code bulwark audit verify}. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Check the tamper-evident event log.",
    subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Walk the hash chain and report the first edited, deleted or reordered event. "
          + "Exit code 0 when intact, 1 when not.")
  static final class Verify implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      return KeysCommand.withStore(config, spec.commandLine().getErr(), store -> {
        ChainReport report = store.events().verify();
        if (report.intact()) {
          out.println("intact: " + report.checked() + " events, hash chain unbroken");
          return Main.OK;
        }
        out.println("BROKEN at seq " + report.firstBadSeq() + ": "
            + (report.problem() == null ? "" : report.problem().name().toLowerCase(java.util.Locale.ROOT) + " - ")
            + report.detail());
        out.println("(" + report.checked() + " events checked before the break)");
        return Main.FAILED;
      });
    }
  }
}
