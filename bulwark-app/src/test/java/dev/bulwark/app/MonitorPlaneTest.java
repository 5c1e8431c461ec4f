package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of the gateway's classifier stages gives the monitor its model (and, in serve, shares it). */
class MonitorPlaneTest {
  @TempDir Path dir;

  private BulwarkConfig config(String stages) throws Exception {
    Path f = dir.resolve("bulwark.yaml");
    Files.writeString(f, "stages:\n" + stages);
    return new ConfigLoader(Map.of()).load(f);
  }

  @Test
  void classifierSpec_aStageWithItsOwnModel_thatOneEvenAfterABuiltInOne() throws Exception {
    Path model = Files.write(dir.resolve("mine.bwma"), new byte[] {1});
    BulwarkConfig c = config("  words: {type: phrase_list, rules: [{id: r, category: jailbreak, action: block,"
        + " phrase: zebra}]}\n  first: {type: classifier}\n  mine: {type: classifier, model: \"" + model + "\"}\n");

    assertThat(MonitorPlane.classifierSpec(c)).hasValueSatisfying(k -> assertThat(k.name()).isEqualTo("mine"));
  }

  @Test
  void classifierSpec_onlyBuiltInStages_theFirst() throws Exception {
    BulwarkConfig c = config("  first: {type: classifier}\n  second: {type: classifier, scope: prompt}\n");

    assertThat(MonitorPlane.classifierSpec(c)).hasValueSatisfying(k -> {
      assertThat(k.name()).isEqualTo("first");
      assertThat(k.model()).isEqualTo("builtin");
    });
  }

  @Test
  void classifierSpec_noClassifierStage_empty() throws Exception {
    BulwarkConfig c = config("  words: {type: phrase_list, rules: [{id: r, category: jailbreak, action: block,"
        + " phrase: zebra}]}\n");

    assertThat(MonitorPlane.classifierSpec(c)).isEmpty();
  }
}
