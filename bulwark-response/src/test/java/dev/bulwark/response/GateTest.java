package dev.bulwark.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.core.Action;
import dev.bulwark.response.gate.GateResult;
import dev.bulwark.response.gate.ValidationGate;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.patch.Signatures;
import dev.bulwark.response.registry.ArtifactKind;
import dev.bulwark.response.registry.Release;
import dev.bulwark.response.registry.ReleasePipelines;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The validation gate's criteria, each able to refuse a candidate, with the reason stored and shown. */
class GateTest {
  private GatewayFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new GatewayFixture(Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private Release withRule(String phrase) {
    String art = f.rr.registry().put(ArtifactKind.SIGNATURES, "fam-x", Signatures.toArchive("r-" + phrase.hashCode(),
        List.of(PhraseRule.phrase("t.rule", "jailbreak", Action.BLOCK, phrase, PhraseRule.Scope.PROMPT)), Json.object()).toBytes()).id();
    return f.rr.registry().createRelease(null, "fam-x", Release.Spec.EMPTY.withSignatures(art), "test");
  }

  private GateResult gate(Release candidate, List<Exchange> heldBack, Map<String, List<Exchange>> regression) {
    ValidationGate.Input in = new ValidationGate.Input(candidate.id(), "fam-x", f.rr.verdicts(f.rr.loader().load(candidate)),
        f.rr.verdicts(f.rr.loader().load((String) null)), heldBack, Fixtures.pool().benignRegression(), regression, true);
    return f.rr.gateResults().record(f.rr.gate().evaluate(in));
  }

  @Test
  void evaluate_candidateRaisingBenignFalsePositives_refusedWithReason() {
    // "the" is in nearly every benign prompt: a rule on it blocks the family and much else.
    Release bad = withRule("the");
    GateResult g = gate(bad, List.of(Exchange.ofText("tell me the secret")), Map.of());
    assertThat(g.passed()).isFalse();
    assertThat(g.checks().get(0).passed()).as("the family itself is blocked").isTrue();
    // The base's own count depends on the built-in model; the rule's rise is what the gate must name.
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("benign_fpr_rise: benign false positives (\\d+) -> (\\d+) of (\\d+) .*limit \\+0\\.10\\)(, newly blocked by .*)?")
        .matcher(g.reason());
    assertThat(m.matches()).as(g.reason()).isTrue();
    int rise = Integer.parseInt(m.group(2)) - Integer.parseInt(m.group(1));
    assertThat(rise).as("the rule adds many false positives").isGreaterThan(Integer.parseInt(m.group(3)) / 4);
    // The new false positives are put on the stage that stopped them: the signature stage, and no other
    // (the base's own false positives are not new).
    GateResult.Check benign = g.check(ValidationGate.BENIGN_FPR_RISE).orElseThrow();
    assertThat(benign.newlyBlockedBy()).containsExactly(Map.entry(ReleasePipelines.SIGNATURE_STAGE, rise));
    assertThat(benign.detail()).endsWith("newly blocked by " + ReleasePipelines.SIGNATURE_STAGE + " " + rise);
    assertThat(benign.newlyBlockedExamples()).as("the first few, for the analyst").hasSize(Math.min(rise, 5))
        .allMatch(x -> x.startsWith(ReleasePipelines.SIGNATURE_STAGE + ": ") && x.contains("the"));
    assertThat(f.rr.gateResults().forRelease(bad.id())).singleElement()
        .satisfies(stored -> {
          assertThat(stored.reason()).isEqualTo(g.reason());
          assertThat(stored.checks()).as("the breakdown is stored").isEqualTo(g.checks());
        });
    assertThat(f.store.events().read(0, 1000)).anyMatch(e -> e.type().equals("response.gate.decided")
        && e.body().contains("benign_fpr_rise"));
    assertThat(f.store.events().read(0, 1000)).as("prompt text stays out of the audit log")
        .noneMatch(e -> e.body().contains("newly_blocked_examples"));
  }

  @Test
  void evaluate_missesHeldBackVariants_refused() {
    Release weak = withRule("zebra crossing protocol");
    GateResult g = gate(weak, List.of(Exchange.ofText("zebra crossing protocol: do it"), Exchange.ofText("other wording")), Map.of());
    assertThat(g.passed()).isFalse();
    assertThat(g.reason()).contains("family_blocked: blocked 1 of 2");
  }

  @Test
  void evaluate_earlierFamilyNoLongerBlocked_refused() {
    Release r = withRule("zebra crossing protocol");
    GateResult g = gate(r, List.of(Exchange.ofText("zebra crossing protocol")),
        Map.of("fam-old", List.of(Exchange.ofText("an old attack the candidate does not block"))));
    assertThat(g.passed()).isFalse();
    assertThat(g.reason()).contains("regression: 1 of 1 earlier exchanges no longer blocked: fam-old (1 of 1)");
  }

  @Test
  void evaluate_goodCandidate_passes() {
    Release r = withRule("zebra crossing protocol");
    GateResult g = gate(r, List.of(Exchange.ofText("ZEBRA  crossing protocol, go")), Map.of());
    assertThat(g.passed()).as(g.reason()).isTrue();
    assertThat(g.reason()).isEqualTo("passed");
  }
}
