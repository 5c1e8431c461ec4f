package dev.bulwark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode cell(String system, boolean stream, int c, double rps, double ttftP99, double totalP99) {
    ObjectNode n = JSON.createObjectNode();
    n.put("system", system).put("stream", stream).put("concurrency", c).put("throughput_rps", rps);
    n.put("error_count", 0);
    n.putObject("ttft_ms").put("p50", ttftP99 / 2).put("p99", ttftP99);
    n.putObject("total_ms").put("p50", totalP99 / 2).put("p99", totalP99).put("max", totalP99 + 1);
    return n;
  }

  private static List<ObjectNode> cells(double phraseTotalP99, double phraseRps) {
    List<ObjectNode> cells = new ArrayList<>(List.of(
        cell("bulwark-phrase", true, 64, phraseRps, phraseTotalP99, phraseTotalP99),
        cell("portkey", true, 64, 1000, 50, 50),
        cell("direct", true, 64, 5000, 10, 10),
        cell("direct", true, 1, 5000, 1, 1),
        cell("bulwark-phrase", true, 1, 900, 2, 2)));
    cells.sort(Report.CELL_ORDER);
    return cells;
  }

  @Test
  void build_addedLatency_isSystemMinusDirectAtTheSameConcurrency() {
    ObjectNode r = Report.build(cells(11.5, 2500), JSON.createObjectNode(), "cmd");

    assertThat(r.path("cells").get(0).path("system").asText()).isEqualTo("direct");
    ObjectNode added = (ObjectNode) r.path("added_latency_ms").findParent("total_p99");
    assertThat(r.path("added_latency_ms")).hasSize(3);
    assertThat(added).isNotNull();
    assertThat(r.path("added_latency_ms").toString()).contains("\"total_p99\":1.5");
    assertThat(r.path("targets").path("bulwark_phrase_added_p99_c64_stream").path("met").asBoolean()).isTrue();
    assertThat(r.path("targets").path("bulwark_phrase_over_portkey_throughput").path("ratio_c64_stream").asDouble())
        .isEqualTo(2.5);
    assertThat(r.path("targets").path("bulwark_phrase_over_portkey_throughput").path("met").asBoolean()).isTrue();
  }

  @Test
  void build_slowAndLowThroughput_targetsNotMet() {
    ObjectNode r = Report.build(cells(30, 1500), JSON.createObjectNode(), "cmd");

    assertThat(r.path("targets").path("bulwark_phrase_added_p99_c64_stream").path("met").asBoolean()).isFalse();
    assertThat(r.path("targets").path("bulwark_phrase_over_portkey_throughput").path("met").asBoolean()).isFalse();
    String md = Report.markdown(r);
    assertThat(md).contains("**not met**").contains("| bulwark-phrase | stream | 64 |");
  }

  @Test
  void build_noPortkey_throughputTargetNotMeasured() {
    List<ObjectNode> cells = new ArrayList<>(cells(11, 2000));
    cells.removeIf(c -> c.path("system").asText().equals("portkey"));
    ObjectNode r = Report.build(cells, JSON.createObjectNode(), "cmd");

    assertThat(r.path("targets").path("bulwark_phrase_over_portkey_throughput").path("met").isNull()).isTrue();
    assertThat(Report.markdown(r)).contains("not measured");
  }
}
