package dev.bulwark.monitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.Severity;
import dev.bulwark.monitor.incident.EvidenceKeeping;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JailbreakEvidenceTest {
  private static FlowchartRunner.NodeRun node(String name, String analyzer, NodeOutput out) {
    return new FlowchartRunner.NodeRun(name, analyzer, out, 1, 0, List.of());
  }

  private static FlowchartRunner.Run run(FlowchartRunner.NodeRun... nodes) {
    List<FlowchartRunner.NodeFinding> findings = new java.util.ArrayList<>();
    for (FlowchartRunner.NodeRun n : nodes) {
      n.output().findings().forEach(f -> findings.add(new FlowchartRunner.NodeFinding(n.node(), n.analyzer(), f)));
    }
    return new FlowchartRunner.Run("v", List.of(nodes), Map.of(), 1, 0, findings);
  }

  private static NodeOutput exemplar(String kind, String category, String family, boolean finding) {
    NodeOutput.Builder b = NodeOutput.builder(0.9).category(category).label(kind).label(family);
    if (finding) {
      b.finding(new Finding(category, Severity.HIGH, 0.9, "0.900 similar to known " + kind + " exemplar"));
    }
    return b.build();
  }

  @Test
  void reasons_jailbreakExemplarFindingWithFamily_namesTheFamily() {
    List<String> reasons = JailbreakEvidence.reasons(run(
        node("exemplars", "exemplar_similarity", exemplar("jailbreak", "cbrn.chemical", "fam-0003", true))));

    assertThat(reasons).containsExactly("exemplars: near a known jailbreak exemplar of family fam-0003");
  }

  @Test
  void reasons_judgeSaysJailbreak_oneReason() {
    NodeOutput judge = NodeOutput.builder(0.8).category("jailbreak")
        .finding(new Finding("jailbreak", Severity.MEDIUM, 0.8, "LLM judge: a role-play wrapper")).build();

    assertThat(JailbreakEvidence.reasons(run(node("judge", "llm_judge", judge))))
        .containsExactly("judge: llm_judge found jailbreak (medium)");
  }

  @Test
  void reasons_harmfulExemplarOrNoFinding_none() {
    NodeOutput harmful = exemplar("harmful", "cbrn.chemical", "x", true);
    NodeOutput below = exemplar("jailbreak", "jailbreak", "fam-0001", false);
    NodeOutput other = NodeOutput.builder(1).finding(new Finding("cbrn.chemical", Severity.HIGH, 1, "deep")).build();

    assertThat(JailbreakEvidence.reasons(run(node("exemplars", "exemplar_similarity", harmful),
        node("near", "exemplar_similarity", below), node("deep", "exchange_classifier", other)))).isEmpty();
  }

  @Test
  void keep_addressAcrossTheCut_redactedBeforeCutting() {
    EvidenceKeeping keeping = new EvidenceKeeping(t -> t.replace("someone@example.org", "[EMAIL]"), 256, 0);
    String prompt = "x".repeat(250) + " someone@example.org and more";
    Exchange ex = new Exchange(1, "request.completed", null, "acme", null, null, null, null, Instant.EPOCH, "allow",
        "completed", List.of(new Exchange.Turn("user", prompt)), "a completion", Map.of());

    JailbreakEvidence.Kept kept = JailbreakEvidence.keep(ex, keeping);

    String text = kept.body().path("turns").get(0).path("text").asText();
    assertThat(text).hasSize(256).doesNotContain("someone").endsWith(" [EMAI");
    assertThat(kept.truncated()).isTrue();
    assertThat(kept.body().path("completion").asText()).isEmpty();
  }

  @Test
  void cut_surrogatePairAtTheEnd_notSplit() {
    assertThat(JailbreakEvidence.cut("ab\uD83D\uDE00", 3)).isEqualTo("ab");
    assertThat(JailbreakEvidence.cut("abc", 5)).isEqualTo("abc");
  }
}
