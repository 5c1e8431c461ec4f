package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The latest window embeddings an encoder computed, by window text, so that two stages reading the
 * same window of the same prompt (the classifier's stage 2 and a rapid-response detector's, or the
 * exemplar stage's) pay for the model once.
 *
 * <p>Bounded: two generations of at most {@code capacity} entries each. New entries go to the young
 * generation; when it is full it becomes the old one and the previous old one is dropped; a hit in the
 * old generation is copied to the young one. At most {@code 2 * capacity} entries are held, each a
 * window's text (at most {@value WindowPolicy#MODEL_MAX_PIECES} word pieces) and 384 floats.
 *
 * <p>Thread-safe; lookups take no lock. Vectors are copied in and out, so a caller that changes its
 * array changes nothing here.
 */
final class RecentEmbeddings {
  private final int capacity;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private volatile ConcurrentHashMap<String, float[]> young;
  private volatile ConcurrentHashMap<String, float[]> old;

  /** @param capacity entries per generation, at least 1 */
  RecentEmbeddings(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.young = new ConcurrentHashMap<>();
    this.old = new ConcurrentHashMap<>();
  }

  /** A copy of the remembered embedding of {@code text}, or null (counted as a hit or a miss). */
  @Nullable float[] get(String text) {
    requireNonNull(text, "text");
    float[] v = young.get(text);
    if (v == null) {
      v = old.get(text);
      if (v != null) {
        young(text, v);
      }
    }
    if (v == null) {
      misses.increment();
      return null;
    }
    hits.increment();
    return v.clone();
  }

  /** Remembers a copy of {@code vector} as the embedding of {@code text}. */
  void put(String text, float[] vector) {
    requireNonNull(text, "text");
    young(text, vector.clone());
  }

  /** Forgets every remembered embedding (the counts stay). */
  synchronized void clear() {
    young = new ConcurrentHashMap<>();
    old = new ConcurrentHashMap<>();
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }

  private void young(String text, float[] vector) {
    ConcurrentHashMap<String, float[]> y = young;
    y.put(text, vector);
    if (y.size() >= capacity) {
      synchronized (this) {
        if (young == y) {
          old = y;
          young = new ConcurrentHashMap<>();
        }
      }
    }
  }
}
