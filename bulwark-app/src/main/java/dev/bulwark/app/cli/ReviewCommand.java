package dev.bulwark.app.cli;

import dev.bulwark.app.Main;
import dev.bulwark.response.review.ReviewItem;
import dev.bulwark.response.review.ReviewQueue;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark review}: the human review queue (items from the monitor, incidents, appeals and the
 * validation gate), over the store directly. What reviewers see is redacted. Distinct from {@code
 * bulwark reviews}, the due-diligence reviews of partner applications.
 */
@Command(
    name = "review",
    mixinStandardHelpOptions = true,
    description = "The human review queue: list, show (redacted), assign, claim, label, cancel, escalate overdue items, export labels.",
    subcommands = {
      ReviewCommand.ListItems.class, ReviewCommand.Show.class, ReviewCommand.Assign.class, ReviewCommand.Claim.class,
      ReviewCommand.Label.class, ReviewCommand.Cancel.class, ReviewCommand.Escalate.class, ReviewCommand.Export.class
    })
public final class ReviewCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String line(ReviewItem i) {
    return i.id() + "  " + i.priority().wireName() + "  " + i.status() + "  " + i.source()
        + (i.assignee() == null ? "  unassigned" : "  " + i.assignee())
        + (i.dueAt() == null ? "" : "  due " + i.dueAt())
        + (i.escalatedTo() == null ? "" : "  escalated to " + i.escalatedTo())
        + (i.label() == null ? "" : "  label " + i.label() + (i.labelCategory() == null ? "" : "/" + i.labelCategory()))
        + (i.familyId() == null ? "" : "  family " + i.familyId());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Items, most urgent first.")
  static final class ListItems implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--status", description = "open (default), done, cancelled or all")
    String status = "open";

    @Option(names = "--assignee", description = "Only this reviewer's")
    @Nullable String assignee;

    @Override
    public Integer call() throws Exception {
      return RespondCommand.withStore(config, spec, (cfg, store, out) -> {
        for (ReviewItem i : ResponseCommands.reviews(store, null).list(status.equals("all") ? null : status, assignee)) {
          out.println(line(i));
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One item, with personal data masked.")
  static final class Show implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ITEM")
    String item;

    @Override
    public Integer call() throws Exception {
      return RespondCommand.withStore(config, spec, (cfg, store, out) -> {
        ReviewQueue.View v = ResponseCommands.reviews(store, null).view(item);
        out.println(line(v.item()) + (v.overdue() ? "  OVERDUE" : ""));
        out.println("reason: " + v.item().reason());
        v.turns().forEach(t -> out.println("  " + t));
        if (v.completion() != null) {
          out.println("  completion: " + v.completion());
        }
        if (v.turns().isEmpty()) {
          out.println("  (no content kept)");
        }
        return Main.OK;
      });
    }
  }

  @Command(name = "assign", mixinStandardHelpOptions = true, description = "Assign an open item to a reviewer.")
  static final class Assign implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin RespondCommand.Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ITEM")
    String item;

    @Option(names = "--to", required = true)
    String to;

    @Override
    public Integer call() throws Exception {
      return RespondCommand.withStore(config, spec, (cfg, store, out) -> {
        out.println(line(ResponseCommands.reviews(store, null).assign(item, to, who.name())));
        return Main.OK;
      });
    }
  }

  @Command(name = "claim", mixinStandardHelpOptions = true, description = "Take the most urgent unassigned item.")
  static final class Claim implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin RespondCommand.Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      return RespondCommand.withStore(config, spec, (cfg, store, out) -> {
        var claimed = ResponseCommands.reviews(store, null).claimNext(who.name());
        out.println(claimed.map(ReviewCommand::line).orElse("nothing to claim"));
        return Main.OK;
      });
    }
  }

  @Command(name = "label", mixinStandardHelpOptions = true,
      description = "Close an item with a label; it feeds training data and the regression corpora.")
  static final class Label implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin RespondCommand.Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ITEM")
    String item;

    @Option(names = "--label", required = true, description = "harmful, jailbreak or benign")
    String label;

    @Option(names = "--category", description = "A category id, e.g. cbrn.chemical")
    @Nullable String category;

    @Option(names = "--family", description = "The attack family it belongs to")
    @Nullable String family;

    @Override
    public Integer call() throws Exception {
      return RespondCommand.withStore(config, spec, (cfg, store, out) -> {
        out.println(line(ResponseCommands.reviews(store, null).label(item, who.name(), label, category, family)));
        return Main.OK;
      });
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel an open item.")
  static final class Cancel implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin RespondCommand.Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ITEM")
    String item;

    @Option(names = "--reason", required = true)
    String reason;

    @Override
    public Integer call() throws Exception {
      return RespondCommand.withStore(config, spec, (cfg, store, out) -> {
        out.println(line(ResponseCommands.reviews(store, null).cancel(item, who.name(), reason)));
        return Main.OK;
      });
    }
  }

  @Command(name = "escalate", mixinStandardHelpOptions = true,
      description = "Escalate every open item whose SLA has run out to the next senior reviewer (a running server does this on a timer).")
  static final class Escalate implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin RespondCommand.Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--seniors", split = ",", required = true, description = "Senior reviewers, in turn")
    List<String> seniors;

    @Override
    public Integer call() throws Exception {
      return RespondCommand.withStore(config, spec, (cfg, store, out) -> {
        List<ReviewItem> done = ResponseCommands.reviews(store, null).escalateOverdue(seniors, who.name());
        done.forEach(i -> out.println(line(i)));
        out.println(done.size() + " escalated");
        return Main.OK;
      });
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write labelled items as training data (JSONL in the shared format, redacted).")
  static final class Export implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin RespondCommand.Who who;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true)
    Path file;

    @Override
    public Integer call() throws Exception {
      return RespondCommand.withStore(config, spec, (cfg, store, out) -> {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
          out.println(ResponseCommands.reviews(store, null).exportLabels(w, who.name()) + " labelled items written to " + file);
        }
        return Main.OK;
      });
    }
  }
}
