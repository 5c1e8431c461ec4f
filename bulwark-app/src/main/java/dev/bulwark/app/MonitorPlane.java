package dev.bulwark.app;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.MonitorConfig;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.cascade.LiveClassifierPatch;
import dev.bulwark.classify.data.Constitution;
import dev.bulwark.classify.exemplar.ExemplarIndex;
import dev.bulwark.classify.exemplar.LiveExemplarIndex;
import dev.bulwark.classify.phrase.LiveSignatures;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.monitor.Monitor;
import dev.bulwark.monitor.MonitorSettings;
import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.AnalyzerRegistry;
import dev.bulwark.monitor.analyzer.BuiltInAnalyzers;
import dev.bulwark.monitor.analyzer.ExemplarStore;
import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.monitor.incident.EvidenceKeeping;
import dev.bulwark.response.ResponseRuntime;
import dev.bulwark.response.registry.DeploymentTarget;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The monitor wired from the configuration: the analyzers (the classifier the gateway uses, the
 * exemplars in the store, the deployed rapid-response release's exemplars, signature rules and
 * classifier patch, the judge if configured), the flowchart (built in, or a watched file) and a
 * worker. {@code serve} embeds one, and its rapid-response runtime keeps the release's parts current;
 * {@code bulwark monitor run} runs one alone, following the store's deployments itself.
 */
public final class MonitorPlane implements AutoCloseable {
  private final Monitor monitor;
  private final @Nullable ScheduledExecutorService watcher;
  private final @Nullable AutoCloseable deployments;

  private MonitorPlane(Monitor monitor, @Nullable ScheduledExecutorService watcher, @Nullable AutoCloseable deployments) {
    this.monitor = monitor;
    this.watcher = watcher;
    this.deployments = deployments;
  }

  /**
   * What a monitor reads of the deployed rapid-response release: its exemplar index, its signature
   * rules and its classifier patch, each swapped whole by a deployment target ({@link #targets()}).
   */
  public record ReleaseFeeds(LiveExemplarIndex exemplars, LiveSignatures signatures, LiveClassifierPatch classifier) {
    public ReleaseFeeds {
      java.util.Objects.requireNonNull(exemplars, "exemplars");
      java.util.Objects.requireNonNull(signatures, "signatures");
      java.util.Objects.requireNonNull(classifier, "classifier");
    }

    /** Nothing deployed yet. */
    public static ReleaseFeeds empty() {
      return new ReleaseFeeds(new LiveExemplarIndex(ExemplarIndex.empty("none", "none")),
          new LiveSignatures(AnalyzerEnvironment.RELEASE_SIGNATURES), new LiveClassifierPatch());
    }

    /** The deployment targets that keep them current. */
    public List<DeploymentTarget> targets() {
      return List.of(DeploymentTarget.exemplars(exemplars), DeploymentTarget.signatures(signatures),
          DeploymentTarget.classifier(classifier));
    }
  }

  public Monitor monitor() {
    return monitor;
  }

  /** The flowchart parser this configuration uses (also for {@code bulwark monitor validate}). */
  public static FlowchartParser parser(BulwarkConfig config, Store store, Clock clock) {
    return parser(config, store, clock, AnalyzerEnvironment.memoize(Encoder::minilm), ReleaseFeeds.empty(), null);
  }

  private static FlowchartParser parser(BulwarkConfig config, Store store, Clock clock, Supplier<Encoder> encoder,
      ReleaseFeeds release, @Nullable ClassifierBundle bundle) {
    return new FlowchartParser(registry(config, store, clock, encoder, release, bundle),
        config.admin().rules().stepDownTiers());
  }

  /** Loads the configured flowchart. */
  public static Flowchart flowchart(BulwarkConfig config, FlowchartParser parser) throws IOException {
    Path file = config.monitor().flowchart();
    return file == null ? parser.parseDefault() : parser.parse(file);
  }

  /**
   * Builds and starts a worker that follows the store's rapid-response deployments itself.
   *
   * @param workerId this process's worker id, or null for the default (host, pid, random)
   */
  public static MonitorPlane start(BulwarkConfig config, Store store, MeterRegistry meters, Clock clock,
      @Nullable String workerId) throws IOException {
    return start(config, store, meters, clock, workerId, null);
  }

  /**
   * Builds and starts a worker.
   *
   * @param workerId this process's worker id, or null for the default (host, pid, random)
   * @param release the deployed release's parts, kept current by the caller
   *     ({@link ReleaseFeeds#targets()} on {@code serve}'s rapid-response runtime); null to follow the
   *     store's deployments here
   */
  public static MonitorPlane start(BulwarkConfig config, Store store, MeterRegistry meters, Clock clock,
      @Nullable String workerId, @Nullable ReleaseFeeds release) throws IOException {
    return start(config, store, meters, clock, workerId, release, null);
  }

