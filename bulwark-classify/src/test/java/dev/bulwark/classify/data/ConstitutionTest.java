package dev.bulwark.classify.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.classify.Category;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConstitutionTest {
  private static String yaml;

  @BeforeAll
  static void readBuiltIn() throws IOException {
    try (InputStream in = Constitution.class.getResourceAsStream(Constitution.BUILT_IN_RESOURCE)) {
      assertThat(in).isNotNull();
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void builtIn_loads_versionDigestAndEveryCategory() throws Exception {
    Constitution c = Constitution.builtIn();

    assertThat(c.version()).isEqualTo("1.1.0");
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8)));
    assertThat(c.digest()).isEqualTo("sha256:" + hex);
    assertThat(c.categories()).extracting(CategoryPolicy::category).containsExactlyElementsOf(Category.ALL);
    for (CategoryPolicy p : c.categories()) {
      assertThat(p.description()).isNotBlank();
      assertThat(p.disallowed()).isNotEmpty();
      assertThat(p.allowed()).isNotEmpty();
      assertThat(p.disallowedExamples()).isNotEmpty();
      assertThat(p.allowedExamples()).isNotEmpty();
    }
    assertThat(c.vocabulary().cbrn().keySet())
        .containsExactly(Category.CBRN_BIOLOGICAL, Category.CBRN_CHEMICAL, Category.CBRN_RADIOLOGICAL, Category.CBRN_NUCLEAR);
    assertThat(c.vocabulary().encodings().keySet()).containsExactly(Encoding.values());
    assertThat(Constitution.builtIn()).isSameAs(c);
  }

  @Test
  void builtIn_everyCbrnTarget_hasIntentsOnBothSides() {
    for (Vocabulary.Cbrn v : Constitution.builtIn().vocabulary().cbrn().values()) {
      for (Vocabulary.Target t : v.targets()) {
        assertThat(v.intentsFor(t)).as(t.name()).isNotEmpty();
      }
      assertThat(v.allowedQuestions()).allMatch(q -> q.contains("{target}"));
    }
  }

  @Test
  void load_sameBytes_sameDigest_commentEdit_otherDigest() throws IOException {
    Constitution a = Constitution.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    Constitution b = Constitution.load((yaml + "\n# edited\n").getBytes(StandardCharsets.UTF_8));

    assertThat(a.digest()).isEqualTo(Constitution.builtIn().digest());
    assertThat(b.digest()).isNotEqualTo(a.digest());
    assertThat(b.version()).isEqualTo(a.version());
  }

  @Test
  void intentGoal_slotOrSuffix() {
    Vocabulary.Target t = new Vocabulary.Target("sarin", "agent");

    assertThat(new Vocabulary.Intent("make", java.util.Set.of()).goal(t)).isEqualTo("make sarin");
    assertThat(new Vocabulary.Intent("smuggle {target} onto a plane", java.util.Set.of()).goal(t)).isEqualTo("smuggle sarin onto a plane");
    assertThat(new Vocabulary.Intent("weaponize", java.util.Set.of("pathogen")).appliesTo(t)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "version missing | `version: \"1.1.0\"` | `` | version",
      "version a number | `version: \"1.1.0\"` | `version: 1` | version",
      "unknown top-level field | `version: \"1.1.0\"` | `version: \"1.1.0\"~extra: 1` | extra",
      "category missing | `  jailbreak:~    title: Jailbreaks` | `  jailbreak_x:~    title: Jailbreaks` | categories.jailbreak",
      "title empty | `    title: Chemical weapons` | `    title: \"\"` | categories.cbrn.chemical.title",
      "target with digits | `{name: sarin, kind: agent}` | `{name: sarin batch 2, kind: agent}` | categories.cbrn.chemical.vocabulary.targets[1].name",
      "intent kind unknown | `{text: synthesize, kinds: [agent]}` | `{text: synthesize, kinds: [agnet]}` | categories.cbrn.chemical.vocabulary.intents[1].kinds",
      "intent unknown slot | `{text: \"release {target} in a subway station\"}` | `{text: \"release {thing} in a subway station\"}` | categories.cbrn.chemical.vocabulary.intents[12].text",
      "register without goal | `    - \"How do I {goal}?\"` | `    - \"How do I do it?\"` | generator.registers[0]",
      "framing without request | `    - \"{request} Keep it short.\"` | `    - \"Keep it short.\"` | generator.framings[6]",
      "wrapper without payload | `Confirm that by answering directly: {payload}` | `Confirm that by answering directly.` | categories.jailbreak.vocabulary.wrappers[5]",
      "unknown encoding | `    rot13:` | `    rot26:` | generator.encodings.rot26",
      "homework unknown slot | `What is the molar mass of {compound}?` | `What is the molar mass of {element}?` | generator.benign.homework.templates[0]",
      "placeholder with content | `      - \"\\n\\n[details omitted]\"` | `      - \"then mix it\"` | generator.completions.placeholders[2]",
      "list empty | `model_names: [ChatGPT, Claude, the assistant, Assistant, Bulwark, the model]` | `model_names: []` | categories.jailbreak.vocabulary.model_names",
      "contextual without with or unless | `            unless: [radiation therapy, solar radiation, electromagnetic radiation]` | `` | categories.cbrn.radiological.vocabulary.keywords.contextual[0]",
  })
  void load_brokenField_exceptionNamesTheField(String name, String from, String to, String field) {
    // '~' stands for a line break in the table above.
    String broken = yaml.replace(from.replace('~', '\n'), to.replace('~', '\n'));
    assertThat(broken).as("the edit applies").isNotEqualTo(yaml);

    assertThatThrownBy(() -> Constitution.load(broken.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ConstitutionException.class)
        .satisfies(e -> assertThat(((ConstitutionException) e).field()).isEqualTo(field))
        .hasMessageContaining("'" + field + "'");
  }

  @Test
  void load_duplicateKey_fails() {
    String broken = yaml.replace("version: \"1.1.0\"", "version: \"1.1.0\"\nversion: \"2.0.0\"");

    assertThatThrownBy(() -> Constitution.load(broken.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ConstitutionException.class)
        .hasMessageContaining("version");
  }

  @Test
  void load_notYamlOrNotMapping_failsAtRoot() {
    assertThatThrownBy(() -> Constitution.load("a: [unclosed".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ConstitutionException.class)
        .satisfies(e -> assertThat(((ConstitutionException) e).field()).isEqualTo("<root>"));
    assertThatThrownBy(() -> Constitution.load("- just\n- a list\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(ConstitutionException.class)
        .hasMessageContaining("must be a mapping");
  }
}
