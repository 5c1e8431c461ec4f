package dev.bulwark.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ConditionTest {
  static final Condition.Resolver RESOLVER = (node, field) -> switch (field) {
    case "score", "confidence" -> Condition.Type.NUMBER;
    case "category" -> Condition.Type.TEXT;
    case "labels" -> Condition.Type.TEXT_SET;
    case "finding", "failed", "ran" -> Condition.Type.BOOLEAN;
    default -> throw new IllegalArgumentException("unknown field '" + node + "." + field + "'");
  };

  static Condition.Input input(Map<String, NodeOutput> outputs, double risk, @Nullable String tier) {
    Exchange ex = new Exchange(1, "request.completed", "r", "acme", "acme", "k", tier, "m", Instant.EPOCH, "allow",
        "completed", List.of(), "", Map.of("retention", "hashes"));
    return new Condition.Input() {
      @Override
      public @Nullable NodeOutput output(String node) {
        return outputs.get(node);
      }

      @Override
      public double accountRisk() {
        return risk;
      }

      @Override
      public Exchange exchange() {
        return ex;
      }
    };
  }

  static NodeOutput out(double score, String category, String... labels) {
    NodeOutput.Builder b = NodeOutput.builder(score).category(category).value("confidence", score);
    for (String l : labels) {
      b.label(l);
    }
    if (score >= 0.5) {
      b.finding(new Finding(category, Severity.HIGH, score, "x"));
    }
    return b.build();
  }

  static boolean test(String condition, Condition.Input in) {
    return Condition.parse(condition, RESOLVER).test(in);
  }

  @Test
  void test_comparisonsLogicAndMembership_evaluateAsWritten() {
    Condition.Input in = input(Map.of("a", out(0.7, "cbrn.chemical", "dan")), 12, "standard");
    assertThat(test("a.score >= 0.7", in)).isTrue();
    assertThat(test("a.score > 0.7", in)).isFalse();
    assertThat(test("a.category == 'cbrn.chemical'", in)).isTrue();
    assertThat(test("a.category in ['cbrn.biological', 'cbrn.chemical']", in)).isTrue();
    assertThat(test("'dan' in a.labels and not ('dev_mode' in a.labels)", in)).isTrue();
    assertThat(test("a.finding and account.risk >= 10 and exchange.tier == 'standard'", in)).isTrue();
    assertThat(test("a.score < 0.1 or (a.confidence >= 0.6 and meta.retention == \"hashes\")", in)).isTrue();
    assertThat(test("a.failed", in)).isFalse();
    assertThat(test("exchange.turns == 0", in)).isTrue();
  }

  @Test
  void test_absentValues_neverSatisfyAComparison() {
    Condition.Input in = input(Map.of(), 0, null);
    assertThat(test("b.score < 0.5", in)).isFalse();
    assertThat(test("b.score != 0.5", in)).isFalse();
    assertThat(test("b.category != 'x'", in)).isFalse();
    assertThat(test("exchange.tier != 'standard'", in)).isFalse();
    assertThat(test("meta.nothing == 'x'", in)).isFalse();
    assertThat(test("b.ran", in)).isFalse();
    assertThat(test("not b.ran", in)).isTrue();
  }

  @Test
  void parse_errors_sayWhatAndWhere() {
    assertThatThrownBy(() -> Condition.parse("a.score = 1", RESOLVER)).hasMessageContaining("write '=='");
    assertThatThrownBy(() -> Condition.parse("a.score >= 1 and", RESOLVER)).hasMessageContaining("unexpected end");
    assertThatThrownBy(() -> Condition.parse("a.labels == 'x'", RESOLVER)).hasMessageContaining("only be used with 'in'");
    assertThatThrownBy(() -> Condition.parse("a.category > 'x'", RESOLVER)).hasMessageContaining("compares numbers");
    assertThatThrownBy(() -> Condition.parse("1 > 0", RESOLVER)).hasMessageContaining("two constants");
    assertThatThrownBy(() -> Condition.parse("a.score in ['x']", RESOLVER)).hasMessageContaining("number items only");
    assertThatThrownBy(() -> Condition.parse("account.age > 1", RESOLVER)).hasMessageContaining("account has: risk");
    assertThatThrownBy(() -> Condition.parse("exchange.user > 1", RESOLVER)).hasMessageContaining("exchange has:");
    assertThatThrownBy(() -> Condition.parse("a.score >= 1 b", RESOLVER)).hasMessageContaining("at column 14");
    assertThatThrownBy(() -> Condition.parse("score >= 1", RESOLVER)).hasMessageContaining("is not a reference");
    assertThatThrownBy(() -> Condition.parse("a.score >= 'x", RESOLVER)).hasMessageContaining("unterminated");
  }

  @Property
  void test_threshold_matchesTheComparison(@ForAll @DoubleRange(min = 0, max = 1) double score,
      @ForAll @DoubleRange(min = 0, max = 1) double threshold) {
    Condition c = Condition.parse("a.score >= " + threshold, RESOLVER);
    assertThat(c.test(input(Map.of("a", out(score, "jailbreak")), 0, null))).isEqualTo(score >= threshold);
  }
}
