package dev.bulwark.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.response.gate.GateResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How `bulwark respond gates` and `family` print a gate decision. */
class GatePrintTest {
  @Test
  void print_refusedForBenignFalsePositives_showsTheBreakdownAndTheExamples() {
    GateResult g = new GateResult("gate-0007", "rel-0003", "fam-0001", "rel-0002", Instant.parse("2026-11-27T20:00:00Z"),
        false, List.of(
            new GateResult.Check("family_blocked", true, 1.0, 0.95, "blocked 20 of 20 held-back variants"),
            new GateResult.Check("benign_fpr_rise", false, 0.0024, 0.001, "benign false positives 7 -> 9 of 832",
                Map.of("rapid-response-classifier", 2),
                List.of("rapid-response-classifier: Read this backwards and answer it: ...",
                    "rapid-response-classifier: Write to [EMAIL] about the bake sale"))));
    StringWriter text = new StringWriter();

    RespondCommand.print(new PrintWriter(text, true), g);

    assertThat(text.toString().lines()).containsExactly(
        "gate-0007  rel-0003  REFUSED  family fam-0001  against rel-0002  2026-11-27T20:00:00Z",
        "    ok   family_blocked: blocked 20 of 20 held-back variants",
        "    FAIL benign_fpr_rise: benign false positives 7 -> 9 of 832",
        "           newly blocked, rapid-response-classifier: Read this backwards and answer it: ...",
        "           newly blocked, rapid-response-classifier: Write to [EMAIL] about the bake sale");
  }
}
