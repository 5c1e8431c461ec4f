package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCliTest {
  @TempDir Path tmp;

  @Test
  void train_unknownCombine_exit2NamingTheChoices() {
    Cli r = Cli.run("train", "--data-dir", tmp.toString(), "--out", tmp.resolve("out").toString(), "--combine", "max");

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("--combine").contains("mean, stage2, stacked or auto").contains("'max'");
    assertThat(Files.exists(tmp.resolve("out"))).isFalse();
  }

  @Test
  void train_escalationRecallOutOfRange_exit2() {
    Cli r = Cli.run("train", "--data-dir", tmp.toString(), "--out", tmp.resolve("out").toString(), "--escalation-recall", "0.4");

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("--escalation-recall must be in (0.5, 1]");
  }

  @Test
  void train_missingDataFile_exit2() {
    Cli r = Cli.run("train", "--data", tmp.resolve("none.jsonl").toString(), "--out", tmp.resolve("out").toString());

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("none.jsonl").contains("no such file");
  }
}
