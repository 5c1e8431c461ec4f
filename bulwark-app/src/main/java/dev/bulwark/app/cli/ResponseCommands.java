package dev.bulwark.app.cli;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.data.DataSets;
import dev.bulwark.classify.data.TrainingCorpus;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.model.EmbeddingCache;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.response.LeaseRenewal;
import dev.bulwark.response.RapidResponse;
import dev.bulwark.response.TrainingPool;
import dev.bulwark.response.patch.BaseClassifier;
import dev.bulwark.response.registry.DeploymentWatcher;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Rapid response assembled from the configuration, for the {@code respond} and {@code review}
 * commands: the configured stages as the evaluation base (run on the caller's thread), the configured
 * classifier as the base a classifier patch starts from, the training pool from the shared data. The
 * CLI writes deployments to the store; a running server applies them.
 */
public final class ResponseCommands {
  private ResponseCommands() {}

  static RapidResponse responder(BulwarkConfig cfg, Store store, @Nullable Path dataDir) {
    return responder(cfg, store, dataDir, null);
  }

  /**
   * The responder of {@code serve} (the admin API, automatic patching of monitor incidents), on the
   * server's deployment watcher: what it deploys applies at once, and shadow periods see live traffic.
   *
   * @param dataDir the training data folder, or null for {@code ../shared/data}
   * @param watcher the server's watcher, or null (the CLI: a running server applies within its poll)
   */
  public static RapidResponse responder(BulwarkConfig cfg, Store store, @Nullable Path dataDir,
      @Nullable DeploymentWatcher watcher) {
    return responder(cfg, store, dataDir, watcher, null);
  }

  /**
   * As {@link #responder(BulwarkConfig, Store, Path, DeploymentWatcher)}, with an on-disk embedding
   * cache for the stage-2 fine-tune of classifier patches (owned and closed by the caller).
   *
   * @param embeddingCache the cache, or null to embed the replayed and calibration prompts anew in
   *     each process
   */
  public static RapidResponse responder(BulwarkConfig cfg, Store store, @Nullable Path dataDir,
      @Nullable DeploymentWatcher watcher, @Nullable EmbeddingCache embeddingCache) {
    return responder(cfg, store, dataDir, watcher, embeddingCache, Clock.systemUTC());
  }

  /**
   * As {@link #responder(BulwarkConfig, Store, Path, DeploymentWatcher, EmbeddingCache)}, on {@code
   * clock} (the server's): shadow periods start, fall due and end on it. The gate's shadow period is
   * the configuration's ({@code response.gate}); without a watcher (the CLI) a configured shadow period
   * makes a patch refuse, since it would skip that check.
   */
  public static RapidResponse responder(BulwarkConfig cfg, Store store, @Nullable Path dataDir,
      @Nullable DeploymentWatcher watcher, @Nullable EmbeddingCache embeddingCache, Clock clock) {
    RapidResponse.Builder b = builder(cfg, store, dataDir, clock);
    if (watcher != null) {
      b.watcher(watcher);
    }
    if (embeddingCache != null) {
      b.embeddingCache(embeddingCache);
    }
    return b.build();
  }

  /**
   * The CLI's responder (no watcher) with the embedding cache {@code embeddingCache} opens when a
   * classifier patch's stage-2 fine-tune first needs it: a patch that fails, is refused or skips stage 2
   * before then leaves the folder alone.
   *
   * @param embeddingCache opens (once) the cache, or answers null for none
   */
  static RapidResponse cliResponder(BulwarkConfig cfg, Store store, @Nullable Path dataDir,
      Supplier<@Nullable EmbeddingCache> embeddingCache) {
    return builder(cfg, store, dataDir, Clock.systemUTC()).embeddingCacheOnFirstUse(embeddingCache).build();
  }

  private static RapidResponse.Builder builder(BulwarkConfig cfg, Store store, @Nullable Path dataDir, Clock clock) {
    Supplier<Encoder> encoder = memo(Encoder::minilm);
    Supplier<BaseClassifier> base = memo(() -> baseClassifier(cfg, encoder));
    Path data = dataDir != null ? dataDir : DataSets.DEFAULT_DIR;
    Supplier<TrainingPool> pool = memo(() -> {
      if (!Files.isDirectory(data)) {
        throw new IllegalStateException("no training data at " + data.toAbsolutePath().normalize() + " (set --data)");
      }
      try {
        return TrainingPool.from(TrainingCorpus.builder().dataDir(data).build().assemble(), Canonicalizer.defaults());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Embedder embedder = lazyEmbedder(encoder);
    RapidResponse.Builder b = RapidResponse.builder()
        .store(store)
        .clock(clock)
        // Leases by the database's clock where servers share PostgreSQL: their own clocks may drift.
        .leaseClock(dev.bulwark.response.internal.StoreTime.clock(store, clock))
        .gate(cfg.response().gate())
        .embedder(embedder)
        .encoder(encoder)
        .baseClassifier(base)
        .pool(pool)
        .evaluationBase(evaluationBase(cfg, base))
        .reviews(reviews(store, null, clock));
    return b;
  }

  /**
   * Runs {@code work} (a patch, or an intake round that may patch) while {@code responder}'s leases are
   * renewed on a daemon thread of its own, as a server's shadow timer renews them: a CLI patch that runs
   * longer than the patch lease stays exclusive. The thread ends with the work, however it ends.
   */
  static <T> T renewingLeases(RapidResponse responder, Supplier<T> work) {
    ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-lease-renewal");
      t.setDaemon(true);
      return t;
    });
    try {
      return renewingLeases(responder, renewals, LeaseRenewal.DEFAULT_INTERVAL, work);
    } finally {
      renewals.shutdownNow();
    }
  }

  /** As {@link #renewingLeases(RapidResponse, Supplier)}, on the caller's scheduler (left running). */
  static <T> T renewingLeases(RapidResponse responder, ScheduledExecutorService renewals, Duration every,
      Supplier<T> work) {
    LeaseRenewal renewing = LeaseRenewal.start(responder, renewals, every);
    try {
      return work.get();
    } finally {
      renewing.close();
    }
  }

  static ReviewQueue reviews(Store store, java.util.@Nullable List<String> seniors) {
    return reviews(store, seniors, Clock.systemUTC());
  }

  static ReviewQueue reviews(Store store, java.util.@Nullable List<String> seniors, Clock clock) {
    ReviewQueue.Settings s = ReviewQueue.Settings.defaults();
    if (seniors != null) {
      s = s.withSeniors(seniors);
    }
    return new ReviewQueue(new dev.bulwark.response.ResponseStore(store),
        new dev.bulwark.response.internal.Audit(store.events(), clock), new Redactor(), s);
  }

  /** The configured stages, built as {@code serve} builds them, to run on the caller's thread. */
  static SafeguardPipeline evaluationBase(BulwarkConfig cfg, Supplier<BaseClassifier> base) {
    return dev.bulwark.app.Stages.pipeline(
        cfg, k -> (k.model().equals("builtin") ? base.get() : load(k)).bundle(), Runnable::run);
  }

  private static BaseClassifier baseClassifier(BulwarkConfig cfg, Supplier<Encoder> encoder) {
    for (BulwarkConfig.StageSpec spec : cfg.stages()) {
      if (spec instanceof BulwarkConfig.Classifier k && !k.model().equals("builtin")) {
        return load(k);
      }
    }
    return BaseClassifier.builtIn(encoder);
  }

  private static BaseClassifier load(BulwarkConfig.Classifier k) {
    try {
      byte[] bytes = Files.readAllBytes(Path.of(k.model()));
      dev.bulwark.classify.model.ModelArchive.read(bytes, k.digest());
      return BaseClassifier.of(bytes, Encoder::minilm);
    } catch (IOException e) {
      throw new UncheckedIOException("stages." + k.name() + ".model: cannot read " + k.model(), e);
    }
  }

  private static Embedder lazyEmbedder(Supplier<Encoder> encoder) {
    Supplier<Embedder> e = memo(() -> Embedder.minilm(encoder.get(), Canonicalizer.defaults(), Embedder.DEFAULT_MAX_WINDOWS));
    return new Embedder() {
      @Override
      public String encoderId() {
        return e.get().encoderId();
      }

      @Override
      public java.util.List<float[]> embed(String text) {
        return e.get().embed(text);
      }
    };
  }

  static <T> Supplier<T> memo(Supplier<T> s) {
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
