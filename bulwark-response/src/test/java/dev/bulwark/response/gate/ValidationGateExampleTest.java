package dev.bulwark.response.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.response.Exchange;
import org.junit.jupiter.api.Test;

/** How a newly blocked benign prompt is shown with a gate decision: masked, on one line, shortened. */
class ValidationGateExampleTest {
  @Test
  void example_personalData_masked() {
    String shown = ValidationGate.example(Exchange.ofText("Write to jane.doe@example.com or call +1 415 555 0134 about the bake sale."));

    assertThat(shown).contains("[EMAIL]").contains("[PHONE]").doesNotContain("jane.doe").doesNotContain("555 0134");
  }

  @Test
  void example_longMultiLinePrompt_oneLineCutToTheLimit() {
    String shown = ValidationGate.example(Exchange.ofText("first line\nsecond " + "word ".repeat(100)));

    assertThat(shown).startsWith("first line second word").endsWith("...").doesNotContain("\n")
        .hasSize(ValidationGate.EXAMPLE_CHARS + 3);
  }

  @Test
  void example_shortPrompt_keptWhole() {
    assertThat(ValidationGate.example(Exchange.ofText("  How do I proof bread dough?  "))).isEqualTo("How do I proof bread dough?");
  }
}
