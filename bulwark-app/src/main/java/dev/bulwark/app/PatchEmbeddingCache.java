package dev.bulwark.app;

import dev.bulwark.classify.model.EmbeddingCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The on-disk embedding cache of the classifier patches a server makes ({@code response.embedding_cache}),
 * so that its first patch reads the replayed and calibration windows instead of embedding about a
 * thousand of them again. Opened on first use, when the server builds its responder, not at start-up:
 * a server that never patches neither reads the cache's index nor holds its file lock (which would
 * keep {@code bulwark train} off the same folder).
 *
 * <p>A cache that cannot be opened (a folder that cannot be created, a file that is not a cache, a
 * cache another process holds) costs time, not the patch: the server patches without one and says so
 * once, as a warning.
 *
 * <p>Thread-safe; {@link #close()} after the last patch (the server closes it after its admin API).
 */
final class PatchEmbeddingCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PatchEmbeddingCache.class);

  private final @Nullable Path directory;
  // @GuardedBy("this")
  private boolean tried;
  // @GuardedBy("this")
  private @Nullable EmbeddingCache cache;
  // @GuardedBy("this")
  private @Nullable String problem;

  /** @param directory the cache's folder, or null for no cache */
  PatchEmbeddingCache(@Nullable Path directory) {
    this.directory = directory;
  }

  /** The cache, opened on the first call; null when none is configured or it could not be opened. */
  synchronized @Nullable EmbeddingCache get() {
    if (tried || directory == null) {
      return cache;
    }
    tried = true;
    try {
      cache = EmbeddingCache.open(directory);
      log.info("rapid response: classifier patches use the embedding cache {} ({} embeddings)", cache.file(),
          cache.size());
    } catch (IOException | RuntimeException e) {
      problem = e.getMessage() == null ? e.toString() : e.getMessage();
      log.warn("rapid response: the embedding cache {} cannot be used ({}); classifier patches embed without it",
          directory, problem);
    }
    return cache;
  }

  /** Why the configured cache could not be opened, once {@link #get()} has tried. */
  synchronized Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  @Override
  public synchronized void close() {
    if (cache == null) {
      return;
    }
    try {
      cache.close();
    } catch (IOException e) {
      log.warn("rapid response: closing the embedding cache {} failed: {}", cache.file(), e.getMessage());
    }
    cache = null;
  }
}
