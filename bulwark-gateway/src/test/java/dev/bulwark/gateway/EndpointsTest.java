package dev.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EndpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static GatewayHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = GatewayHarness.start();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  @Test
  void healthz_running_ok() throws Exception {
    HttpResponse<String> r = h.get("/healthz");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void readyz_running_readyWithEventLogState() throws Exception {
    HttpResponse<String> r = h.get("/readyz");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).has("event_log_head")).isTrue();
  }

  @Test
  void models_openAiShape_listsEveryRoute() throws Exception {
    JsonNode body = JSON.readTree(h.get("/v1/models").body());

    assertThat(body.path("object").asText()).isEqualTo("list");
    assertThat(body.path("data").findValuesAsText("id")).contains("sim-openai", "sim-anthropic", "dead", "slow");
    assertThat(body.path("data").get(0).path("bulwark").path("simulated").asBoolean()).isFalse();
  }

  @Test
  void models_anthropicVersionHeader_anthropicShape() throws Exception {
    HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/v1/models"))
        .header("anthropic-version", "2023-06-01").GET().build(), HttpResponse.BodyHandlers.ofString());

    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("data").get(0).path("type").asText()).isEqualTo("model");
    assertThat(body.path("has_more").asBoolean(true)).isFalse();
  }

  @Test
  void metrics_afterTraffic_exposesRequestVerdictAndLatencySeries() throws Exception {
    String key = h.newKey();
    h.post("/v1/chat/completions", key, StreamingHaltTest.openAi("metrics please", true));
    h.post("/v1/chat/completions", key, StreamingHaltTest.openAi("say-forbidden", true));

    String metrics = h.get("/metrics").body();

    assertThat(metrics)
        .contains("bulwark_requests_total{")
        .contains("outcome=\"halted\"")
        .contains("bulwark_verdicts_total{")
        .contains("bulwark_stage_latency_seconds_bucket{")
        .contains("bulwark_upstream_latency_seconds_bucket{")
        .contains("bulwark_time_to_first_token_seconds_bucket{")
        .contains("bulwark_halts_total{")
        .contains("bulwark_tokens_total{")
        .doesNotContain(key);
  }

  @Test
  void chatEndpoint_get_405() throws Exception {
    HttpResponse<String> r = h.get("/v1/chat/completions");

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("allow")).contains("POST");
  }
}
