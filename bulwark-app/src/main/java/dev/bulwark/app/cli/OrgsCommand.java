package dev.bulwark.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.app.Main;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark orgs}: organizations, their effective policy, step-downs. */
@Command(
    name = "orgs",
    mixinStandardHelpOptions = true,
    description = "Organizations through the admin API: list, show, create, effective policy, step-down, restore.",
    subcommands = {
      OrgsCommand.ListOrgs.class,
      OrgsCommand.Show.class,
      OrgsCommand.Create.class,
      OrgsCommand.Effective.class,
      OrgsCommand.StepDown.class,
      OrgsCommand.Restore.class
    })
public final class OrgsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List organizations.")
  static final class ListOrgs implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode orgs = client.get("/orgs");
        if (admin.json) {
          AdminOptions.printJson(out, orgs);
          return Main.OK;
        }
        out.printf("%-24s %-32s %s%n", "ID", "NAME", "CREATED");
        for (JsonNode o : orgs) {
          out.printf("%-24s %-32s %s%n", o.path("id").asText(), o.path("name").asText(), o.path("created_at").asText());
        }
        if (orgs.isEmpty()) {
          out.println("(no organizations)");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "An organization with its grants and step-downs.")
  static final class Show implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ORG", description = "The organization's id")
    String org;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode o = client.get("/orgs/" + org);
        if (admin.json) {
          AdminOptions.printJson(out, o);
          return Main.OK;
        }
        out.println(o.path("id").asText() + "  " + o.path("name").asText() + "  (created " + o.path("created_at").asText() + ")");
        out.println("grants:");
        for (JsonNode g : o.path("grants")) {
          out.println("  " + GrantsCommand.line(g));
        }
        out.println("step-downs:");
        for (JsonNode s : o.path("step_downs")) {
          out.println("  " + s.path("id").asText() + " to " + s.path("tier").asText() + " by " + s.path("set_by").asText()
              + " at " + s.path("set_at").asText() + (s.path("cleared_at").isNull() ? " (in force)"
                  : " (cleared " + s.path("cleared_at").asText() + ")") + ": " + s.path("reason").asText());
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an organization (admin).")
  static final class Create implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ORG", description = "The id: lower case letters, digits, - and _")
    String org;

    @Option(names = "--name", paramLabel = "NAME", description = "Display name (default: the id)")
    @Nullable String name;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        ObjectNode body = AdminOptions.JSON.createObjectNode().put("id", org);
        if (name != null) {
          body.put("name", name);
        }
        JsonNode o = client.post("/orgs", body);
        if (admin.json) {
          AdminOptions.printJson(out, o);
        } else {
          out.println("Created organization " + o.path("id").asText() + ".");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "effective", mixinStandardHelpOptions = true,
      description = "The tier and policy the organization's keys run under now (grants and step-downs applied).")
  static final class Effective implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ORG", description = "The organization's id")
    String org;

    @Option(names = "--model", paramLabel = "MODEL", description = "For requests to this model (grants may be scoped to models)")
    @Nullable String model;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode e = client.get("/orgs/" + org + "/effective-policy", AdminOptions.query("model", model));
        if (admin.json) {
          AdminOptions.printJson(out, e);
          return Main.OK;
        }
        out.printf("%-14s %-14s %-10s %-26s %-24s %s%n", "KEY TIER", "EFFECTIVE", "SOURCE", "UNTIL", "POLICY", "LIMITS");
        for (JsonNode t : e.path("tiers")) {
          JsonNode p = t.path("policy");
          out.printf("%-14s %-14s %-10s %-26s %-24s %s%n", t.path("key_tier").asText(), t.path("effective_tier").asText(),
              t.path("source").asText(), t.path("until").isNull() ? "-" : t.path("until").asText(),
              p.isNull() ? "(none: requests refused)" : p.path("name").asText() + " v" + p.path("version").asInt(),
              p.isNull() ? "" : p.path("requests_per_minute").asInt() + "/min, " + p.path("max_concurrent").asInt() + " concurrent");
        }
        if (e.path("tiers").isEmpty()) {
          out.println("(the organization has no active keys)");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "step-down", mixinStandardHelpOptions = true,
      description = "Put an organization on a stricter tier until an analyst restores it (analyst or admin).")
  static final class StepDown implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ORG", description = "The organization's id")
    String org;

    @Option(names = "--tier", required = true, paramLabel = "TIER", description = "One of admin.due_diligence.step_down_tiers")
    String tier;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded in the audit log)")
    String reason;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode s = client.post("/orgs/" + org + "/step-down",
            AdminOptions.JSON.createObjectNode().put("tier", tier).put("reason", reason));
        if (admin.json) {
          AdminOptions.printJson(out, s);
        } else {
          out.println("Stepped " + org + " down to tier " + s.path("tier").asText() + " (" + s.path("id").asText() + ").");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true, description = "End an organization's step-down (analyst).")
  static final class Restore implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ORG", description = "The organization's id")
    String org;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded in the audit log)")
    String reason;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode s = client.post("/orgs/" + org + "/restore", AdminOptions.JSON.createObjectNode().put("reason", reason));
        if (admin.json) {
          AdminOptions.printJson(out, s);
        } else {
          out.println("Restored " + org + "; step-down " + s.path("id").asText() + " cleared.");
        }
        return Main.OK;
      });
    }
  }
}
