package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A brute-force {@link ExemplarIndex}: a dot product with every exemplar (vectors are normalized, so
 * that is the cosine). Enough for thousands of exemplars (384 multiply-adds each, a few microseconds
 * per thousand); swap in an approximate index behind the same interface beyond that.
 *
 * <p>Concurrency: searches read an immutable snapshot; {@link #add} replaces it under a lock
 * (copy-on-write), so readers never block and see every completed addition.
 */
public final class InMemoryExemplarIndex implements ExemplarIndex {
  private final String encoderId;
  private final int dimensions;
  private final Object lock = new Object();
  private volatile Snapshot snapshot = new Snapshot(List.of(), new float[0][]);

  public InMemoryExemplarIndex(String encoderId, int dimensions) {
    this.encoderId = requireNonNull(encoderId, "encoderId");
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be >= 1, was " + dimensions);
    }
    this.dimensions = dimensions;
  }

  @Override
  public String encoderId() {
    return encoderId;
  }

  @Override
  public List<Neighbour> nearest(float[] query, int k) {
    requireNonNull(query, "query");
    checkDimensions(query);
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    Snapshot s = snapshot;
    PriorityQueue<Neighbour> best = new PriorityQueue<>(Comparator.comparingDouble(Neighbour::similarity));
    for (int i = 0; i < s.vectors.length; i++) {
      double sim = dot(query, s.vectors[i]);
      if (best.size() < k) {
        best.add(new Neighbour(s.exemplars.get(i), sim));
      } else if (sim > best.peek().similarity()) {
        best.poll();
        best.add(new Neighbour(s.exemplars.get(i), sim));
      }
    }
    List<Neighbour> out = new ArrayList<>(best);
    out.sort(Comparator.comparingDouble(Neighbour::similarity).reversed());
    return out;
  }

  @Override
  public void add(Exemplar exemplar, float[] embedding) {
    requireNonNull(exemplar, "exemplar");
    requireNonNull(embedding, "embedding");
    checkDimensions(embedding);
    float[] copy = embedding.clone();
    synchronized (lock) {
      Snapshot s = snapshot;
      List<Exemplar> exemplars = new ArrayList<>(s.exemplars);
      List<float[]> vectors = new ArrayList<>(List.of(s.vectors));
      int at = -1;
      for (int i = 0; i < exemplars.size(); i++) {
        if (exemplars.get(i).id().equals(exemplar.id())) {
          at = i;
        }
      }
      if (at >= 0) {
        exemplars.set(at, exemplar);
        vectors.set(at, copy);
      } else {
        exemplars.add(exemplar);
        vectors.add(copy);
      }
      snapshot = new Snapshot(List.copyOf(exemplars), vectors.toArray(new float[0][]));
    }
  }

  @Override
  public int size() {
    return snapshot.exemplars.size();
  }

  private void checkDimensions(float[] v) {
    if (v.length != dimensions) {
      throw new IllegalArgumentException("expected " + dimensions + " dimensions, was " + v.length);
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Override
  public String toString() {
    return "InMemoryExemplarIndex{encoder=" + encoderId + ", size=" + size() + "}";
  }

  private record Snapshot(List<Exemplar> exemplars, float[][] vectors) {}
}
