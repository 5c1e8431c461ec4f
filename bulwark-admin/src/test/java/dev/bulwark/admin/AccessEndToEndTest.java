package dev.bulwark.admin;

import static dev.bulwark.admin.AdminHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.access.ApiKeys;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.core.Action;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.RateLimits;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewaySettings;
import dev.bulwark.gateway.Route;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.gateway.UpstreamSpec;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.simulator.SimulatedUpstream;
import dev.bulwark.simulator.SimulatorConfig;
import dev.bulwark.store.StoredEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access controls end to end: a partner's application goes through the admin API, and the real
 * gateway, in front of the simulated model, applies the adjusted tier to the partner's requests for
 * exactly the grant's window. The standard policy enforces the phrase stage (the test phrase is
 * blocked) and allows 3 requests a minute per key; the vetted policy runs the stage in monitor mode
 * (the phrase is flagged, the request served) and allows 6000. The gateway's ticker (its rate
 * limiter's time) and the key directory's clock are the test's, so nothing depends on timing.
 */
class AccessEndToEndTest {
  static final String PROMPT = "{\"model\": \"sim\", \"messages\": [{\"role\": \"user\","
      + " \"content\": \"please repeat the forbidden words\"}]}";

  @TempDir Path dir;
  Vertx vertx;
  AdminHarness h;
  SimulatedUpstream simulator;
  Gateway gateway;
  String apiKey;
  final AtomicLong nanos = new AtomicLong();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Policy standard = Policy.builder("standard").limits(new RateLimits(3, 8)).build();
    Policy vetted = Policy.builder("vetted").limits(new RateLimits(6000, 64))
        .stage("phrases", new StagePolicy(StageMode.MONITOR, FailureMode.CLOSED, Duration.ofSeconds(2)))
        .build();
    h = new AdminHarness(dir, vertx, Map.of("standard", standard, "vetted", vetted));
    simulator = SimulatedUpstream.start(vertx, SimulatorConfig.builder().build()).await();
    PhraseStage phrases = new PhraseStage("phrases", List.of(
        PhraseRule.phrase("forbidden", "test", Action.BLOCK, "forbidden words", PhraseRule.Scope.BOTH)));
    gateway = Gateway.builder()
        .vertx(vertx)
        .settings(GatewaySettings.builder()
            .port(0)
            .eventLoops(1)
            .upstream(UpstreamSpec.builder("sim").protocol(Protocol.OPENAI)
                .baseUrl(URI.create(simulator.baseUrl())).build())
            .route(new Route("*", "sim", "*"))
            .policy(standard)
            .policy(vetted)
            .build())
        .pipeline(SafeguardPipeline.builder().prompt(phrases).streaming(phrases).build(Runnable::run, Ticker.system()))
        .keys(h.directory)
        .events(h.store.events())
        .metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .clock(h.clock)
        .ticker(nanos::get)
        .build();
    gateway.start().await();
    apiKey = new ApiKeys(h.store.keys(), h.clock, new SecureRandom())
        .create("acme", "standard", null, null, "test").token();
    h.directory.refresh();
  }

  @AfterEach
  void stop() {
    gateway.close();
    simulator.close().await();
    h.close();
    vertx.close().await();
  }

  private HttpResponse<String> chat() throws Exception {
    return h.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(20))
        .header("authorization", "Bearer " + apiKey)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(PROMPT))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request a minute after the previous one: the rate limiter's bucket is full again. */
  private HttpResponse<String> fresh() throws Exception {
    nanos.addAndGet(TimeUnit.MINUTES.toNanos(1));
    return chat();
  }

  /** The policy name the gateway recorded for a request (waits for its final event). */
  private String recordedPolicy(HttpResponse<String> response) throws Exception {
    String id = response.headers().firstValue("x-request-id").orElseThrow();
    for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < deadline; ) {
      for (StoredEvent e : h.store.events().forRequest(id)) {
        if (e.type().equals("request.completed") || e.type().equals("request.rejected")) {
          return AdminHarness.JSON.readTree(e.body()).at("/policy/name").asText();
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no final event for " + id);
  }

  @Test
  void vettedOrganization_adjustedDuringTheGrant_standardASecondAfterExpiry() throws Exception {
    assertThat(gateway.port()).as("the admin plane has its own port").isNotEqualTo(h.server.port());
    HttpResponse<String> before = fresh();
    assertThat(before.headers().firstValue("x-bulwark-action")).contains("block");
    assertThat(recordedPolicy(before)).isEqualTo("standard");

    String app = json(h.post("/admin/v1/applications", h.contact, AdminHarness.application("1d"))).get("id").asText();
    h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer1, AdminHarness.review("approve", "Known lab"));
    JsonNode approved = json(h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer2,
        AdminHarness.review("approve", "Sound plan")));
    Instant expiresAt = Instant.parse(approved.at("/grant/expires_at").asText());

    HttpResponse<String> during = fresh();
    assertThat(during.statusCode()).isEqualTo(200);
    assertThat(during.headers().firstValue("x-bulwark-action")).isEmpty();
    assertThat(json(during).at("/choices/0/message/content").asText()).contains("forbidden words");
    assertThat(recordedPolicy(during)).isEqualTo("vetted");

    h.clock.set(expiresAt.minusSeconds(1));
    assertThat(recordedPolicy(fresh())).as("a second before expiry").isEqualTo("vetted");

    h.clock.set(expiresAt.plusSeconds(1));
    HttpResponse<String> after = fresh();
    assertThat(after.headers().firstValue("x-bulwark-action")).contains("block");
    assertThat(recordedPolicy(after)).isEqualTo("standard");
  }

  @Test
  void revokedGrant_standardOnTheNextRequest() throws Exception {
    String app = json(h.post("/admin/v1/applications", h.contact, AdminHarness.application("7d"))).get("id").asText();
    h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer1, AdminHarness.review("approve", "Known lab"));
    String grant = json(h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer2,
        AdminHarness.review("approve", "Sound plan"))).at("/grant/id").asText();
    assertThat(recordedPolicy(chat())).isEqualTo("vetted");

    h.post("/admin/v1/grants/" + grant + "/revoke", h.analyst, "{\"reason\": \"Agreement suspended\"}");

    assertThat(chat().headers().firstValue("x-bulwark-action")).contains("block");
  }

  @Test
  void rateLimit_standardAnswers429WithRetryAfter_grantRaisesIt() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(chat().statusCode()).isEqualTo(200);
    }
    HttpResponse<String> limited = chat();
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("retry-after")).hasValueSatisfying(
        v -> assertThat(Long.parseLong(v)).isPositive());
    assertThat(json(limited).at("/error/type").asText()).isEqualTo("rate_limit_error");

    String app = json(h.post("/admin/v1/applications", h.contact, AdminHarness.application("1d"))).get("id").asText();
    h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer1, AdminHarness.review("approve", "Known lab"));
    h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer2, AdminHarness.review("approve", "Sound plan"));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));

    assertThat(chat().statusCode()).as("6000 a minute refills 100 in a second").isEqualTo(200);
  }
}
