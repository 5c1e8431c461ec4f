package dev.bulwark.response.patch;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.model.EmbeddingCache;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.Window;
import dev.bulwark.classify.model.WindowPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The window embeddings a stage-2 classifier patch trains on, kept between patches: the replayed base
 * prompts and the calibration prompts are the same in every patch, so a responder that keeps this
 * object embeds them once. A bounded in-memory map (least recently used dropped first) in front of
 * an optional {@link EmbeddingCache} (on disk, shared between runs): a window missing from both is
 * embedded by the encoder on {@code parallelism} threads. The window texts of whole texts are kept
 * too (cutting windows means tokenizing).
 *
 * <p>A vector depends only on the encoder and the window's text, and a text's windows only on the
 * encoder, its window policy and the text, so what this object holds never changes a patch's result,
 * only its time. Keys are the encoder id (and window policy) and the text.
 *
 * <p>Concurrency: thread-safe. Each map is guarded by its own lock; encoder and tokenizer calls run
 * outside it (two threads may embed the same window once each). The vectors and lists handed out are
 * shared: callers must not change them.
 */
public final class Stage2Embeddings {
  /** The on-disk cache, asked for at the first window that misses memory (and then by every miss). */
  private final Supplier<@Nullable EmbeddingCache> cache;
  private final int parallelism;
  // @GuardedBy("memo")
  private final Map<Key, float[]> memo;
  // @GuardedBy("cuts")
  private final Map<Cut, List<String>> cuts;

  private record Key(String encoderId, String text) {}

  private record Cut(String encoderId, WindowPolicy policy, int max, String text) {}

  /**
   * @param cache the on-disk cache to read and fill, or null for memory only
   * @param maxEntries windows kept in memory, at least 1 (one is 1.5 KiB)
   * @param parallelism encoder threads, at least 1
   */
  public Stage2Embeddings(@Nullable EmbeddingCache cache, int maxEntries, int parallelism) {
    this(() -> cache, maxEntries, parallelism);
  }

  private Stage2Embeddings(Supplier<@Nullable EmbeddingCache> cache, int maxEntries, int parallelism) {
    requireNonNull(cache, "cache");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
    }
    this.cache = cache;
    this.parallelism = parallelism;
    this.memo = new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
        return size() > maxEntries;
      }
    };
    this.cuts = new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Cut, List<String>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /**
   * The window texts of {@code text} as {@code encoder} cuts them, at most {@code max}: the first
   * {@code max - 1} and the last (the wrapper's opening and the end, where a request usually is);
   * empty for a text without word pieces.
   */
  public List<String> windows(Encoder encoder, String text, int max) {
    requireNonNull(encoder, "encoder");
    requireNonNull(text, "text");
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, was " + max);
    }
    Cut key = new Cut(encoder.id(), encoder.windowPolicy(), max, text);
    synchronized (cuts) {
      List<String> hit = cuts.get(key);
      if (hit != null) {
        return hit;
      }
    }
    List<Window> ws = encoder.windows(text);
    List<String> out = new ArrayList<>(Math.min(ws.size(), max));
    for (int k = 0; k < ws.size(); k++) {
      if (k < max - 1 || k == ws.size() - 1) {
        out.add(ws.get(k).text());
      }
    }
    List<String> kept = List.copyOf(out);
    synchronized (cuts) {
      cuts.put(key, kept);
    }
    return kept;
  }

  /** Memory for 12,000 windows (about 18 MiB), the given cache, one encoder thread per core. */
  public static Stage2Embeddings defaults(@Nullable EmbeddingCache cache) {
    return new Stage2Embeddings(cache, 12_000, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /**
   * As {@link #defaults}, with the on-disk cache opened only when a window misses memory: a process
   * that never fine-tunes stage 2 (a patch without a classifier, one refused before it, one that skips
   * stage 2) never opens it, and never holds its file lock. {@code cache} is asked on every miss, so it
   * should memoize (and may answer null: no cache).
   */
  public static Stage2Embeddings onFirstUse(Supplier<@Nullable EmbeddingCache> cache) {
    return new Stage2Embeddings(cache, 12_000, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** The on-disk cache behind the memory, if any (opening it, for one given {@link #onFirstUse}). */
  public @Nullable EmbeddingCache cache() {
    return cache.get();
  }

  /**
   * The embeddings of window texts, in order: from memory, else from the cache, else embedded (and
   * then kept in both). A text repeated in {@code windows} is embedded once.
   */
  public List<float[]> embedAll(Encoder encoder, List<String> windows) {
    requireNonNull(encoder, "encoder");
    String id = encoder.id();
    float[][] out = new float[windows.size()][];
    Set<String> todo = new LinkedHashSet<>();
    synchronized (memo) {
      for (int i = 0; i < out.length; i++) {
        float[] v = memo.get(new Key(id, requireNonNull(windows.get(i), "window")));
        if (v != null) {
          out[i] = v;
        } else {
          todo.add(windows.get(i));
        }
      }
    }
    if (!todo.isEmpty()) {
      List<String> texts = new ArrayList<>(todo);
      EmbeddingCache disk = cache.get();
      List<float[]> vectors =
          disk != null ? disk.embedAll(encoder, texts, parallelism) : encoder.embedAll(texts, parallelism);
      Map<String, float[]> fresh = new LinkedHashMap<>();
      for (int j = 0; j < texts.size(); j++) {
        fresh.put(texts.get(j), vectors.get(j));
      }
      synchronized (memo) {
        fresh.forEach((t, v) -> memo.put(new Key(id, t), v));
      }
      for (int i = 0; i < out.length; i++) {
        if (out[i] == null) {
          out[i] = fresh.get(windows.get(i));
        }
      }
    }
    return List.of(out);
  }

  /** How many window embeddings are held in memory. */
  public int size() {
    synchronized (memo) {
      return memo.size();
    }
  }
}
