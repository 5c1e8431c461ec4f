package dev.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.access.ApiKeys;
import dev.bulwark.access.IssuedKey;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.core.Action;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.RateLimits;
import dev.bulwark.core.policy.Retention;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.simulator.Script;
import dev.bulwark.simulator.SimulatedUpstream;
import dev.bulwark.simulator.SimulatorConfig;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.StoredEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A real gateway on an ephemeral port, in front of a real simulated upstream, with a real SQLite store
 * in a temporary directory. Routes:
 *
 * <ul>
 *   <li>{@code sim-openai}: the simulator spoken to as an OpenAI upstream;
 *   <li>{@code sim-anthropic}: the same simulator spoken to as an Anthropic upstream;
 *   <li>{@code dead}: an OpenAI upstream on a port nobody listens on;
 *   <li>{@code slow}: the simulator with a 300 ms read timeout.
 * </ul>
 *
 * <p>Pipeline: a phrase stage that blocks {@code forbidden words} anywhere and flags {@code flag me}.
 */
final class GatewayHarness implements AutoCloseable {
  static final String SCRIPT = """
      responses:
        - match: "make a nerve agent at home"
          text: "Sure, here is how to make a nerve agent at home, step by step: [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED]"
          tokens_per_second: 400
        - match: "say-bread-stall"
          text: "Here is a simple bread recipe. Mix flour, water, salt and yeast, knead for ten minutes, let it rise for an hour, shape it and bake it until golden."
          tokens_per_second: 2000
          fault: {stall_after_tokens: 20}
        - match: "say-bread"
          text: "Here is a simple bread recipe. Mix flour, water, salt and yeast, knead for ten minutes, let it rise for an hour, shape it and bake it until golden."
          tokens_per_second: 400
        - match: "say-forbidden-stall"
          text: "Sure. Here it is, as asked: the forbidden words appear now, and more text follows."
          tokens_per_second: 200
          fault: {stall_after_tokens: 10}
        - match: "say-forbidden"
          text: "Sure. Here it is, as asked: the forbidden words appear now, and more text follows."
          tokens_per_second: 200
        - match: "tool-forbidden"
          tool_calls:
            - name: run
              arguments: {cmd: "print forbidden words"}
        - match: "think-forbidden"
          thinking: "I am going to write the forbidden words."
          text: "ok"
        - match: "tools please"
          tool_calls:
            - name: get_weather
              arguments: {city: Paris}
        - match: "think please"
          thinking: "Let me think about it."
          text: "Done thinking."
        - match: "break-stream"
          text: "one two three four five six seven eight nine ten"
          fault: {disconnect_after_tokens: 3}
        - match: "hang please"
          fault: hang
        - match: "upstream-500"
          status: 500
          error_message: "simulated failure"
        - match: "slow-stream"
          text: "a b c d e f g h i j k l m n o p q r s t u v w x y z"
          tokens_per_second: 20
      """;

