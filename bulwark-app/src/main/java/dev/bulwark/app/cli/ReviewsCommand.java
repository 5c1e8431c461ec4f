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

/** {@code bulwark reviews}: reviewers' assessments and votes. */
@Command(
    name = "reviews",
    mixinStandardHelpOptions = true,
    description = "Review applications through the admin API: submit a review (with its decision), list reviews.",
    subcommands = {ReviewsCommand.Submit.class, ReviewsCommand.ListReviews.class})
public final class ReviewsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String line(JsonNode r) {
    return r.path("reviewer").asText() + " as " + r.path("acting_role").asText() + ": "
        + r.path("decision").asText() + " (trustworthiness " + r.at("/trustworthiness/rating").asText()
        + ", beneficial use " + r.at("/beneficial_use/rating").asText() + "): " + r.path("justification").asText();
  }

  @Command(name = "submit", mixinStandardHelpOptions = true,
      description = "Review an application: both criteria, then approve or deny with a justification.")
  static final class Submit implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "APPLICATION", description = "The application's id")
    String application;

    @Option(names = "--trust", required = true, paramLabel = "RATING",
        description = "Trustworthiness: insufficient, low, moderate or high")
    String trust;

    @Option(names = "--trust-evidence", required = true, paramLabel = "TEXT", description = "What the rating rests on")
    String trustEvidence;

    @Option(names = "--benefit", required = true, paramLabel = "RATING",
        description = "Beneficial use: insufficient, low, moderate or high")
    String benefit;

    @Option(names = "--benefit-evidence", required = true, paramLabel = "TEXT", description = "What the rating rests on")
    String benefitEvidence;

    @Option(names = "--decision", required = true, paramLabel = "DECISION", description = "approve or deny")
    String decision;

    @Option(names = "--justification", required = true, paramLabel = "TEXT", description = "Why (required)")
    String justification;

    @Option(names = "--as", paramLabel = "ROLE", description = "The role to act in: reviewer, admin or analyst")
    @Nullable String as;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        ObjectNode body = AdminOptions.JSON.createObjectNode()
            .put("decision", decision)
            .put("justification", justification);
        body.putObject("trustworthiness").put("rating", trust).put("evidence", trustEvidence);
        body.putObject("beneficial_use").put("rating", benefit).put("evidence", benefitEvidence);
        if (as != null) {
          body.put("acting_role", as);
        }
        JsonNode o = client.post("/applications/" + application + "/reviews", body);
        if (admin.json) {
          AdminOptions.printJson(out, o);
          return Main.OK;
        }
        String status = o.at("/application/status").asText();
        out.println("Recorded review " + o.at("/review/id").asText() + "; application " + application + " is " + status
            + ("pending".equals(status) && !o.at("/tally/missing").isNull() ? " (" + o.at("/tally/missing").asText() + ")" : "")
            + ".");
        if (o.has("grant")) {
          out.println("Granted tier " + o.at("/grant/tier").asText() + " to " + o.at("/grant/org").asText() + " until "
              + o.at("/grant/expires_at").asText() + " (" + o.at("/grant/id").asText() + ").");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "An application's reviews.")
  static final class ListReviews implements Callable<Integer> {
    @Mixin AdminOptions admin;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "APPLICATION", description = "The application's id")
    String application;

    @Override
    public Integer call() {
      return admin.call(spec, (client, out) -> {
        JsonNode reviews = client.get("/applications/" + application + "/reviews");
        if (admin.json) {
          AdminOptions.printJson(out, reviews);
          return Main.OK;
        }
        for (JsonNode r : reviews) {
          out.println(r.path("id").asText() + "  " + line(r));
        }
        if (reviews.isEmpty()) {
          out.println("(no reviews)");
        }
        return Main.OK;
      });
    }
  }
}
