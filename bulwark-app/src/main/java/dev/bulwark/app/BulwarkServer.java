package dev.bulwark.app;

import static java.util.Objects.requireNonNull;

import dev.bulwark.access.KeyDirectory;
import dev.bulwark.app.cli.ResponseCommands;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.ModelIntegrityException;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.GatewaySettings;
import dev.bulwark.gateway.Route;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.gateway.UpstreamSpec;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.simulator.Script;
import dev.bulwark.simulator.SimulatedUpstream;
import dev.bulwark.simulator.SimulatorConfig;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Store;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bulwark serve}: everything wired from one configuration, started in order, stopped in reverse.
 */
public final class BulwarkServer implements AutoCloseable {
  /** The event types that end a request's record; a received request with none of them was interrupted. */
  static final Set<String> REQUEST_END_TYPES =
      Set.of("request.completed", "request.rejected", "request.abandoned");

  private static final Logger log = LoggerFactory.getLogger(BulwarkServer.class);

  private final BulwarkConfig config;
  private final Store store;
  private final Vertx vertx;
  private final ExecutorService stageThreads;
  private final ScheduledExecutorService keyPoller;
  private final KeyDirectory keys;
  private final dev.bulwark.admin.@Nullable AdminServer admin;
  private final @Nullable MonitorPlane monitor;
  private final dev.bulwark.response.@Nullable ResponseRuntime response;
  private final PatchEmbeddingCache patchEmbeddings;
  private final @Nullable SimulatedUpstream simulator;
  private final Gateway gateway;
  private final GatewaySettings settings;
  private final SafeguardPipeline pipeline;
  private final int recovered;

