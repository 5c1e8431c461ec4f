package dev.bulwark.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.app.Main;
import dev.bulwark.response.RapidResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bulwark respond patch}: what its switches ask of the loop. */
class RespondPatchOptionsTest {
  @TempDir Path dir;

  private static RapidResponse.Options parse(String... args) {
    RespondCommand.Patch patch = new RespondCommand.Patch();
    new CommandLine(patch).parseArgs(args);
    return patch.options();
  }

  @Test
  void options_noStage2_classifierPatchKeepsTheDeployedHead() {
    RapidResponse.Options o = parse("fam-0001", "--no-stage2", "--seed", "5", "--as", "ana");

    assertThat(o.stage2()).isFalse();
    assertThat(o.classifier()).isTrue();
    assertThat(o.seed()).isEqualTo(5);
    assertThat(o.actor()).isEqualTo("ana");
  }

  @Test
  void options_default_stage2FineTuned() {
    RapidResponse.Options o = parse("fam-0001", "--no-signature", "--canary", "gold,silver");

    assertThat(o.stage2()).isTrue();
    assertThat(o.signature()).isFalse();
    assertThat(o.canaryPolicies()).containsExactlyInAnyOrder("gold", "silver");
  }

  @Test
  void run_noStage2UnknownFamily_acceptedThenRefusedWithAMessage() throws Exception {
    Path config = dir.resolve("bulwark.yaml");
    Files.writeString(config, "store: {url: \"jdbc:sqlite:" + dir.resolve("b.db") + "\"}\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int help = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "respond", "patch", "--help");
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "respond", "patch", "fam-9999",
        "--no-stage2", "-c", config.toString());

    assertThat(help).isEqualTo(Main.OK);
    assertThat(out.toString()).contains("--no-stage2");
    assertThat(exit).isNotEqualTo(Main.OK);
    assertThat(err.toString()).contains("no family fam-9999").doesNotContain("Unknown option", "Exception");
  }
}
