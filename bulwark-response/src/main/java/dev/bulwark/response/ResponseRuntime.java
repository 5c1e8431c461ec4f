package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.WindowPolicy;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.response.intake.IncidentIntake;
import dev.bulwark.response.intake.Intake;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.internal.StoreTime;
import dev.bulwark.response.registry.DeploymentTarget;
import dev.bulwark.response.registry.DeploymentWatcher;
import dev.bulwark.response.registry.Deployments;
import dev.bulwark.response.registry.GatewayTarget;
import dev.bulwark.response.registry.Registry;
import dev.bulwark.response.registry.ReleaseLoader;
import dev.bulwark.response.registry.ReleasePipelines;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rapid response inside a running server: a deployment watcher that keeps the gateway (and any other
 * targets, such as the monitor's exemplar index) on the newest deployment the store holds, polling it
 * every second; the review queue's SLA timer; and the intake of monitor incidents ({@link
 * IncidentIntake}), on a timer of its own so that a long automatic patch never delays a deployment;
 * and the {@link ShadowTimer}, on a third, which ends shadow periods when they are due and refuses
 * releases whose shadow period no live server holds (a restart). Deployments written by {@code bulwark
 * respond} (deploy, canary, promote, rollback) reach the gateway without a restart.
 *
 * <p>The incident intake polls the store rather than being called by the monitor: monitor workers may
 * run in other processes ({@code bulwark monitor run}), and an incident committed just before a crash
 * is still found at the next round; the intake is idempotent per incident, so every server may run it.
 *
 * <p>Owns three daemon scheduler threads; {@link #close()} stops them.
 */
public final class ResponseRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResponseRuntime.class);

  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService intakeScheduler;
  private final ScheduledExecutorService shadowScheduler;
  private final DeploymentWatcher watcher;
  private final ReviewQueue reviews;
  private final IncidentIntake incidents;
  private final ShadowTimer shadows;
  private final @Nullable Lazy<RapidResponse> responder;

  private ResponseRuntime(ScheduledExecutorService scheduler, ScheduledExecutorService intakeScheduler,
      ScheduledExecutorService shadowScheduler, DeploymentWatcher watcher, ReviewQueue reviews, IncidentIntake incidents,
      ShadowTimer shadows, @Nullable Lazy<RapidResponse> responder) {
    this.scheduler = scheduler;
    this.intakeScheduler = intakeScheduler;
    this.shadowScheduler = shadowScheduler;
    this.watcher = watcher;
    this.reviews = reviews;
    this.incidents = incidents;
    this.shadows = shadows;
    this.responder = responder;
  }

  /**
   * Attaches to a running gateway, without the incident intake and without a responder.
   *
   * @param base the configured pipeline (releases build on it; its classifier stage is the one a
   *     classifier patch replaces)
   * @param offload the gateway's stage pool
   * @param more other targets (a monitor's {@link DeploymentTarget#exemplars}), or none
   */
  public static ResponseRuntime attach(Store store, Gateway gateway, SafeguardPipeline base, Executor offload, Clock clock,
      List<DeploymentTarget> more) {
    return attach(store, gateway, base, offload, clock, more, IncidentIntake.Settings.off(), null);
  }

  /**
   * Attaches to a running gateway.
   *
   * @param base the configured pipeline (releases build on it; its classifier stage is the one a
   *     classifier patch replaces)
   * @param offload the gateway's stage pool
   * @param more other targets (a monitor's {@link DeploymentTarget#exemplars}), or none
   * @param incidentIntake whether (and how often) monitor incidents are taken in, and whether their
   *     families are patched at once (audited when the runtime starts and with every incident)
   * @param responders builds this server's responder on the runtime's watcher, on first use (automatic
   *     patching, the admin API), or null for none; required for automatic patching
   * @throws IllegalArgumentException when automatic patching is on without a responder
   */
  public static ResponseRuntime attach(Store store, Gateway gateway, SafeguardPipeline base, Executor offload, Clock clock,
      List<DeploymentTarget> more, IncidentIntake.Settings incidentIntake,
      @Nullable Function<DeploymentWatcher, RapidResponse> responders) {
    return attach(store, gateway, base, offload, clock, more, incidentIntake, responders, ShadowTimer.DEFAULT_INTERVAL);
  }

  /**
   * As {@link #attach(Store, Gateway, SafeguardPipeline, Executor, Clock, List, IncidentIntake.Settings,
   * Function)}, with the shadow timer's interval.
   *
   * @param shadowInterval how often the {@link ShadowTimer} runs a round
   */
  public static ResponseRuntime attach(Store store, Gateway gateway, SafeguardPipeline base, Executor offload, Clock clock,
      List<DeploymentTarget> more, IncidentIntake.Settings incidentIntake,
      @Nullable Function<DeploymentWatcher, RapidResponse> responders, Duration shadowInterval) {
    requireNonNull(store, "store");
    if (shadowInterval.isNegative() || shadowInterval.isZero()) {
      throw new IllegalArgumentException("the shadow timer's interval must be positive, was " + shadowInterval);
    }
    requireNonNull(incidentIntake, "incidentIntake");
    if (incidentIntake.autoPatch() && responders == null) {
      throw new IllegalArgumentException("automatic patching of monitor incidents needs a responder");
    }
    // The base classifier's encoder where it has one: a detector's stage 2 and the exemplar stage then
    // reuse the windows the classifier's stage 2 just embedded (Encoder.reuse) instead of embedding again.
    Supplier<Encoder> encoder = memo(() -> classifierEncoder(base).orElseGet(Encoder::minilm));
    Supplier<Embedder> embedder = memo(() -> Embedder.minilm(encoder.get(), Canonicalizer.defaults(), Embedder.DEFAULT_MAX_WINDOWS));
    ResponseStore rs = new ResponseStore(store);
    Audit audit = new Audit(store.events(), clock);
    Registry registry = new Registry(rs.jdbc(), audit);
    Deployments deployments = new Deployments(rs.jdbc(), registry, audit);
    ReleasePipelines composer = ReleasePipelines.builder().base(base).embedder(embedder).offload(offload).build();
    List<DeploymentTarget> targets = new ArrayList<>();
    targets.add(new GatewayTarget(gateway, composer));
    targets.addAll(more);
    // The encoder id of an empty index: known without loading the encoder, which only releases with
    // exemplars need.
    ReleaseLoader loader = new ReleaseLoader(registry, encoder, "none");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("bulwark-response"));
    ScheduledExecutorService intakeScheduler = Executors.newSingleThreadScheduledExecutor(daemon("bulwark-response-intake"));
    ScheduledExecutorService shadowScheduler = Executors.newSingleThreadScheduledExecutor(daemon("bulwark-response-shadow"));
    DeploymentWatcher watcher = new DeploymentWatcher(deployments, loader, targets).start(scheduler, Duration.ofSeconds(1));
    ReviewQueue reviews = new ReviewQueue(rs, audit, new Redactor(), ReviewQueue.Settings.defaults());
    reviews.startSlaTimer(scheduler, Duration.ofMinutes(1));
    Lazy<RapidResponse> responder = responders == null ? null : new Lazy<>(() -> responders.apply(watcher));
    IncidentIntake.Patcher patcher = responder == null ? null
        : (family, actor) -> responder.get().respond(family, RapidResponse.Options.defaults(actor));
    Intake intake = Intake.withDefaults(rs, Canonicalizer.defaults(), lazy(embedder), audit);
    IncidentIntake incidents = new IncidentIntake(store, intake, reviews, audit, incidentIntake, patcher);
    audit.record("response.incident_intake.configured", Json.object().put("enabled", incidentIntake.enabled())
        .put("mode", incidentIntake.mode()).put("auto_patch", incidentIntake.autoPatch())
        .put("interval_ms", incidentIntake.interval().toMillis()));
    if (incidentIntake.enabled()) {
      incidents.start(intakeScheduler);
      log.info("rapid response takes monitor incidents in every {} ({})", incidentIntake.interval(),
          incidentIntake.autoPatch() ? "families are patched automatically" : "a review item asks for each patch");
    }
    ShadowTimer shadows = new ShadowTimer(store, clock, StoreTime.clock(store, clock), reviews,
        () -> responder == null ? Optional.empty() : responder.peek());
    // Always on, whatever the gate's shadow period: a release left in its shadow period by an earlier
    // run (or configuration) must be refused, not left waiting.
    shadows.start(shadowScheduler, shadowInterval);
    return new ResponseRuntime(scheduler, intakeScheduler, shadowScheduler, watcher, reviews, incidents, shadows,
        responder);
  }

  /**
   * The encoder of {@code base}'s classifier stage ({@link ReleasePipelines#DEFAULT_CLASSIFIER_STAGE}),
   * with the default windows, if it has one with a stage 2: what the stages that embed the same prompts
   * (a detector patch, exemplars, an embedded monitor) should share.
   */
  public static Optional<Encoder> classifierEncoder(SafeguardPipeline base) {
    return base.promptStage(ReleasePipelines.DEFAULT_CLASSIFIER_STAGE).filter(ClassifierStage.class::isInstance)
        .flatMap(s -> ((ClassifierStage) s).encoder()).map(e -> e.withWindowPolicy(WindowPolicy.DEFAULT));
  }

  public DeploymentWatcher watcher() {
    return watcher;
  }

  /**
   * Follows the store's deployments for a process that runs no gateway (a monitor of its own, {@code
   * bulwark monitor run}): applies each deployment to {@code targets} as {@code serve}'s watcher does,
   * polling every second on a daemon thread of its own. Closing it stops the polling.
   *
   * @param encoder the encoder releases' classifier patches and exemplar indexes are read with
   */
  public static AutoCloseable followDeployments(Store store, Clock clock, Supplier<Encoder> encoder,
      List<DeploymentTarget> targets) {
    requireNonNull(store, "store");
    ResponseStore rs = new ResponseStore(store);
    Audit audit = new Audit(store.events(), clock);
    Registry registry = new Registry(rs.jdbc(), audit);
    Deployments deployments = new Deployments(rs.jdbc(), registry, audit);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("bulwark-response-follow"));
    try {
      DeploymentWatcher watcher = new DeploymentWatcher(deployments, new ReleaseLoader(registry, encoder, "none"), targets)
          .start(scheduler, Duration.ofSeconds(1));
      return () -> {
        watcher.close();
        scheduler.shutdownNow();
      };
    } catch (RuntimeException | Error e) {
      scheduler.shutdownNow();
      throw e;
    }
  }

  public ReviewQueue reviews() {
    return reviews;
  }

  /** The intake of monitor incidents (running on its timer when enabled). */
  public IncidentIntake incidents() {
    return incidents;
  }

  /** The timer that ends shadow periods (running). */
  public ShadowTimer shadowTimer() {
    return shadows;
  }

  /** This server's responder if it has been built; never builds it. */
  public Optional<RapidResponse> builtResponder() {
    return responder == null ? Optional.empty() : responder.peek();
  }

  /** Whether this runtime has a responder ({@link #responder()}). */
  public boolean hasResponder() {
    return responder != null;
  }

  /**
   * This server's responder, built on first use on the runtime's watcher: deployments apply at once
   * and shadow periods see live traffic.
   *
   * @throws IllegalStateException when the runtime was attached without one
   */
  public RapidResponse responder() {
    if (responder == null) {
      throw new IllegalStateException("this runtime was attached without a responder");
    }
    return responder.get();
  }

  @Override
  public void close() {
    shadowScheduler.shutdownNow();
    intakeScheduler.shutdownNow();
    watcher.close();
    scheduler.shutdownNow();
  }

  /** An embedder that loads its model on first use. */
  private static Embedder lazy(Supplier<Embedder> e) {
    return new Embedder() {
      @Override
      public String encoderId() {
        return e.get().encoderId();
      }

      @Override
      public List<float[]> embed(String text) {
        return e.get().embed(text);
      }
    };
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** A value built on first use, which can be looked at without building it. */
  private static final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> factory;
    private volatile @Nullable T value;

    Lazy(Supplier<T> factory) {
      this.factory = factory;
    }

    @Override
    public synchronized T get() {
      T v = value;
      if (v == null) {
        v = factory.get();
        value = v;
      }
      return v;
    }

    Optional<T> peek() {
      return Optional.ofNullable(value);
    }
  }

  private static <T> Supplier<T> memo(Supplier<T> s) {
    return new Supplier<>() {
      private @Nullable T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }
}