  /**
   * What an embedded monitor takes from the gateway beside it instead of loading again: the encoder,
   * so that a window the gateway's stage 2 embedded is not embedded again when the monitor reads the
   * same prompt (the encoder remembers its latest windows), and the classifier bundle ({@link
   * #classifierSpec}'s), so that the model is in memory once.
   *
   * @param encoder the encoder to use, or null to load one on first use
   * @param bundle the classifier to use, or null to load {@link #classifierSpec}'s on first use
   */
  public record Shared(@Nullable Encoder encoder, @Nullable ClassifierBundle bundle) {}

  /**
   * As {@link #start(BulwarkConfig, Store, MeterRegistry, Clock, String, ReleaseFeeds)}, with what the
   * gateway beside it shares ({@code serve}).
   *
   * @param shared parts to use instead of loading them, or null
   */
  public static MonitorPlane start(BulwarkConfig config, Store store, MeterRegistry meters, Clock clock,
      @Nullable String workerId, @Nullable ReleaseFeeds release, @Nullable Shared shared) throws IOException {
    MonitorConfig mc = config.monitor();
    Encoder sharedEncoder = shared == null ? null : shared.encoder();
    Supplier<Encoder> encoder = sharedEncoder != null ? () -> sharedEncoder : AnalyzerEnvironment.memoize(Encoder::minilm);
    ClassifierBundle sharedBundle = shared == null ? null : shared.bundle();
    ReleaseFeeds live = release != null ? release : ReleaseFeeds.empty();
    FlowchartParser parser = parser(config, store, clock, encoder, live, sharedBundle);
    FlowchartSource source = new FlowchartSource(flowchart(config, parser));
    ScheduledExecutorService watcher = null;
    AutoCloseable deployments = null;
    try {
      if (mc.flowchart() != null) {
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "bulwark-monitor-flowchart");
          t.setDaemon(true);
          return t;
        });
        source.watch(mc.flowchart(), parser, watcher, mc.reloadInterval());
      }
      if (release == null) {
        deployments = ResponseRuntime.followDeployments(store, clock, encoder, live.targets());
      }
      MonitorSettings settings = workerId == null ? mc.settings() : mc.settings().withWorkerId(workerId);
      Monitor monitor = Monitor.builder()
          .store(store)
          .flowcharts(source)
          .settings(settings)
          .meters(meters)
          .clock(clock)
          .env(System.getenv())
          // Rapid response turns jailbreak incidents into reports: their exchanges' text is kept,
          // through the review queue's redactor, before the acknowledgement deletes it.
          .evidence(EvidenceKeeping.redactedBy(new Redactor()::redact))
          .build()
          .start();
      return new MonitorPlane(monitor, watcher, deployments);
    } catch (RuntimeException | Error e) {
      if (watcher != null) {
        watcher.shutdownNow();
      }
      closeQuietly(deployments);
      throw e;
    }
  }

  private static AnalyzerRegistry registry(BulwarkConfig config, Store store, Clock clock, Supplier<Encoder> encoder,
      ReleaseFeeds release, @Nullable ClassifierBundle bundle) {
    Supplier<Constitution> constitution = AnalyzerEnvironment.memoize(Constitution::builtIn);
    AnalyzerEnvironment env = AnalyzerEnvironment.builder()
        .encoder(encoder)
        .bundle(() -> bundle != null ? bundle : bundle(config, encoder))
        .constitution(constitution)
        .exemplars(() -> new ExemplarStore(store, clock).load(encoder.get(), constitution.get()))
        .releaseExemplars(release.exemplars())
        .releaseSignatures(release.signatures())
        .releaseClassifier(release.classifier())
        .judge(config.monitor().judge())
        .clock(clock)
        .build();
    return BuiltInAnalyzers.registry(env).build();
  }

  /**
   * The classifier stage whose model the monitor uses: the first with a model of its own, else the
   * first (the built-in model); empty when the gateway has no classifier stage (the monitor then uses
   * the built-in model).
   */
  public static Optional<BulwarkConfig.Classifier> classifierSpec(BulwarkConfig config) {
    BulwarkConfig.Classifier first = null;
    for (BulwarkConfig.StageSpec s : config.stages()) {
      if (s instanceof BulwarkConfig.Classifier k) {
        if (!k.model().equals("builtin")) {
          return Optional.of(k);
        }
        first = first == null ? k : first;
      }
    }
    return Optional.ofNullable(first);
  }

  /** The model of {@link #classifierSpec}, else the built-in model. */
  private static ClassifierBundle bundle(BulwarkConfig config, Supplier<Encoder> encoder) {
    Optional<BulwarkConfig.Classifier> spec = classifierSpec(config).filter(k -> !k.model().equals("builtin"));
    if (spec.isEmpty()) {
      return ClassifierBundle.builtIn(encoder);
    }
    BulwarkConfig.Classifier k = spec.get();
    try {
      return ClassifierBundle.load(Path.of(k.model()), k.digest(), encoder);
    } catch (IOException e) {
      throw new IllegalStateException("monitor: cannot load the classifier " + k.model() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    monitor.close();
    if (watcher != null) {
      watcher.shutdownNow();
    }
    closeQuietly(deployments);
  }

  private static void closeQuietly(@Nullable AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // Closing only stops polling threads; nothing to report.
    }
  }
}
