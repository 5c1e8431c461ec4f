package dev.bulwark.response;

import dev.bulwark.access.ApiKeys;
import dev.bulwark.access.IssuedKey;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.RateLimits;
import dev.bulwark.core.policy.Retention;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewaySettings;
import dev.bulwark.gateway.Route;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.gateway.UpstreamSpec;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.response.patch.BaseClassifier;
import dev.bulwark.response.registry.DeploymentWatcher;
import dev.bulwark.response.registry.GatewayTarget;
import dev.bulwark.response.registry.ReleasePipelines;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.review.ReviewQueue;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A running gateway (ephemeral port, simulated upstream, SQLite store) whose base pipeline is the toy
 * classifier, with rapid response attached to it through a deployment watcher, as the server wires it.
 */
final class GatewayFixture implements AutoCloseable {
  static final String SCRIPT = """
      responses:
        - match: "Decode"
          text: "Let me think about what you sent."
        - match: "slow please"
          text: "a b c d e f g h i j k l m n o p q r s t u v w x y z"
          tokens_per_second: 150
      """;

  final Vertx vertx;
  final Path dir;
  final Store store;
  final SimulatedUpstream simulator;
  final KeyDirectory keys;
  final ScheduledExecutorService scheduler;
  final ExecutorService stages;
  final Gateway gateway;
  final SafeguardPipeline base;
  final DeploymentWatcher watcher;
  final RapidResponse rr;
  final ReviewQueue reviews;
  final String key;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  GatewayFixture(Clock clock) throws Exception {
    this(clock, dev.bulwark.response.gate.ValidationGate.Settings.defaults());
  }

  GatewayFixture(Clock clock, dev.bulwark.response.gate.ValidationGate.Settings gate) throws Exception {
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("bulwark-rr");
    store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("bulwark.db")).build());
    Policy policy = Policy.builder("standard").retention(Retention.HASHES).limits(RateLimits.UNLIMITED).build();
    store.keys().upsertTier("standard", "standard", "test");
    simulator = SimulatedUpstream.start(vertx, SimulatorConfig.builder().script(Script.parseYaml(SCRIPT, "rr")).build()).await();
    scheduler = Executors.newSingleThreadScheduledExecutor();
    stages = Executors.newFixedThreadPool(4);
    keys = new KeyDirectory(store.keys(), Clock.systemUTC(), scheduler, Duration.ofMillis(50));
    BaseClassifier toy = Fixtures.toy();
    base = pipeline(toy, stages);
    gateway = Gateway.builder()
        .vertx(vertx)
        .settings(GatewaySettings.builder().port(0).eventLoops(2)
            .upstream(UpstreamSpec.builder("oai").protocol(Protocol.OPENAI).baseUrl(URI.create(simulator.baseUrl())).build())
            .route(new Route("sim-openai", "oai", "upstream-gpt"))
            .policy(policy)
            .build())
        .pipeline(base)
        .keys(keys)
        .events(store.events())
        .metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .build();
    gateway.start().await();
    ReleasePipelines composer = ReleasePipelines.builder().base(base).embedder(Fixtures::embedder).offload(stages).build();
    ResponseStore rs = new ResponseStore(store);
    reviews = new ReviewQueue(rs, new dev.bulwark.response.internal.Audit(store.events(), clock), new Redactor(),
        ReviewQueue.Settings.defaults());
    RapidResponse.Builder b = RapidResponse.builder()
        .store(store)
        .clock(clock)
        .embedder(Fixtures.embedder())
        .encoder(Fixtures::encoder)
        .baseClassifier(Fixtures::toy)
        .pool(Fixtures::pool)
        .evaluationBase(pipeline(toy, Runnable::run))
        .gate(gate)
        .reviews(reviews);
    RapidResponse bare = b.build();
    watcher = new DeploymentWatcher(bare.deployments(), bare.loader(), List.of(new GatewayTarget(gateway, composer)));
    rr = b.watcher(watcher).build();
    IssuedKey k = new ApiKeys(store.keys(), Clock.systemUTC(), new SecureRandom()).create("acme", "standard", null, null, "test");
    keys.refresh();
    key = k.token();
  }

  /** The base pipeline: the toy classifier on prompts and completions. */
  static SafeguardPipeline pipeline(BaseClassifier c, java.util.concurrent.Executor offload) {
    ClassifierStage stage = new ClassifierStage("classifier", c.bundle(),
        c.bundle().cascade(Canonicalizer.defaults(), Ticker.system()), "both", 256);
    return SafeguardPipeline.builder().prompt(stage).streaming(stage).build(offload, Ticker.system());
  }

  HttpResponse<String> chat(String prompt, boolean stream) throws IOException, InterruptedException {
    String body = "{\"model\":\"sim-openai\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
        + dev.bulwark.response.internal.Json.write(com.fasterxml.jackson.databind.node.TextNode.valueOf(prompt)) + "}]}";
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json")
        .header("authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static boolean refused(HttpResponse<String> r) {
    return r.body().contains("content_filter");
  }

  /** The request's final event body (waits up to 10 s for it to commit). */
  String finalBody(HttpResponse<?> r) throws InterruptedException {
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<StoredEvent> events = store.events().forRequest(id);
      for (StoredEvent e : events) {
        if (e.type().equals("request.completed") || e.type().equals("request.rejected")) {
          return e.body();
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no final event for " + id);
  }

  @Override
  public void close() {
    watcher.close();
    gateway.stop().await();
    simulator.close().await();
    vertx.close().await();
    keys.close();
    scheduler.shutdownNow();
    stages.shutdownNow();
    store.close();
  }
}
