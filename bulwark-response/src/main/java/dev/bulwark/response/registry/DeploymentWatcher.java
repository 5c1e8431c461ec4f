package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps targets on the newest deployment: polls the deployment history's head (one indexed read) and,
 * when it moved, loads the releases, composes and applies them to every target. A process that
 * changes the deployment itself calls {@link #refresh()} to apply it at once; other processes (the
 * CLI's changes reaching a running server) see it within one poll interval.
 *
 * <p>Fail safe: when loading or applying fails (a corrupt artifact, an unreadable store), targets keep
 * what they run, the error is logged and kept in {@link #lastError()}, and the next poll tries again.
 *
 * <p>Concurrency: {@link #refresh()} is synchronized, so targets see deployments one at a time and in
 * order; the poller runs on the injected scheduler.
 */
public final class DeploymentWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeploymentWatcher.class);

  private final Deployments deployments;
  private final ReleaseLoader loader;
  private final List<DeploymentTarget> targets;
  private long applied = -1;
  private @Nullable Deployed current;
  private volatile @Nullable String lastError;
  private dev.bulwark.core.pipeline.@Nullable PromptStage shadow;
  private @Nullable ScheduledFuture<?> poller;

  public DeploymentWatcher(Deployments deployments, ReleaseLoader loader, List<DeploymentTarget> targets) {
    this.deployments = requireNonNull(deployments, "deployments");
    this.loader = requireNonNull(loader, "loader");
    this.targets = List.copyOf(targets);
  }

  /** Polls every {@code interval} on {@code scheduler} (after a first refresh now). */
  public synchronized DeploymentWatcher start(ScheduledExecutorService scheduler, Duration interval) {
    if (poller != null) {
      throw new IllegalStateException("already started");
    }
    refresh();
    long ms = Math.max(1, interval.toMillis());
    poller = scheduler.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  private void poll() {
    try {
      if (deployments.currentSeq() != appliedSeq()) {
        refresh();
      }
    } catch (RuntimeException e) {
      // Never let an exception cancel the periodic task.
      lastError = e.toString();
      log.warn("rapid response: polling deployments failed: {}", e.toString());
    }
  }

  /**
   * Applies the newest deployment if it is not applied yet.
   *
   * @return whether targets switched
   */
  public synchronized boolean refresh() {
    DeploymentState state = deployments.current();
    if (state.seq() == applied) {
      return false;
    }
    try {
      LoadedRelease stable = loader.load(state.releaseId());
      LoadedRelease canary = state.canaryReleaseId() == null ? null : loader.load(state.canaryReleaseId());
      Deployed d = new Deployed(state, stable, canary, state.canaryPolicies(), shadow);
      for (DeploymentTarget t : targets) {
        t.apply(d);
      }
      applied = state.seq();
      current = d;
      lastError = null;
      log.info("rapid response: deployment {} applied ({} {}{})", state.seq(), state.kind().wireName(), state.stableName(),
          state.canaryReleaseId() == null ? "" : ", canary " + state.canaryReleaseId() + " for " + state.canaryPolicies());
      return true;
    } catch (RuntimeException e) {
      lastError = "deployment " + state.seq() + ": " + e.getMessage();
      log.error("rapid response: cannot apply deployment {}; keeping the running version", state.seq(), e);
      return false;
    }
  }

  /**
   * Adds a shadow stage to the running deployment (or removes it, with null) and reapplies it: the
   * gate's shadow period. The stage stays across later deployments until removed.
   */
  public synchronized void shadow(dev.bulwark.core.pipeline.@Nullable PromptStage stage) {
    this.shadow = stage;
    if (current != null) {
      Deployed d = current.withShadow(stage);
      for (DeploymentTarget t : targets) {
        t.apply(d);
      }
      current = d;
    } else {
      refresh();
    }
  }

  /** The seq of the deployment the targets run (-1 before the first refresh). */
  public synchronized long appliedSeq() {
    return applied;
  }

  /** The deployment the targets run, or null before the first refresh. */
  public synchronized @Nullable Deployed current() {
    return current;
  }

  /** Why the last refresh failed, or null when it did not. */
  public @Nullable String lastError() {
    return lastError;
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.cancel(false);
      poller = null;
    }
  }
}
