package dev.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.core.policy.RateLimits;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input gets the client protocol's own error shape and status, never a stack trace,
 * and its request still gets its final event in the log.
 */
class BadInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static GatewayHarness h;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    h = GatewayHarness.start(s -> s.maxBodyBytes(4096), GatewayHarness.standardPolicy().build());
    key = h.newKey();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  private static final String OK_OPENAI = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void post_malformedJson_400InOpenAiShapeAndRecorded() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key, "{\"model\": \"sim-openai\", \"messages\": [");

    assertOpenAiError(r, 400, "invalid_request_error");
    assertRecorded(r, "rejected", 400);
  }

  @Test
  void post_wrongFieldType_400NamingTheField() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key, "{\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    JsonNode error = assertOpenAiError(r, 400, "invalid_request_error");
    assertThat(error.path("param").asText()).isEqualTo("model");
    assertRecorded(r, "rejected", 400);
  }

  @Test
  void post_wrongFieldTypeAnthropic_400InAnthropicShape() throws Exception {
    HttpResponse<String> r = h.post("/v1/messages", key, "{\"model\":\"sim-anthropic\",\"max_tokens\":\"many\",\"messages\":[]}");

    assertAnthropicError(r, 400, "invalid_request_error");
    assertRecorded(r, "rejected", 400);
  }

  @Test
  void post_invalidUtf8_400() throws Exception {
    byte[] body = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"bad \u0000\"}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    body[body.length - 5] = (byte) 0xC3;
    body[body.length - 4] = (byte) 0x28;
    HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());

    JsonNode error = assertOpenAiError(r, 400, "invalid_request_error");
    assertThat(error.path("message").asText()).contains("UTF-8");
    assertRecorded(r, "rejected", 400);
  }

  @Test
  void post_bodyOverLimitWithLength_413() throws Exception {
    String big = "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5000) + "\"}]}";

    HttpResponse<String> r = h.post("/v1/chat/completions", key, big);

    assertOpenAiError(r, 413, "invalid_request_error");
    assertRecorded(r, "rejected", 413);
  }

  @Test
  void post_bodyOverLimitChunked_413() throws Exception {
    byte[] big = ("{\"model\":\"sim-anthropic\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(9000) + "\"}]}").getBytes();
    HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(subscriber -> {
      HttpRequest.BodyPublishers.ofByteArray(big).subscribe(new Flow.Subscriber<ByteBuffer>() {
        @Override public void onSubscribe(Flow.Subscription s) { subscriber.onSubscribe(s); }
        @Override public void onNext(ByteBuffer item) { subscriber.onNext(item); }
        @Override public void onError(Throwable t) { subscriber.onError(t); }
        @Override public void onComplete() { subscriber.onComplete(); }
      });
    });
    HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/v1/messages"))
        .header("x-api-key", key).POST(chunked).build(), HttpResponse.BodyHandlers.ofString());

    assertAnthropicError(r, 413, "request_too_large");
    assertRecorded(r, "rejected", 413);
  }

  @Test
  void post_missingKey_401() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", null, OK_OPENAI);

    assertOpenAiError(r, 401, "authentication_error");
    assertRecorded(r, "rejected", 401);
  }

  @Test
  void post_unknownKey_401WithItsIdRecorded() throws Exception {
    String forged = "bwk_aaaaaaaaaaaaaaaa_" + "A".repeat(43);

    HttpResponse<String> r = h.post("/v1/messages", forged, "{}");

    assertAnthropicError(r, 401, "authentication_error");
    assertThat(assertRecorded(r, "rejected", 401)).contains("\"key_id\":\"aaaaaaaaaaaaaaaa\"").doesNotContain("AAAA");
  }

  @Test
  void post_keyCreatedAMomentAgoByAnotherProcess_admittedOnTheFirstRequest() throws Exception {
    // As `bulwark keys create` does from another process: straight into the store, no refresh of the
    // running gateway's directory, and the request at once.
    String fresh = new dev.bulwark.access.ApiKeys(h.store.keys(), java.time.Clock.systemUTC(),
        new java.security.SecureRandom()).create("acme", "standard", null, null, "test").token();

    HttpResponse<String> r = h.post("/v1/chat/completions", fresh, OK_OPENAI);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void post_rightIdWrongSecret_401() throws Exception {
    String wrong = key.substring(0, key.length() - 4) + "AAAA";

    assertOpenAiError(h.post("/v1/chat/completions", wrong, OK_OPENAI), 401, "authentication_error");
  }

  @Test
  void post_revokedKey_403() throws Exception {
    String revoked = h.newKey();
    h.revoke(revoked);

    HttpResponse<String> r = h.post("/v1/chat/completions", revoked, OK_OPENAI);

    assertOpenAiError(r, 403, "permission_error");
    assertRecorded(r, "rejected", 403);
  }

  @Test
  void post_expiredKey_403() throws Exception {
    String expiring = h.newKey(Duration.ofMillis(1));
    Thread.sleep(5);

    HttpResponse<String> r = h.post("/v1/messages", expiring, "{}");

    assertAnthropicError(r, 403, "permission_error");
    assertRecorded(r, "rejected", 403);
  }

  @Test
  void post_unknownModel_404() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key,
        "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    JsonNode error = assertOpenAiError(r, 404, "not_found_error");
    assertThat(error.path("param").asText()).isEqualTo("model");
    assertRecorded(r, "rejected", 404);
  }

  @Test
  void post_upstreamUnreachable_502() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key,
        "{\"model\":\"dead\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertOpenAiError(r, 502, "server_error");
    assertRecorded(r, "upstream_error", 502);
  }

  @Test
  void post_upstreamTimeout_504() throws Exception {
    HttpResponse<String> r = h.post("/v1/messages", key,
        "{\"model\":\"slow\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hang please\"}]}");

    assertAnthropicError(r, 504, "timeout_error");
    assertRecorded(r, "upstream_error", 504);
  }

  @Test
  void post_upstreamAnswers500_502WithItsMessage() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key,
        "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"upstream-500\"}]}");

    JsonNode error = assertOpenAiError(r, 502, "server_error");
    assertThat(error.path("message").asText()).contains("HTTP 500").contains("simulated failure");
    assertRecorded(r, "upstream_error", 502);
  }

  @Test
  void post_streamBreaksMidway_clientGetsErrorEventAndRecordSaysSo() throws Exception {
    HttpResponse<String> r = h.post("/v1/messages", key,
        "{\"model\":\"sim-openai\",\"max_tokens\":50,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"break-stream\"}]}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("event: error").doesNotContain("message_stop");
    String record = assertRecorded(r, "upstream_broken", 200);
    assertThat(record).contains("\"kind\":\"upstream_broken\"");
  }

  @Test
  void post_streamBreaksMidwayOpenAiClient_errorChunkAndNoDone() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key,
        "{\"model\":\"sim-anthropic\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"break-stream\"}]}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"error\"").doesNotContain("[DONE]");
    assertRecorded(r, "upstream_broken", 200);
  }

  @Test
  void post_overRateLimit_429WithRetryAfter() throws Exception {
    try (GatewayHarness limited = GatewayHarness.start(s -> {},
        GatewayHarness.standardPolicy().limits(new RateLimits(2, 0)).build())) {
      String k = limited.newKey();
      assertThat(limited.post("/v1/chat/completions", k, OK_OPENAI).statusCode()).isEqualTo(200);
      assertThat(limited.post("/v1/chat/completions", k, OK_OPENAI).statusCode()).isEqualTo(200);

      HttpResponse<String> r = limited.post("/v1/chat/completions", k, OK_OPENAI);

      assertOpenAiError(r, 429, "rate_limit_error");
      assertThat(r.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
      assertThat(limited.finalBody(r.headers().firstValue("x-request-id").orElseThrow())).contains("\"status\":429");
    }
  }

  @Test
  void post_overConcurrencyLimit_429() throws Exception {
    try (GatewayHarness limited = GatewayHarness.start(s -> {},
        GatewayHarness.standardPolicy().limits(new RateLimits(0, 1)).build())) {
      String k = limited.newKey();
      // A stream that stalls and never ends by itself holds the key's one slot until its client goes
      // away. Its headers are in once the gateway has admitted it, so no sleep has to guess when.
      HttpResponse<InputStream> held = limited.http.send(
          HttpRequest.newBuilder(URI.create(limited.baseUrl() + "/v1/chat/completions"))
              .header("authorization", "Bearer " + k)
              .POST(HttpRequest.BodyPublishers.ofString(
                  "{\"model\":\"sim-openai\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"say-bread-stall\"}]}"))
              .build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(held.statusCode()).isEqualTo(200);

      HttpResponse<String> r = limited.post("/v1/chat/completions", k, OK_OPENAI);

      assertOpenAiError(r, 429, "rate_limit_error");
      assertThat(r.headers().firstValue("retry-after")).isPresent();
      held.body().close();
      // The slot comes back once the gateway has seen the client go; poll rather than guess when.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int status = limited.post("/v1/chat/completions", k, OK_OPENAI).statusCode();
      while (status != 200 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        status = limited.post("/v1/chat/completions", k, OK_OPENAI).statusCode();
      }
      assertThat(status).as("admitted again once the held stream is gone").isEqualTo(200);
    }
  }

  @Test
  void get_unknownPath_404Json() throws Exception {
    HttpResponse<String> r = h.get("/v2/nothing");

    assertOpenAiError(r, 404, "not_found_error");
  }

  private static JsonNode assertOpenAiError(HttpResponse<String> r, int status, String type) throws Exception {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/json"));
    JsonNode body = JSON.readTree(r.body());
    JsonNode error = body.path("error");
    assertThat(error.path("type").asText()).isEqualTo(type);
    assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    return error;
  }

  private static JsonNode assertAnthropicError(HttpResponse<String> r, int status, String type) throws Exception {
    assertThat(r.statusCode()).isEqualTo(status);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.path("error").path("type").asText()).isEqualTo(type);
    assertThat(body.path("error").path("message").asText()).isNotBlank().doesNotContain("Exception");
    return body.path("error");
  }

  private static String assertRecorded(HttpResponse<String> r, String outcome, int status) throws Exception {
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    String body = h.finalBody(id);
    assertThat(body).contains("\"outcome\":\"" + outcome + "\"").contains("\"status\":" + status);
    return body;
  }
}
