package dev.bulwark.app;

import static java.util.Objects.requireNonNull;

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
 * once, as a warning. {@link #openOrWarn} is that rule for every command with a cache ({@code bulwark
 * train}, {@code bulwark respond patch}), each saying it its own way ({@link Problems}).
 *
 * <p>Thread-safe; {@link #close()} after the last patch (the server closes it after its admin API).
 */
public final class PatchEmbeddingCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PatchEmbeddingCache.class);

  /** Told once about a cache that cannot be used: its folder and why. */
  @FunctionalInterface
  public interface Problems {
    void cannotOpen(Path folder, String reason);
  }

  /** The server's way: one warning in the log. */
  private static final Problems LOG = (folder, reason) -> log.warn(
      "rapid response: the embedding cache {} cannot be used ({}); classifier patches embed without it", folder, reason);

  private final @Nullable Path directory;
  private final Problems problems;
  // @GuardedBy("this")
  private boolean tried;
  // @GuardedBy("this")
  private @Nullable EmbeddingCache cache;
  // @GuardedBy("this")
  private @Nullable String problem;

  /** @param directory the cache's folder, or null for no cache; a problem is logged as a warning */
  PatchEmbeddingCache(@Nullable Path directory) {
    this(directory, LOG);
  }

  /**
   * @param directory the cache's folder, or null for no cache
   * @param problems told once when the cache cannot be opened
   */
  public PatchEmbeddingCache(@Nullable Path directory, Problems problems) {
    this.directory = directory;
    this.problems = requireNonNull(problems, "problems");
  }

  /**
   * Opens the cache in {@code folder}, or tells {@code problems} why it cannot: a cache is a speed-up,
   * so a folder that cannot be created, a file that is not a cache, or a cache another process holds
   * (a running server's patches, a {@code bulwark train}) costs time, never the run.
   *
   * @return the cache (the caller closes it), or null
   */
  public static @Nullable EmbeddingCache openOrWarn(Path folder, Problems problems) {
    requireNonNull(folder, "folder");
    requireNonNull(problems, "problems");
    try {
      return EmbeddingCache.open(folder);
    } catch (IOException | RuntimeException e) {
      problems.cannotOpen(folder, reason(e));
      return null;
    }
  }

  /**
   * The folder a {@code --cache} option names: {@code defaultFolder} when absent, null for {@code
   * none}.
   */
  public static @Nullable Path folder(@Nullable String option, @Nullable Path defaultFolder) {
    if (option == null) {
      return defaultFolder;
    }
    return option.strip().equals("none") ? null : Path.of(option.strip());
  }

  private static String reason(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** The cache, opened on the first call; null when none is configured or it could not be opened. */
  public synchronized @Nullable EmbeddingCache get() {
    if (tried || directory == null) {
      return cache;
    }
    tried = true;
    cache = openOrWarn(directory, (folder, reason) -> {
      problem = reason;
      problems.cannotOpen(folder, reason);
    });
    if (cache != null) {
      log.info("rapid response: classifier patches use the embedding cache {} ({} embeddings)", cache.file(),
          cache.size());
    }
    return cache;
  }

  /** Why the configured cache could not be opened, once {@link #get()} has tried. */
  public synchronized Optional<String> problem() {
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
