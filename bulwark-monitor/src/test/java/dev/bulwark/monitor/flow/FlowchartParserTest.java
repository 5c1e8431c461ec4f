package dev.bulwark.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.AnalyzerRegistry;
import dev.bulwark.monitor.analyzer.BuiltInAnalyzers;
import dev.bulwark.monitor.analyzer.InMemoryExemplarIndex;
import dev.bulwark.monitor.analyzer.JudgeSettings;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowchartParserTest {
  // The classifier is never loaded here: no test flowchart below creates a classifier node, except the
  // default-flowchart tests, which do.
  static AnalyzerRegistry registry(boolean judge) {
    AnalyzerEnvironment env = AnalyzerEnvironment.builder()
        .exemplars(() -> new InMemoryExemplarIndex("none", 384))
        .judge(judge ? JudgeSettings.of(URI.create("http://127.0.0.1:1"), null, "judge-model") : null)
        .build();
    return BuiltInAnalyzers.registry(env).build();
  }

  static final FlowchartParser PARSER = new FlowchartParser(registry(false), Set.of("standard"));

  static final String VALID = """
      version: v1
      start: [a]
      nodes:
        a:
          analyzer: rules
          next:
            - when: "a.hits >= 1"
              to: b
            - when: "'refusal_streak' in a.labels"
              do: [review]
        b:
          analyzer: rules
          next:
            - when: "a.score >= 0.5 and b.refusals > 2 or account.risk >= 10 and exchange.tier == 'standard'"
              do: [review, flag]
      actions:
        review: {type: review, priority: high}
        flag: {type: flag}
      risk:
        half_life: 12h
        weights: {low: 2}
        thresholds:
          - {at: 5, do: [flag]}
      """;

  @Test
  void parse_valid_buildsNodesInRunningOrderWithVersionAndDigest() {
    Flowchart fc = PARSER.parse(VALID, "test");
    assertThat(fc.nodes()).extracting(FlowNode::name).containsExactly("a", "b");
    assertThat(fc.start()).containsExactly("a");
    assertThat(fc.version()).matches("v1@[0-9a-f]{12}");
    assertThat(fc.actions().get("review").priority()).isEqualTo("high");
    assertThat(fc.risk().weight(dev.bulwark.monitor.analyzer.Severity.LOW)).isEqualTo(2.0);
    assertThat(fc.risk().thresholds()).hasSize(1);
    assertThat(PARSER.parse(VALID + "\n# a comment\n", "test").version()).as("any byte changes the version")
        .isNotEqualTo(fc.version());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown analyzer      | b | analyzer: rules\\n    next: [{to: b}]\\n  b:\\n    analyzer: stage3          | unknown analyzer 'stage3'
      bad setting           | a | analyzer: rules\\n    settings: {refusal_streak: 1}                           | settings.refusal_streak
      unknown setting       | a | analyzer: rules\\n    settings: {streak: 3}                                   | settings.streak: unknown setting
      edge to nowhere       | a | analyzer: rules\\n    next: [{to: zz}]                                        | 'to' names 'zz'
      unknown field         | a | analyzer: rules\\n    next: [{when: "a.scroe > 1", do: [review]}]             | unknown field 'a.scroe'
      later node            | a | analyzer: rules\\n    next: [{when: "b.score > 0.5", to: b}]\\n  b:\\n    analyzer: rules | reads 'b', which never runs before this edge
      bad syntax            | a | analyzer: rules\\n    next: [{when: "a.score >", do: [review]}]              | unexpected end
      text as condition     | a | analyzer: rules\\n    next: [{when: "a.category", do: [review]}]             | not true or false
      type mismatch         | a | analyzer: rules\\n    next: [{when: "a.score == 'high'", do: [review]}]      | cannot compare a number with text
      unknown action        | a | analyzer: rules\\n    next: [{when: "a.finding", do: [ban]}]                 | action 'ban'
      cycle                 | a | analyzer: rules\\n    next: [{to: b}]\\n  b:\\n    analyzer: rules\\n    next: [{to: a}] | cycle
      unreachable           | b | analyzer: rules\\n  b:\\n    analyzer: rules                                   | not reachable from start
      self loop             | a | analyzer: rules\\n    next: [{to: a}]                                         | leads back to its own node
      reserved name         | account | analyzer: rules\\n    next: [{to: account}]\\n  account:\\n    analyzer: rules | reserved
      bad category          | a | analyzer: conversation\\n    settings: {categories: [cbrn.fungal]}           | unknown category 'cbrn.fungal'
      judge not configured  | b | analyzer: rules\\n    next: [{to: b}]\\n  b:\\n    analyzer: llm_judge       | cannot run here
      """)
  void parse_invalid_refusedNamingTheNode(String what, String node, String body, String message) {
    String yaml = "version: bad\nstart: [a]\nnodes:\n  a:\n    " + body.replace("\\n", "\n").strip()
        + "\nactions:\n  review: {type: review}\n";
    assertThatThrownBy(() -> PARSER.parse(yaml, "test"))
        .as(what)
        .isInstanceOfSatisfying(FlowchartException.class, e -> assertThat(e.node()).isEqualTo(node))
        .hasMessageContaining("'" + node + "'")
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not yaml             | 'nodes: [unclosed'                                                              | not valid YAML
      no nodes             | 'version: x\\nstart: [a]\\nnodes: {}'                                          | define at least one node
      no start             | 'nodes:\\n  a: {analyzer: rules}'                                               | start: name the nodes
      step-down tier       | 'start: [a]\\nnodes:\\n  a: {analyzer: rules}\\nactions:\\n  s: {type: step_down, tier: partner}' | not a tier allowed for step-downs
      webhook url          | 'start: [a]\\nnodes:\\n  a: {analyzer: rules}\\nactions:\\n  w: {type: webhook, url: "ftp://x"}' | http or https
      decreasing risk      | 'start: [a]\\nnodes:\\n  a: {analyzer: rules}\\nactions:\\n  f: {type: flag}\\nrisk:\\n  thresholds: [{at: 5, do: [f]}, {at: 3, do: [f]}]' | must increase
      unknown top field    | 'start: [a]\\nnods: {}'                                                         | flowchart.nods: unknown setting
      """)
  void parse_invalidFile_refusedWithTheReason(String what, String yaml, String message) {
    assertThatThrownBy(() -> PARSER.parse(yaml.replace("\\n", "\n"), "test")).as(what)
        .isInstanceOf(FlowchartException.class).hasMessageContaining(message);
  }

  @Test
  void parse_optionalNodeWithoutItsAnalyzer_isLeftOutWithWhatOnlyItLeadsTo() {
    String yaml = """
        start: [a]
        nodes:
          a:
            analyzer: rules
            next:
              - {to: judge, do: [review]}
              - {to: c}
          judge:
            analyzer: llm_judge
            optional: true
            next: [{to: after}]
          after: {analyzer: rules}
          c: {analyzer: rules}
        actions:
          review: {type: review}
        """;
    Flowchart without = PARSER.parse(yaml, "test");
    assertThat(without.nodes()).extracting(FlowNode::name).containsExactly("a", "c");
    assertThat(without.dropped()).containsExactlyInAnyOrder("judge", "after");
    assertThat(without.node("a").orElseThrow().edges().get(0).to()).as("the edge keeps its actions").isNull();
    assertThat(without.node("a").orElseThrow().edges().get(0).actions()).containsExactly("review");
    Flowchart with = new FlowchartParser(registry(true), Set.of()).parse(yaml, "test");
    assertThat(with.nodes()).extracting(FlowNode::name).containsExactly("a", "judge", "after", "c");
  }

  @Test
  void parseDefault_withAndWithoutJudge_loads() {
    Flowchart plain = PARSER.parseDefault();
    assertThat(plain.declaredVersion()).isEqualTo("default-1");
    assertThat(plain.dropped()).containsExactly("judge");
    assertThat(plain.nodes()).extracting(FlowNode::name)
        .containsExactly("triage", "rules", "conversation", "deep", "exemplars");
    Flowchart judged = new FlowchartParser(registry(true), Set.of()).parseDefault();
    assertThat(judged.nodes()).extracting(FlowNode::name).endsWith("judge");
  }
}
