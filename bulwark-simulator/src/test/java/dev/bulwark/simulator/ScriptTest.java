package dev.bulwark.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.protocol.model.StopReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptTest {
  private static final String FULL =
      """
      # every field once
      responses:
        - match: "Weather"
          text: "Let me check."
          tool_calls:
            - name: get_weather
              arguments: {city: Paris, days: 2}
            - name: noop
              arguments: '{"a": [1, 2]}'
        - regex: "^think"
          thinking: "Hmm."
          text: "Done."
          stop_reason: max_tokens
          ttft_ms: 200
          tokens_per_second: 50.5
          chunk_tokens: 3
          usage: {input_tokens: 12, output_tokens: 34}
        - match: overloaded
          status: 529
          error_message: simulated overload
          fault: {delay_ms: 5}
        - match: cut
          fault: {delay_ms: 100, disconnect_after_tokens: 3}
        - match: hang
          fault: hang
        - match: broken
          fault: {malformed: true}
      """;

  @Test
  void parseYaml_everyField_isRead() throws Exception {
    Script script = Script.parseYaml(FULL, "full.yaml");

    assertThat(script.entries()).hasSize(6);
    ScriptEntry tools = script.entries().get(0);
    assertThat(tools.match()).isEqualTo("Weather");
    assertThat(tools.text()).isEqualTo("Let me check.");
    assertThat(tools.toolCalls())
        .containsExactly(
            new ToolCall("get_weather", "{\"city\":\"Paris\",\"days\":2}"),
            new ToolCall("noop", "{\"a\": [1, 2]}"));
    ScriptEntry timed = script.entries().get(1);
    assertThat(timed.regex()).isNotNull();
    assertThat(timed.thinking()).isEqualTo("Hmm.");
    assertThat(timed.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    assertThat(timed.ttft()).isEqualTo(Duration.ofMillis(200));
    assertThat(timed.tokensPerSecond()).isEqualTo(50.5);
    assertThat(timed.chunkTokens()).isEqualTo(3);
    assertThat(timed.inputTokens()).isEqualTo(12);
    assertThat(timed.outputTokens()).isEqualTo(34);
    ScriptEntry error = script.entries().get(2);
    assertThat(error.status()).isEqualTo(529);
    assertThat(error.errorMessage()).isEqualTo("simulated overload");
    assertThat(error.delay()).isEqualTo(Duration.ofMillis(5));
    assertThat(script.entries().get(3).fault()).isEqualTo(new Fault.Disconnect(3));
    assertThat(script.entries().get(3).delay()).isEqualTo(Duration.ofMillis(100));
    assertThat(script.entries().get(4).fault()).isEqualTo(new Fault.Hang());
    assertThat(script.entries().get(5).fault()).isEqualTo(new Fault.Malformed());
  }

  @Test
  void select_substringInOtherCase_matches() throws Exception {
    Script script = Script.parseYaml(FULL, "full.yaml");
    assertThat(script.select("what's the WEATHER like?")).isSameAs(script.entries().get(0));
  }

  @Test
  void select_regex_isFoundInPrompt() throws Exception {
    Script script = Script.parseYaml(FULL, "full.yaml");
    assertThat(script.select("think about it")).isSameAs(script.entries().get(1));
    assertThat(script.select("I think")).isNull();
  }

  @Test
  void select_severalMatch_firstWins() {
    ScriptEntry first = ScriptEntry.builder().match("a").text("1").build();
    ScriptEntry second = ScriptEntry.builder().match("ab").text("2").build();
    assertThat(Script.of(first, second).select("abc")).isSameAs(first);
  }

  @Test
  void select_entryWithoutMatch_matchesEverything() {
    ScriptEntry any = ScriptEntry.builder().text("always").build();
    assertThat(Script.of(any).select("")).isSameAs(any);
  }

  @Test
  void parseYaml_unknownField_namesLineEntryAndField() {
    String yaml =
        """
        responses:
          - match: a
            text: b
          - match: c
            ttft: 5
        """;
    assertThatThrownBy(() -> Script.parseYaml(yaml, "s.yaml"))
        .isInstanceOfSatisfying(
            ScriptException.class,
            e -> {
              assertThat(e.line()).isEqualTo(4);
              assertThat(e.entry()).isEqualTo(1);
              assertThat(e.field()).isEqualTo("ttft");
            })
        .hasMessageStartingWith("s.yaml:4: responses[1].ttft: unknown field");
  }

  @Test
  void parseYaml_negativeTtft_namesField() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - ttft_ms: -5\n", "s.yaml"))
        .hasMessage("s.yaml:2: responses[0].ttft_ms: must be an integer >= 0, was '-5'");
  }

  @Test
  void parseYaml_toolArgumentsNotJson_namesField() {
    String yaml =
        """
        responses:
          - tool_calls:
              - name: f
                arguments: "{not json"
        """;
    assertThatThrownBy(() -> Script.parseYaml(yaml, "s.yaml"))
        .hasMessageStartingWith(
            "s.yaml:2: responses[0].tool_calls[0].arguments: must be JSON text");
  }

  @Test
  void parseYaml_toolCallWithoutName_namesField() {
    assertThatThrownBy(
            () -> Script.parseYaml("responses:\n  - tool_calls: [{arguments: {}}]\n", "s"))
        .hasMessage("s:2: responses[0].tool_calls[0].name: is required");
  }

  @Test
  void parseYaml_matchAndRegex_areExclusive() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - {match: a, regex: b}\n", "s"))
        .hasMessageContaining("responses[0].regex: match and regex are exclusive");
  }

  @Test
  void parseYaml_badRegex_namesField() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - regex: '(unclosed'\n", "s"))
        .hasMessageContaining("responses[0].regex: not a valid regular expression");
  }

  @Test
  void parseYaml_errorMessageWithoutStatus_isRefused() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - error_message: x\n", "s"))
        .hasMessage("s:2: responses[0]: error_message is set but status is not");
  }

  @Test
  void parseYaml_statusOutOfRange_namesField() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - status: 200\n", "s"))
        .hasMessageContaining(
            "responses[0].status: status must be an error status, 400-599, was 200");
  }

  @Test
  void parseYaml_unknownStopReason_namesField() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - stop_reason: done\n", "s"))
        .hasMessageStartingWith("s:2: responses[0].stop_reason: unknown stop reason 'done'");
  }

  @Test
  void parseYaml_twoFaultKinds_areRefused() {
    assertThatThrownBy(
            () -> Script.parseYaml("responses:\n  - fault: {hang: true, malformed: true}\n", "s"))
        .hasMessageContaining(
            "responses[0].fault: disconnect_after_tokens, stall_after_tokens, hang and malformed are exclusive");
  }

  @Test
  void parseYaml_stallAfterTokens_isRead() throws Exception {
    Script script = Script.parseYaml("responses:\n  - fault: {stall_after_tokens: 4}\n", "s");

    assertThat(script.entries().get(0).fault()).isEqualTo(new Fault.Stall(4));
  }

  @Test
  void parseYaml_negativeStall_namesField() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - fault: {stall_after_tokens: -1}\n", "s"))
        .hasMessageContaining("responses[0].fault.stall_after_tokens");
  }

  @Test
  void parseYaml_duplicateField_isRefused() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - text: a\n    text: b\n", "s"))
        .isInstanceOf(ScriptException.class)
        .hasMessageContaining("text");
  }

  @Test
  void parseYaml_syntaxError_namesLine() {
    assertThatThrownBy(() -> Script.parseYaml("responses:\n  - text: [unclosed\n", "s"))
        .isInstanceOfSatisfying(ScriptException.class, e -> assertThat(e.line()).isPositive())
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void parseYaml_noResponsesKey_isRefused() {
    assertThatThrownBy(() -> Script.parseYaml("entries: []\n", "s"))
        .hasMessageContaining("unknown top-level field");
  }

  @Test
  void parseYaml_emptyResponses_echoes() throws Exception {
    assertThat(Script.parseYaml("responses: []\n", "s").entries()).isEmpty();
  }

  @Test
  void parseJsonl_entries_skipBlankAndCommentLines() throws Exception {
    String jsonl =
        """
        # comment
        {"match": "a", "text": "A"}

        {"regex": "b+", "tool_calls": [{"name": "f", "arguments": {"x": 1}}]}
        """;
    Script script = Script.parseJsonl(jsonl, "s.jsonl");
    assertThat(script.entries()).hasSize(2);
    assertThat(script.entries().get(1).toolCalls()).containsExactly(new ToolCall("f", "{\"x\":1}"));
  }

  @Test
  void parseJsonl_badField_namesLineAndEntry() {
    String jsonl = "{\"match\": \"a\"}\n\n{\"chunk_tokens\": 0}\n";
    assertThatThrownBy(() -> Script.parseJsonl(jsonl, "s.jsonl"))
        .hasMessage("s.jsonl:3: responses[1].chunk_tokens: must be an integer >= 1, was 0");
  }

  @Test
  void parseJsonl_badJson_namesLine() {
    assertThatThrownBy(() -> Script.parseJsonl("{\"match\": }\n", "s.jsonl"))
        .hasMessageStartingWith("s.jsonl:1: responses[0]: not valid JSON");
  }

  @Test
  void load_yamlAndJsonlFiles_pickFormatByExtension(@TempDir Path dir) throws Exception {
    Path yaml = Files.writeString(dir.resolve("s.yml"), "responses:\n  - text: hi\n");
    Path jsonl = Files.writeString(dir.resolve("s.jsonl"), "{\"text\": \"hi\"}\n");
    assertThat(Script.load(yaml).entries()).hasSize(1);
    assertThat(Script.load(jsonl).entries()).hasSize(1);
  }

  @Test
  void load_badEntry_messageNamesFileLineEntryAndField(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("trial.yaml"),
            "responses:\n"
                + "  - match: ok\n"
                + "    text: fine\n"
                + "  - match: bad\n"
                + "    tokens_per_second: fast\n");
    assertThatThrownBy(() -> Script.load(file))
        .hasMessage(
            "trial.yaml:4: responses[1].tokens_per_second: must be a number >= 0, was a string");
  }

  @Test
  void load_shippedExample_isValid() throws Exception {
    Script script = Script.load(Path.of("examples/script.yaml"));

    assertThat(script.entries()).hasSize(9);
    assertThat(script.select("Hello there").text()).isEqualTo("Hello! I am a simulated model.");
    assertThat(script.select("please cut me off").fault()).isEqualTo(new Fault.Disconnect(3));
    assertThat(script.select("something else")).isNull();
  }

  @Test
  void load_unknownExtension_isRefused(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("s.txt"), "responses: []");
    assertThatThrownBy(() -> Script.load(file)).hasMessageContaining("unknown script format");
  }

  @Test
  void builder_statusWithText_isRefused() {
    assertThatThrownBy(() -> ScriptEntry.builder().status(500).text("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("status 500 answers with an error");
  }

  @Test
  void builder_secondText_isRefused() {
    assertThatThrownBy(() -> ScriptEntry.builder().text("a").text("b"))
        .hasMessage("text was already set to a");
  }
}