  private BulwarkServer(BulwarkConfig config, Clock clock) throws Exception {
    this.config = config;
    this.patchEmbeddings = new PatchEmbeddingCache(config.response().embeddingCache());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    this.store = Store.open(config.store());
    try {
      config.tiers().forEach((tier, policy) -> store.keys().upsertTier(tier, policy, "config"));
      this.recovered = markAbandoned(store, clock);
      this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.server().eventLoops()));
      this.simulator = config.upstreams().isEmpty() ? startSimulator(vertx, config) : null;
      this.settings = settings(config, simulator);
      this.stageThreads = Executors.newFixedThreadPool(config.server().stageThreads(), daemon("bulwark-stage"));
      // Each model once, however many stages use it; the embedded monitor takes its model from here too.
      Map<String, ClassifierBundle> models = new ConcurrentHashMap<>();
      this.pipeline = Stages.pipeline(config, k -> models.computeIfAbsent(modelKey(k), key -> loadClassifier(k)),
          stageThreads);
      this.keyPoller = Executors.newSingleThreadScheduledExecutor(daemon("bulwark-keys"));
      this.keys = new KeyDirectory(store.keys(), store.diligence(), clock, keyPoller, config.server().keyPollInterval());
      this.gateway = Gateway.builder()
          .vertx(vertx)
          .settings(settings)
          .pipeline(pipeline)
          .keys(keys)
          .events(store.events())
          .metrics(registry)
          .clock(clock)
          .ticker(Ticker.system())
          .build();
      gateway.start().await();
      // Rapid response: applies deployments from the store (bulwark respond deploy/rollback, the admin
      // API) without a restart, and takes monitor incidents that point at a jailbreak in as reports.
      // The monitor reads the deployed release's exemplars, signature rules and classifier patch too:
      // the runtime's watcher keeps them current. It shares the gateway classifier's encoder.
      MonitorPlane.ReleaseFeeds release = config.monitor().enabled() ? MonitorPlane.ReleaseFeeds.empty() : null;
      this.response = dev.bulwark.response.ResponseRuntime.attach(store, gateway, pipeline, stageThreads, clock,
          release == null ? java.util.List.of() : release.targets(), config.response().incidents(),
          watcher -> ResponseCommands.responder(config, store, config.response().data(), watcher,
              patchEmbeddings.get(), clock));
      this.admin = AdminPlane.start(config, vertx, store, keys, clock, response);
      this.monitor = config.monitor().enabled() ? MonitorPlane.start(config, store, registry, clock, null, release,
          new MonitorPlane.Shared(dev.bulwark.response.ResponseRuntime.classifierEncoder(pipeline).orElse(null),
              MonitorPlane.classifierSpec(config).map(k -> models.get(modelKey(k))).orElse(null))) : null;
    } catch (Exception | Error e) {
      closeQuietly();
      throw e;
    }
  }

  /** Starts everything; fails if any part cannot start (nothing is left running then). */
  public static BulwarkServer start(BulwarkConfig config, Clock clock) throws Exception {
    return new BulwarkServer(requireNonNull(config, "config"), requireNonNull(clock, "clock"));
  }

  public int port() {
    return gateway.port();
  }

  public GatewaySettings settings() {
    return settings;
  }

  public SafeguardPipeline pipeline() {
    return pipeline;
  }

  public BulwarkConfig config() {
    return config;
  }

  public Store store() {
    return store;
  }

  public @Nullable SimulatedUpstream simulator() {
    return simulator;
  }

  /** Requests found received but never finished at start-up (a crash), now marked abandoned. */
  public int recovered() {
    return recovered;
  }

  @Override
  public void close() {
    gateway.stop().await();
    closeQuietly();
  }

  /** Rapid response inside this server: the deployment watcher, the review timer, the incident intake. */
  public dev.bulwark.response.ResponseRuntime response() {
    return requireNonNull(response, "response");
  }

  /** The embedding cache of this server's classifier patches (opened when the responder is built). */
  PatchEmbeddingCache patchEmbeddings() {
    return patchEmbeddings;
  }

  /** The admin API, or null when {@code admin.enabled} is false. */
  public dev.bulwark.admin.@Nullable AdminServer admin() {
    return admin;
  }

  private void closeQuietly() {
    if (response != null) {
      response.close();
    }
    if (monitor != null) {
      monitor.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (keys != null) {
      keys.close();
    }
    if (keyPoller != null) {
      keyPoller.shutdownNow();
    }
    if (simulator != null) {
      simulator.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (stageThreads != null) {
      stageThreads.shutdownNow();
    }
    // After the admin API and the intake, whose patches write to it.
    patchEmbeddings.close();
    // Last: the store drains every event queued by the steps above.
    store.close();
  }

  /**
   * Requests that reached the gateway's log but have no end: the process died while they ran. Each gets
   * a {@code request.abandoned} event, so the record says what happened instead of staying open.
   */
  private static int markAbandoned(Store store, Clock clock) {
    List<String> open = store.events().unfinishedRequests("request.received", REQUEST_END_TYPES);
    if (open.isEmpty()) {
      return 0;
    }
    List<EventRecord> records = new ArrayList<>();
    for (String id : open) {
      records.add(new EventRecord("request.abandoned", id, null, null, clock.instant(),
          "{\"request_id\":\"" + id + "\",\"reason\":\"the gateway stopped before the request finished\"}", true));
    }
    store.events().appendAll(records).join();
    log.warn("marked {} requests interrupted by the previous stop as abandoned", open.size());
    return open.size();
  }

  private static SimulatedUpstream startSimulator(Vertx vertx, BulwarkConfig config) throws Exception {
    BulwarkConfig.Simulator s = config.simulator();
    SimulatorConfig.Builder b = SimulatorConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .ttft(s.ttft())
        .tokensPerSecond(s.tokensPerSecond())
        .chunkTokens(s.chunkTokens());
    if (s.script() != null) {
      b.script(Script.load(s.script()));
    }
    return SimulatedUpstream.start(vertx, b.build()).await();
  }

  private static GatewaySettings settings(BulwarkConfig c, @Nullable SimulatedUpstream simulator) {
    BulwarkConfig.Server s = c.server();
    GatewaySettings.Builder b = GatewaySettings.builder()
        .host(s.host())
        .port(s.port())
        .eventLoops(s.eventLoops())
        .maxBodyBytes(s.maxBodyBytes())
        .maxResponseBytes(s.maxResponseBytes())
        .defaultMaxTokens(s.defaultMaxTokens())
        .maxHeldChars(s.maxHeldChars())
        .refusalMessage(s.refusalMessage());
    if (simulator != null) {
      b.simulatedUpstream(true);
      b.upstream(UpstreamSpec.builder(dev.bulwark.app.config.ConfigLoader.SIMULATED)
          .protocol(Protocol.OPENAI)
          .baseUrl(URI.create("http://127.0.0.1:" + simulator.port()))
          .build());
    } else {
      c.upstreams().forEach(b::upstream);
    }
    for (Route r : c.routes()) {
      b.route(r);
    }
    for (Policy p : c.policies().values()) {
      b.policy(p);
    }
    return b.build();
  }

  /** Two classifier stages with this key load the same bytes. */
  private static String modelKey(BulwarkConfig.Classifier k) {
    return k.model() + "#" + k.digest();
  }

  /**
   * Loads a classifier stage's model and verifies its digest; a missing or tampered model stops the
   * start-up (fail closed: a gateway without its classifier must not serve).
   */
  private static ClassifierBundle loadClassifier(BulwarkConfig.Classifier k) {
    ClassifierBundle bundle;
    try {
      bundle = k.model().equals("builtin")
          ? ClassifierBundle.builtIn(Encoder::minilm)
          : ClassifierBundle.load(Path.of(k.model()), k.digest(), Encoder::minilm);
    } catch (java.io.IOException | ModelIntegrityException e) {
      throw new IllegalStateException("stages." + k.name() + ".model: cannot load " + k.model() + ": " + e.getMessage(), e);
    }
    Cascade cascade = Stages.cascade(k, bundle);
    // Warm up before serving: the confusable fold table, the JIT, and the encoder's first run would
    // otherwise land on the first requests (hundreds of milliseconds).
    cascade.withBand(new Band(0.0, 1.0)).classifyPrompt("Warm-up: привет, how are you today?");
    log.info("classifier stage {}: model {} {}, band [{}, {})", k.name(), bundle.version(), bundle.digest(),
        cascade.band().low(), cascade.band().high());
    return bundle;
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
