package dev.bulwark.app.cli;

import dev.bulwark.app.Main;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code bulwark config check}. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Inspect the configuration.",
    subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = "Validate the configuration without starting anything. Exit code 2 when it is invalid.")
  static final class Check implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        BulwarkConfig c = config.load();
        out.println("ok: " + c.source());
        out.println("  upstreams " + (c.upstreams().isEmpty() ? "(none: the simulated model)" : c.upstreams().size()));
        out.println("  routes    " + c.routes().size());
        out.println("  stages    " + c.stages().size());
        out.println("  policies  " + String.join(", ", c.policies().keySet()));
        out.println("  tiers     " + String.join(", ", c.tiers().keySet()));
        return Main.OK;
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("bulwark: configuration error: " + e.getMessage());
        return Main.BAD_CONFIG;
      }
    }
  }
}
