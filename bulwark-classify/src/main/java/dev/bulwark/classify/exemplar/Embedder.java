package dev.bulwark.classify.exemplar;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.Window;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a text into the vectors an {@link ExemplarIndex} compares: one L2-normalized embedding per
 * window of the text. Implementations are thread-safe.
 */
public interface Embedder {
  /**
   * The windows rapid response's exemplar patches are embedded with, and that the gateway's exemplar
   * stage and the monitor embed prompts with to compare against them.
   */
  int DEFAULT_MAX_WINDOWS = 6;

  /** The id of the encoder behind the vectors; an index refuses vectors of another encoder. */
  String encoderId();

  /**
   * The vectors of a text's windows, in text order; empty for a text with no words.
   *
   * @throws RuntimeException when the encoder fails; a stage then applies its tier's failure mode
   */
  List<float[]> embed(String text);

  /**
   * Embeds the canonicalizer's primary (normalized) view of a text with MiniLM, window by window.
   *
   * <p>A text longer than {@code maxWindows} windows keeps its first {@code maxWindows - 1} windows and
   * its last one: a wrapper's opening and the end of a prompt, where the request usually sits, bound
   * the cost of a very long prompt (about 12 ms a window on one core).
   */
  static Embedder minilm(Encoder encoder, Canonicalizer canonicalizer, int maxWindows) {
    requireNonNull(encoder, "encoder");
    requireNonNull(canonicalizer, "canonicalizer");
    if (maxWindows < 1) {
      throw new IllegalArgumentException("maxWindows must be >= 1, was " + maxWindows);
    }
    return new Embedder() {
      @Override
      public String encoderId() {
        return encoder.id();
      }

      @Override
      public List<float[]> embed(String text) {
        String normalized = canonicalizer.canonicalize(requireNonNull(text, "text")).primary().text();
        List<Window> windows = encoder.windows(normalized);
        List<Window> kept = windows;
        if (windows.size() > maxWindows) {
          kept = new ArrayList<>(windows.subList(0, maxWindows - 1));
          kept.add(windows.get(windows.size() - 1));
        }
        List<float[]> out = new ArrayList<>(kept.size());
        for (Window w : kept) {
          out.add(ExemplarIndex.normalize(encoder.embed(w.text())));
        }
        return List.copyOf(out);
      }

      @Override
      public String toString() {
        return "Embedder{" + encoder.id() + ", maxWindows=" + maxWindows + "}";
      }
    };
  }

  /**
   * {@code embedder} with the vectors of the last {@code maxEntries} texts kept (least recently used
   * dropped first), for evaluation loops that score the same texts against many candidates. The
   * vectors handed out are shared: callers must not change them.
   */
  static Embedder memoizing(Embedder embedder, int maxEntries) {
    requireNonNull(embedder, "embedder");
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1, was " + maxEntries);
    }
    Map<String, List<float[]>> cache = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, List<float[]>> eldest) {
        return size() > maxEntries;
      }
    };
    return new Embedder() {
      @Override
      public String encoderId() {
        return embedder.encoderId();
      }

      @Override
      public List<float[]> embed(String text) {
        synchronized (cache) {
          List<float[]> hit = cache.get(text);
          if (hit != null) {
            return hit;
          }
        }
        // Computed outside the lock: two threads may embed the same text once each, never wait.
        List<float[]> v = embedder.embed(text);
        synchronized (cache) {
          cache.put(text, v);
        }
        return v;
      }
    };
  }
}
