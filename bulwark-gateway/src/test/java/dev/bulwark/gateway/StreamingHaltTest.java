package dev.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.simulator.RecordedRequest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Halts through the real gateway, on every kind of streamed content, and what the gateway does to the
 * upstream and the record when a stream stops early.
 */
class StreamingHaltTest {
  private static GatewayHarness h;
  private static String key;

  @BeforeAll
  static void start() throws Exception {
    h = GatewayHarness.start();
    key = h.newKey();
  }

  @AfterAll
  static void stop() throws Exception {
    h.close();
  }

  @Test
  void stream_textCrossesPhrase_contentFilterNothingOfThePhraseAndRecordSaysHalt() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key, openAi("say-forbidden", true));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"finish_reason\":\"content_filter\"").endsWith("data: [DONE]\n\n");
    assertThat(released(r.body())).isEqualTo("Sure. Here it is, as asked: the ");
    String record = h.finalBody(requestId(r));
    assertThat(record).contains("\"outcome\":\"halted\"").contains("\"action\":\"halt\"")
        .contains("\"reason\":\"forbidden\"").contains("\"released_chars\":32");
  }

  @Test
  void stream_toolArgumentsCrossPhrase_halted() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key, openAi("tool-forbidden", true));

    assertThat(r.body()).contains("content_filter").doesNotContain("forbidden");
    assertThat(h.finalBody(requestId(r))).contains("\"outcome\":\"halted\"");
  }

  @Test
  void stream_thinkingCrossesPhrase_haltedBeforeAnyOfIt() throws Exception {
    HttpResponse<String> r = h.post("/v1/messages", key, anthropic("think-forbidden", true));

    assertThat(r.body()).contains("\"stop_reason\":\"refusal\"").contains("event: message_stop")
        .doesNotContain("forbidden");
    assertThat(h.finalBody(requestId(r))).contains("\"outcome\":\"halted\"");
  }

  @Test
  void whole_completionCrossesPhrase_refusalWithoutContent() throws Exception {
    HttpResponse<String> r = h.post("/v1/messages", key, anthropic("say-forbidden", false));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"stop_reason\":\"refusal\"").doesNotContain("Sure").doesNotContain("forbidden")
        .contains("declined by the deployment's safeguards");
    assertThat(r.headers().firstValue("x-bulwark-action")).contains("halt");
  }

  @Test
  void stream_halt_cancelsTheUpstreamStream() throws Exception {
    long before = h.simulator.stats().streamsCancelled();

    // The upstream stalls after the phrase and never ends the stream by itself, so the count can only
    // move if the halt cancels it (with "say-forbidden" the stream ends 30 ms after the phrase, and a
    // slow cancellation would find it already complete).
    HttpResponse<String> r = h.post("/v1/chat/completions", key, openAi("say-forbidden-stall", true));

    assertThat(r.body()).contains("content_filter");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (h.simulator.stats().streamsCancelled() == before && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(h.simulator.stats().streamsCancelled()).isGreaterThan(before);
  }

  @Test
  void stream_flagRule_streamsOnAndRecordsTheFlag() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key, openAi("please flag me", true));

    assertThat(r.body()).contains("please flag me".split(" ")[0]).contains("[DONE]");
    assertThat(h.finalBody(requestId(r))).contains("\"action\":\"flag\"").contains("\"outcome\":\"completed\"");
  }

  @Test
  void stream_clientDisconnects_upstreamCancelledAndRecorded() throws Exception {
    long cancelledBefore = h.simulator.stats().streamsCancelled();
    HttpResponse<InputStream> r = h.http.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + key)
        // A stream that stalls and never ends by itself: only the client going away can end it.
        .POST(HttpRequest.BodyPublishers.ofString(openAi("say-bread-stall", true))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = r.body();
    byte[] first = new byte[64];
    assertThat(body.read(first)).isPositive();
    body.close();

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (h.simulator.stats().streamsCancelled() == cancelledBefore && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(h.simulator.stats().streamsCancelled()).isGreaterThan(cancelledBefore);
    assertThat(h.finalBody(requestId(r))).contains("\"outcome\":\"client_disconnected\"");
  }

  @Test
  void prompt_blocked_neverReachesTheUpstream() throws Exception {
    long before = h.simulator.stats().requests("/v1/chat/completions") + h.simulator.stats().requests("/v1/messages");

    HttpResponse<String> r = h.post("/v1/chat/completions", key, openAi("write the Forbidden   Words", true));

    assertThat(r.body()).contains("content_filter").contains("[DONE]");
    assertThat(r.headers().firstValue("x-bulwark-action")).contains("block");
    long after = h.simulator.stats().requests("/v1/chat/completions") + h.simulator.stats().requests("/v1/messages");
    assertThat(after).isEqualTo(before);
    assertThat(h.finalBody(requestId(r))).contains("\"outcome\":\"blocked\"").contains("\"action\":\"block\"");
  }

  @Test
  void forward_sendsUpstreamKeyTraceparentAndUpstreamModel() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(URI.create(h.baseUrl() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + key)
        .header("traceparent", "00-" + trace + "-00f067aa0ba902b7-01")
        .POST(HttpRequest.BodyPublishers.ofString(openAi("trace me", false))).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    List<RecordedRequest> seen = h.simulator.requests();
    RecordedRequest last = seen.get(seen.size() - 1);
    assertThat(last.header("traceparent")).startsWith("00-" + trace + "-").doesNotContain("00f067aa0ba902b7");
    assertThat(last.header("authorization")).endsWith("cret").doesNotContain("bwk_");
    assertThat(last.body().toString()).contains("upstream-gpt");
    assertThat(h.finalBody(requestId(r))).contains("\"trace_id\":\"" + trace + "\"");
  }

  @Test
  void record_keepsHashesNotText_whenRetentionIsHashes() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", key, openAi("a private prompt about my taxes", false));

    String record = h.finalBody(requestId(r));
    assertThat(record).doesNotContain("taxes").contains("\"sha256\"");
    assertThat(h.store.events().forRequest(requestId(r)).get(0).type()).isEqualTo("request.received");
  }

  private static String released(String sse) {
    StringBuilder sb = new StringBuilder();
    var m = java.util.regex.Pattern.compile("\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(sse);
    while (m.find()) {
      sb.append(m.group(1));
    }
    return sb.toString();
  }

  static String requestId(HttpResponse<?> r) {
    return r.headers().firstValue("x-request-id").orElseThrow();
  }

  static String openAi(String prompt, boolean stream) {
    return "{\"model\":\"sim-openai\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + prompt + "\"}]}";
  }

  static String anthropic(String prompt, boolean stream) {
    return "{\"model\":\"sim-anthropic\",\"max_tokens\":100,\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
  }
}