  final Vertx vertx;
  final Path dir;
  final Store store;
  final SimulatedUpstream simulator;
  final KeyDirectory keys;
  final ScheduledExecutorService scheduler;
  final Gateway gateway;
  final PrometheusMeterRegistry registry;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private GatewayHarness(Consumer<GatewaySettings.Builder> customize, Policy policy, @Nullable SafeguardPipeline pipeline)
      throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("bulwark-gw");
    store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("bulwark.db")).build());
    store.keys().upsertTier("standard", policy.name(), "test");
    simulator = SimulatedUpstream.start(vertx, SimulatorConfig.builder()
        .script(Script.parseYaml(SCRIPT, "harness")).build()).await();
    scheduler = Executors.newSingleThreadScheduledExecutor();
    // No poll in a test's lifetime: the helpers below refresh the directory themselves, and a key
    // written to the store behind its back is seen only through the directory's refresh on demand.
    keys = new KeyDirectory(store.keys(), Clock.systemUTC(), scheduler, Duration.ofHours(1));
    URI sim = URI.create(simulator.baseUrl());
    GatewaySettings.Builder settings = GatewaySettings.builder()
        .port(0)
        .eventLoops(2)
        .upstream(UpstreamSpec.builder("oai").protocol(Protocol.OPENAI).baseUrl(sim).apiKey("sk-upstream-secret").build())
        .upstream(UpstreamSpec.builder("ant").protocol(Protocol.ANTHROPIC).baseUrl(sim).apiKey("sk-ant-secret").build())
        .upstream(UpstreamSpec.builder("dead").protocol(Protocol.OPENAI)
            .baseUrl(URI.create("http://127.0.0.1:" + unusedPort())).connectTimeout(Duration.ofSeconds(2)).build())
        .upstream(UpstreamSpec.builder("slowoai").protocol(Protocol.OPENAI).baseUrl(sim)
            .readTimeout(Duration.ofMillis(300)).build())
        .route(new Route("sim-openai", "oai", "upstream-gpt"))
        .route(new Route("sim-anthropic", "ant", "upstream-claude"))
        .route(new Route("dead", "dead", "x"))
        .route(new Route("slow", "slowoai", "x"))
        .policy(policy);
    customize.accept(settings);
    PhraseStage phrases = new PhraseStage("phrases", List.of(
        PhraseRule.phrase("forbidden", "test", Action.BLOCK, "forbidden words", PhraseRule.Scope.BOTH),
        PhraseRule.phrase("flag", "test", Action.FLAG, "flag me", PhraseRule.Scope.BOTH)));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    gateway = Gateway.builder()
        .vertx(vertx)
        .settings(settings.build())
        .pipeline(pipeline != null ? pipeline
            : SafeguardPipeline.builder().prompt(phrases).streaming(phrases).build(Runnable::run, Ticker.system()))
        .keys(keys)
        .events(store.events())
        .metrics(registry)
        .build();
    gateway.start().await();
  }

  static GatewayHarness start() throws Exception {
    return start(b -> {}, standardPolicy().build());
  }

  static GatewayHarness start(Consumer<GatewaySettings.Builder> customize, Policy policy) throws Exception {
    return new GatewayHarness(customize, policy, null);
  }

  /** A harness whose pipeline is {@code pipeline} instead of the phrase stage. */
  static GatewayHarness start(SafeguardPipeline pipeline) throws Exception {
    return new GatewayHarness(b -> {}, standardPolicy().build(), pipeline);
  }

  static Policy.Builder standardPolicy() {
    return Policy.builder("standard").retention(Retention.HASHES).limits(RateLimits.UNLIMITED);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + gateway.port();
  }

  /** A new key on the standard tier, visible to the gateway at once. */
  String newKey() {
    return newKey(null);
  }

  String newKey(Duration expiresIn) {
    IssuedKey k = new ApiKeys(store.keys(), Clock.systemUTC(), new SecureRandom())
        .create("acme", "standard", expiresIn, null, "test");
    keys.refresh();
    return k.token();
  }

  void revoke(String token) {
    String id = token.split("_")[1];
    new ApiKeys(store.keys(), Clock.systemUTC(), new SecureRandom()).revoke(id, "test");
    keys.refresh();
  }

  HttpResponse<String> post(String path, String key, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .timeout(Duration.ofSeconds(20))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header(path.startsWith("/v1/messages") ? "x-api-key" : "authorization",
          path.startsWith("/v1/messages") ? key : "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The request's events once its final event is committed (waits up to 10 s). */
  List<StoredEvent> finalEvents(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<StoredEvent> events = store.events().forRequest(requestId);
      if (events.stream().anyMatch(e -> e.type().equals("request.completed") || e.type().equals("request.rejected"))) {
        return events;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no final event for request " + requestId + "; have " + store.events().forRequest(requestId));
  }

  /** The final event's body. */
  String finalBody(String requestId) throws InterruptedException {
    List<StoredEvent> events = finalEvents(requestId);
    StoredEvent last = events.get(events.size() - 1);
    assertThat(last.type()).isIn("request.completed", "request.rejected");
    return last.body();
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    gateway.stop().await();
    simulator.close().await();
    vertx.close().await();
    keys.close();
    scheduler.shutdownNow();
    store.close();
  }
}
