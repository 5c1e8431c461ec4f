package dev.bulwark.classify.eval;

import static dev.bulwark.classify.eval.EvalItems.negative;
import static dev.bulwark.classify.eval.EvalItems.positive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final List<String> REQUIRED =
      List.of("n_positive", "n_negative", "auroc", "auprc", "recall_at_fpr", "threshold", "recall", "fpr", "f1");

  /**
   * Overall: the worked example (AUROC 11/12). Category "bio" holds two positives; "science" only
   * negatives (an over-refusal set); one positive and one negative have no category.
   */
  private static List<ScoredItem> items() {
    return List.of(
        positive("p1", "bio", 0.9),
        positive("p2", "bio", 0.8),
        positive("p3", null, 0.4),
        negative("n1", "science", 0.7),
        negative("n2", "science", 0.3),
        negative("n3", "", 0.2),
        negative("n4", "math", 0.1));
  }

  private static EvalReport report(List<ScoredItem> items) {
    return EvalReport.builder().items(items).threshold(0.5).overRefusalCategories(Set.of("science")).build();
  }

  private static JsonNode json(EvalReport r) throws Exception {
    return MAPPER.readTree(r.metricsJson());
  }

  @Test
  void metricsJson_anyData_hasStableShape() throws Exception {
    JsonNode root = json(report(items()));

    assertThat(fieldNames(root)).startsWith("overall", "categories");
    assertGroupShape(root.get("overall"));
    assertThat(fieldNames(root.get("categories"))).containsExactly("bio", "math", "science");
    root.get("categories").forEach(EvalReportTest::assertGroupShape);
  }

  private static void assertGroupShape(JsonNode g) {
    assertThat(fieldNames(g)).containsSubsequence(REQUIRED);
    assertThat(fieldNames(g.get("recall_at_fpr"))).containsExactly("0.001", "0.01", "0.05");
    for (String key : REQUIRED) {
      JsonNode v = g.get(key);
      if (!key.equals("recall_at_fpr")) {
        assertThat(v.isNumber() || v.isNull()).as(key + " is a number or null").isTrue();
      }
    }
    g.get("recall_at_fpr").forEach(v -> assertThat(v.isNumber() || v.isNull()).isTrue());
    assertThat(g.get("n_positive").isIntegralNumber()).isTrue();
  }

  @Test
  void metricsJson_overall_matchesHandComputedValues() throws Exception {
    JsonNode o = json(report(items())).get("overall");

    assertThat(o.get("n_positive").asInt()).isEqualTo(3);
    assertThat(o.get("n_negative").asInt()).isEqualTo(4);
    assertThat(o.get("auroc").asDouble()).isCloseTo(11.0 / 12, within(1e-12));
    assertThat(o.get("auprc").asDouble()).isCloseTo(11.0 / 12, within(1e-12));
    assertThat(o.get("threshold").asDouble()).isEqualTo(0.5);
    assertThat(o.get("recall").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(o.get("fpr").asDouble()).isCloseTo(0.25, within(1e-12));
    assertThat(o.get("f1").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
    // Four negatives: any flagged negative exceeds 5%, so the threshold sits above 0.7.
    assertThat(o.get("recall_at_fpr").get("0.05").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(o.get("threshold_at_fpr").get("0.05").asDouble()).isEqualTo(0.8);
  }

  @Test
  void metricsJson_categoryWithPositives_rankedAgainstAllNegatives() throws Exception {
    JsonNode bio = json(report(items())).get("categories").get("bio");

    assertThat(bio.get("n_positive").asInt()).isEqualTo(2);
    assertThat(bio.get("n_negative").asInt()).isEqualTo(4);
    assertThat(bio.get("negative_set").asText()).isEqualTo("all");
    assertThat(bio.get("auroc").asDouble()).isEqualTo(1.0);
    assertThat(bio.get("recall").asDouble()).isEqualTo(1.0);
    assertThat(bio.get("fpr").asDouble()).isCloseTo(0.25, within(1e-12));
    assertThat(bio.get("category_negatives").get("n").asInt()).isZero();
    assertThat(bio.get("category_negatives").get("fpr").isNull()).isTrue();
  }

  @Test
  void metricsJson_categoryWithOnlyNegatives_reportsOwnFprAndNullRanking() throws Exception {
    JsonNode science = json(report(items())).get("categories").get("science");

    assertThat(science.get("n_positive").asInt()).isZero();
    assertThat(science.get("n_negative").asInt()).isEqualTo(2);
    assertThat(science.get("negative_set").asText()).isEqualTo("category");
    assertThat(science.get("fpr").asDouble()).isEqualTo(0.5);
    assertThat(science.get("auroc").isNull()).isTrue();
    assertThat(science.get("auprc").isNull()).isTrue();
    assertThat(science.get("recall").isNull()).isTrue();
    assertThat(science.get("f1").isNull()).isTrue();
    assertThat(science.get("recall_at_fpr").get("0.01").isNull()).isTrue();
  }

  @Test
  void metricsJson_overRefusal_allNegativesAndAlarmingSubsetApart() throws Exception {
    JsonNode or = json(report(items())).get("over_refusal");

    assertThat(or.get("negatives").get("n").asInt()).isEqualTo(4);
    assertThat(or.get("negatives").get("rate").asDouble()).isEqualTo(0.25);
    assertThat(or.get("alarming_allowed").get("n").asInt()).isEqualTo(2);
    assertThat(or.get("alarming_allowed").get("flagged").asInt()).isEqualTo(1);
    assertThat(or.get("alarming_allowed").get("rate").asDouble()).isEqualTo(0.5);
    assertThat(or.get("alarming_allowed").get("categories").get(0).asText()).isEqualTo("science");
  }

  @Test
  void metricsJson_extras_countLabelsStagesAndEscalation() throws Exception {
    JsonNode root = json(report(items()));

    assertThat(root.get("labels").get("harmful").get("n").asInt()).isEqualTo(3);
    assertThat(root.get("labels").get("benign").get("flagged").asInt()).isEqualTo(1);
    // Scores above 0.3 escalated in the fixture: 0.9, 0.8, 0.4, 0.7.
    assertThat(root.get("escalation_rate").asDouble()).isCloseTo(4.0 / 7, within(1e-12));
    assertThat(root.get("by_stage").get("stage2").get("n").asInt()).isEqualTo(4);
    assertThat(root.get("latency_nanos").get("p50").asLong()).isEqualTo(1_000_000L);
    assertThat(root.has("streaming")).isFalse();
  }

  @Test
  void build_noItems_nullMetricsWithoutThrowing() throws Exception {
    EvalReport r = EvalReport.builder().items(List.of()).threshold(0.5).build();
    JsonNode o = json(r).get("overall");

    assertThat(o.get("n_positive").asInt()).isZero();
    assertThat(o.get("auroc").isNull()).isTrue();
    assertThat(o.get("auprc").isNull()).isTrue();
    assertThat(o.get("fpr").isNull()).isTrue();
    assertThat(json(r).get("latency_nanos").get("p99").isNull()).isTrue();
    assertThat(r.html()).contains("<svg");
  }

  @Test
  void build_onlyNegatives_rankingNullFprPresent() throws Exception {
    EvalReport r =
        EvalReport.builder().items(List.of(negative("a", null, 0.6), negative("b", null, 0.2))).threshold(0.5).build();
    JsonNode o = json(r).get("overall");

    assertThat(o.get("auroc").isNull()).isTrue();
    assertThat(o.get("recall").isNull()).isTrue();
    assertThat(o.get("fpr").asDouble()).isEqualTo(0.5);
    assertThat(r.html()).contains("not defined");
  }

  @Test
  void build_onlyPositives_rankingNullRecallPresent() throws Exception {
    EvalReport r =
        EvalReport.builder().items(List.of(positive("a", null, 0.6), positive("b", null, 0.2))).threshold(0.5).build();
    JsonNode o = json(r).get("overall");

    assertThat(o.get("auroc").isNull()).isTrue();
    assertThat(o.get("fpr").isNull()).isTrue();
    assertThat(o.get("recall").asDouble()).isEqualTo(0.5);
    assertThat(o.get("recall_at_fpr").get("0.001").isNull()).isTrue();
  }

  @Test
  void build_shuffledInput_identicalOutput() {
    List<ScoredItem> shuffled = new ArrayList<>(items());
    Collections.shuffle(shuffled, new Random(7));

    EvalReport a = report(items());
    EvalReport b = report(shuffled);

    assertThat(b.metricsJson()).isEqualTo(a.metricsJson());
    assertThat(b.html()).isEqualTo(a.html());
  }

  @Test
  void build_duplicateId_throwsNamingIt() {
    assertThatThrownBy(() -> report(List.of(negative("dup", null, 0.1), positive("dup", null, 0.9))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dup");
  }

  @Test
  void build_missingThresholdOrItems_throws() {
    assertThatThrownBy(() -> EvalReport.builder().items(items()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> EvalReport.builder().threshold(0.5).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("items");
  }

  @Test
  void threshold_outsideUnitIntervalOrSetTwice_throws() {
    assertThatThrownBy(() -> EvalReport.builder().threshold(1.2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EvalReport.builder().threshold(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EvalReport.builder().threshold(0.5).threshold(0.6))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("0.5");
  }

  @Test
  void overRefusalCategories_blank_throws() {
    assertThatThrownBy(() -> EvalReport.builder().overRefusalCategories(List.of(" ")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void html_itemTextWithMarkup_isEscaped() {
    List<ScoredItem> list = new ArrayList<>(items());
    list.add(EvalItems.item("x<1>", false, "<b>cat</b>", 0.95, "<script>alert(1)</script> & \"more\""));

    String html = report(list).html();

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("</html>");
    assertThat(html).doesNotContainIgnoringCase("<script");
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;");
    assertThat(html).contains("x&lt;1&gt;").contains("&lt;b&gt;cat&lt;/b&gt;").doesNotContain("<b>cat");
    // Self-contained: nothing loaded from elsewhere.
    assertThat(html).doesNotContain("src=", "href=", "url(", "@import", "<link");
  }

  @Test
  void html_longText_truncatedWithEllipsis() {
    List<ScoredItem> list = new ArrayList<>(items());
    list.add(EvalItems.item("long", false, null, 0.99, "a".repeat(500)));

    String html = report(list).html();

    assertThat(html).contains("a".repeat(HtmlReport.TEXT_LIMIT) + "\u2026").doesNotContain("a".repeat(HtmlReport.TEXT_LIMIT + 1));
  }

  @Test
  void html_worstFalsePositives_highestFirstTiesById() {
    List<ScoredItem> list = new ArrayList<>(items());
    list.add(negative("zz-tie", null, 0.75));
    list.add(negative("aa-tie", null, 0.75));

    String html = report(list).html();
    int section = html.indexOf("Worst false positives");

    assertThat(section).isPositive();
    assertThat(html.indexOf("aa-tie", section)).isLessThan(html.indexOf("zz-tie", section));
    assertThat(html.indexOf("zz-tie", section)).isLessThan(html.indexOf(">n1<", section));
  }

  @Test
  void html_deployedThreshold_highlightedInSweep() {
    String html = EvalReport.builder().items(items()).threshold(0.42).build().html();

    assertThat(html).contains("<tr class=\"deployed\"><td class=\"n\">0.42 (deployed)</td>");
  }

  @Test
  void streaming_someItemsStreamed_reportsTokensToFire() throws Exception {
    List<ScoredItem> list =
        List.of(
            EvalItems.streamed("s1", true, 4, 40),
            EvalItems.streamed("s2", true, 10, 20),
            EvalItems.streamed("s3", true, null, 30),
            EvalItems.streamed("s4", false, null, 50),
            EvalItems.streamed("s5", false, 7, 70));
    EvalReport r = EvalReport.builder().items(list).threshold(0.5).build();

    JsonNode s = json(r).get("streaming");

    assertThat(s.get("n").asInt()).isEqualTo(5);
    assertThat(s.get("total_tokens").asLong()).isEqualTo(210);
    assertThat(s.get("positives").get("fired").asInt()).isEqualTo(2);
    assertThat(s.get("positives").get("fire_rate").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
    // Nearest rank of {4, 10}: p50 is rank 1, p90 rank 2.
    assertThat(s.get("positives").get("tokens_to_fire").get("p50").asLong()).isEqualTo(4);
    assertThat(s.get("positives").get("tokens_to_fire").get("p90").asLong()).isEqualTo(10);
    assertThat(s.get("positives").get("fraction_to_fire").get("p90").asDouble()).isEqualTo(0.5);
    assertThat(s.get("negatives").get("fired").asInt()).isEqualTo(1);
    assertThat(s.get("per_token_nanos").get("p50").asLong()).isEqualTo(2_000L);
    assertThat(r.html()).contains("<h2>Streaming</h2>");
  }

  @Test
  void writeTo_newDirectory_writesMetricsReportAndScores(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("eval").resolve("run1");
    EvalReport r = report(items());

    r.writeTo(out);

    assertThat(Files.readString(out.resolve(EvalReport.METRICS_FILE), StandardCharsets.UTF_8)).isEqualTo(r.metricsJson());
    assertThat(Files.readString(out.resolve(EvalReport.REPORT_FILE), StandardCharsets.UTF_8)).isEqualTo(r.html());
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("metrics.json", "report.html", "scores.jsonl");
    }
    List<String> lines = Files.readAllLines(out.resolve(EvalReport.SCORES_FILE), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(r.items().size());
    com.fasterxml.jackson.databind.JsonNode first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
    ScoredItem item = r.items().get(0);
    assertThat(first.path("id").asText()).isEqualTo(item.id());
    assertThat(first.path("score").asDouble()).isEqualTo(item.score());
    assertThat(first.path("label").asText()).isEqualTo(item.label());
    assertThat(first.has("text")).isFalse();
  }

  @Test
  void rank_nearestRank_matchesDefinition() {
    assertThat(EvalReport.rank(4, 0.5)).isEqualTo(1);
    assertThat(EvalReport.rank(1, 0.99)).isZero();
    assertThat(EvalReport.rank(100, 0.99)).isEqualTo(98);
    assertThat(EvalReport.rank(10, 1.0)).isEqualTo(9);
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void metricsJson_jailbreakLines_detectionScoredByTheJailbreakProbabilityAlone() throws Exception {
    // Wrappers whose jailbreak probability is above every negative's jailbreak probability, while one
    // negative's other category scores higher than both overall (it would set a shared threshold).
    List<ScoredItem> items = List.of(
        wrapper("w1", 0.6), wrapper("w2", 0.5),
        EvalItems.negative("n1", null, 0.95), EvalItems.negative("n2", null, 0.1),
        EvalItems.negative("n3", null, 0.05), EvalItems.negative("n4", null, 0.0));

    JsonNode root = json(report(items));

    JsonNode d = root.get("jailbreak_detection");
    assertThat(d.get("n_positive").asInt()).isEqualTo(2);
    assertThat(d.get("n_negative").asInt()).isEqualTo(4);
    assertThat(d.get("auroc").asDouble()).isEqualTo(1.0);
    assertThat(d.get("recall_at_fpr").get("0.05").asDouble()).isEqualTo(1.0);
    // By the overall score the wrappers rank below a negative.
    assertThat(root.get("overall").get("auroc").asDouble()).isLessThan(1.0);
  }

  @Test
  void metricsJson_noJailbreakLines_noDetectionGroup() throws Exception {
    assertThat(json(report(items())).has("jailbreak_detection")).isFalse();
  }

  private static ScoredItem wrapper(String id, double jailbreak) {
    return new ScoredItem(id, "a wrapped request " + id, true, "jailbreak", null, jailbreak,
        dev.bulwark.classify.Probabilities.of(0, 0, 0, 0, jailbreak, 0), "stage1", "raw", false, 1_000L, null);
  }
}
