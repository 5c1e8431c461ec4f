package dev.bulwark.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.app.Main;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bulwark applications}: partner applications for adjusted safeguards. */
@Command(
    name = "applications",
    mixinStandardHelpOptions = true,
    description = "Partner applications for adjusted safeguards, through the admin API: submit, list, show.",
    subcommands = {ApplicationsCommand.Submit.class, ApplicationsCommand.ListApplications.class,
        ApplicationsCommand.Show.class})
public final class ApplicationsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String line(JsonNode a) {
    return String.format("%-22s %-16s %-10s %-9s %-8s %s", a.path("id").asText(), a.path("org").asText(),
        a.path("target_tier").asText(), a.path("status").asText() + (a.path("expired").asBoolean() ? "*" : ""),
        a.path("duration_s").asLong() / 3600 + "h", a.path("submitted_at").asText());
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = "Submit an application (a partner contact for their organization, or an admin).")
  static final class Submit implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--org", paramLabel = "ORG", description = "The partner organization (default: yours)")
    @Nullable String org;

    @Option(names = "--use-case", required = true, paramLabel = "TEXT", description = "What the partner will do")
    String useCase;

    @Option(names = "--beneficial-use", required = true, paramLabel = "TEXT", description = "Why that use is beneficial")
    String beneficialUse;

    @Option(names = "--tier", required = true, paramLabel = "TIER", description = "The adjusted tier asked for")
    String tier;

    @Option(names = "--models", required = true, split = ",", paramLabel = "MODEL",
        description = "Models the adjustment covers, comma-separated, or * for all")
    List<String> models;

    @Option(names = "--categories", required = true, split = ",", paramLabel = "CATEGORY",
        description = "Categories the adjustment covers, comma-separated, or * for all")
    List<String> categories;

    @Option(names = "--duration", required = true, paramLabel = "DURATION",
        description = "How long, such as 7d or 12h; at most admin.due_diligence.max_grant")
    String duration;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        ObjectNode body = AdminOptions.JSON.createObjectNode()
            .put("use_case", useCase)
            .put("beneficial_use", beneficialUse)
            .put("target_tier", tier)
            .put("duration", duration);
        if (org != null) {
          body.put("org", org);
        }
        models.forEach(body.putArray("models")::add);
        categories.forEach(body.putArray("categories")::add);
        JsonNode a = client.post("/applications", body);
        if (admin.json) {
          AdminOptions.printJson(out, a);
        } else {
          out.println("Submitted application " + a.path("id").asText() + " for " + a.path("org").asText()
              + "; it needs reviews from distinct reviewers outside the organization.");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List applications (* marks an expired one).")
  static final class ListApplications implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--org", paramLabel = "ORG", description = "Only this organization's")
    @Nullable String org;

    @Option(names = "--status", paramLabel = "STATUS", description = "pending, approved or denied")
    @Nullable String status;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode apps = client.get("/applications", AdminOptions.query("org", org, "status", status));
        if (admin.json) {
          AdminOptions.printJson(out, apps);
          return Main.OK;
        }
        out.println(String.format("%-22s %-16s %-10s %-9s %-8s %s", "ID", "ORG", "TIER", "STATUS", "LENGTH", "SUBMITTED"));
        for (JsonNode a : apps) {
          out.println(line(a));
        }
        if (apps.isEmpty()) {
          out.println("(no applications)");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "An application with its reviews and tally.")
  static final class Show implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "APPLICATION", description = "The application's id")
    String id;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode a = client.get("/applications/" + id);
        if (admin.json) {
          AdminOptions.printJson(out, a);
          return Main.OK;
        }
        out.println(a.path("id").asText() + " for " + a.path("org").asText() + ": " + a.path("status").asText()
            + (a.path("expired").asBoolean() ? " (expired)" : ""));
        out.println("  target tier   " + a.path("target_tier").asText() + " for " + a.path("duration_s").asLong() + " s");
        out.println("  scope         models " + a.at("/scope/models") + ", categories " + a.at("/scope/categories"));
        out.println("  use case      " + a.path("use_case").asText());
        out.println("  beneficial    " + a.path("beneficial_use").asText());
        JsonNode t = a.path("tally");
        out.println("  approvals     " + t.path("approvals").asInt() + " of " + t.path("required").asInt()
            + (t.path("missing").isNull() ? "" : "; missing: " + t.path("missing").asText()));
        if (!a.path("decision_reason").isNull()) {
          out.println("  decision      " + a.path("decision_reason").asText());
        }
        for (JsonNode r : a.path("reviews")) {
          out.println("  review " + ReviewsCommand.line(r));
        }
        return Main.OK;
      });
    }
  }
}
