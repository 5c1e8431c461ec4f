package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.gateway.Gateway;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.response.internal.Audit;
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
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Rapid response inside a running server: a deployment watcher that keeps the gateway (and any other
 * targets, such as the monitor's exemplar index) on the newest deployment the store holds, polling it
 * every second, and the review queue's SLA timer. Deployments written by {@code bulwark respond}
 * (deploy, canary, promote, rollback) reach the gateway without a restart.
 *
 * <p>Owns one daemon scheduler thread; {@link #close()} stops it.
 */
public final class ResponseRuntime implements AutoCloseable {
  private final ScheduledExecutorService scheduler;
  private final DeploymentWatcher watcher;
  private final ReviewQueue reviews;

  private ResponseRuntime(ScheduledExecutorService scheduler, DeploymentWatcher watcher, ReviewQueue reviews) {
    this.scheduler = scheduler;
    this.watcher = watcher;
    this.reviews = reviews;
  }

  /**
   * Attaches to a running gateway.
   *
   * @param base the configured pipeline (releases build on it; its classifier stage is the one a
   *     classifier patch replaces)
   * @param offload the gateway's stage pool
   * @param more other targets (a monitor's {@link DeploymentTarget#exemplars}), or none
   */
  public static ResponseRuntime attach(Store store, Gateway gateway, SafeguardPipeline base, Executor offload, Clock clock,
      List<DeploymentTarget> more) {
    requireNonNull(store, "store");
    Supplier<Encoder> encoder = memo(Encoder::minilm);
    Supplier<Embedder> embedder = memo(() -> Embedder.minilm(encoder.get(), Canonicalizer.defaults(), 6));
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
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-response");
      t.setDaemon(true);
      return t;
    });
    DeploymentWatcher watcher = new DeploymentWatcher(deployments, loader, targets).start(scheduler, Duration.ofSeconds(1));
    ReviewQueue reviews = new ReviewQueue(rs, audit, new Redactor(), ReviewQueue.Settings.defaults());
    reviews.startSlaTimer(scheduler, Duration.ofMinutes(1));
    return new ResponseRuntime(scheduler, watcher, reviews);
  }

  public DeploymentWatcher watcher() {
    return watcher;
  }

  public ReviewQueue reviews() {
    return reviews;
  }

  @Override
  public void close() {
    watcher.close();
    scheduler.shutdownNow();
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
