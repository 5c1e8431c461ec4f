package dev.bulwark.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.app.Main;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark grants}: adjusted tiers granted by approved applications. */
@Command(
    name = "grants",
    mixinStandardHelpOptions = true,
    description = "Grants of adjusted tiers, through the admin API: list, show, revoke. Renewal is a new application.",
    subcommands = {GrantsCommand.ListGrants.class, GrantsCommand.Show.class, GrantsCommand.Revoke.class})
public final class GrantsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String line(JsonNode g) {
    String state = g.path("active").asBoolean() ? "active"
        : !g.path("revoked_at").isNull() ? "revoked" : "expired";
    return String.format("%-22s %-16s %-12s %-8s %-28s %s", g.path("id").asText(), g.path("org").asText(),
        g.path("tier").asText(), state, g.path("starts_at").asText(), g.path("expires_at").asText());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List grants.")
  static final class ListGrants implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--org", paramLabel = "ORG", description = "Only this organization's")
    @Nullable String org;

    @Option(names = "--active", description = "Only grants in force now")
    boolean active;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode grants = client.get("/grants", AdminOptions.query("org", org, "active", active ? "true" : null));
        if (admin.json) {
          AdminOptions.printJson(out, grants);
          return Main.OK;
        }
        out.println(String.format("%-22s %-16s %-12s %-8s %-28s %s", "ID", "ORG", "TIER", "STATE", "STARTS", "EXPIRES"));
        for (JsonNode g : grants) {
          out.println(line(g));
        }
        if (grants.isEmpty()) {
          out.println("(no grants)");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One grant.")
  static final class Show implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "GRANT", description = "The grant's id")
    String id;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode g = client.get("/grants/" + id);
        if (admin.json) {
          AdminOptions.printJson(out, g);
          return Main.OK;
        }
        out.println(line(g));
        out.println("  application " + g.path("application").asText() + "; models " + g.at("/scope/models")
            + ", categories " + g.at("/scope/categories"));
        if (!g.path("revoked_at").isNull()) {
          out.println("  revoked by " + g.path("revoked_by").asText() + ": " + g.path("revoke_reason").asText());
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a grant at once (admin or analyst).")
  static final class Revoke implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "GRANT", description = "The grant's id")
    String id;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded in the audit log)")
    String reason;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode g = client.post("/grants/" + id + "/revoke", AdminOptions.JSON.createObjectNode().put("reason", reason));
        if (admin.json) {
          AdminOptions.printJson(out, g);
        } else {
          out.println("Revoked grant " + id + "; " + g.path("org").asText() + " is back on its keys' tiers.");
        }
        return Main.OK;
      });
    }
  }
}
