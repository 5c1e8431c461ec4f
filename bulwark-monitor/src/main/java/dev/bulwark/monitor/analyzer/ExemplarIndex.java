package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Nearest neighbours among known exemplars, by cosine similarity of their embeddings. The monitor's
 * exemplar analyzer reads it; rapid response adds to it as new jailbreaks are confirmed.
 * Implementations are thread-safe: additions are visible to later searches.
 */
public interface ExemplarIndex {
  /** The id of the encoder whose vectors the index holds (vectors of another encoder do not compare). */
  String encoderId();

  /**
   * Up to {@code k} exemplars most similar to {@code query} (an L2-normalized embedding), most
   * similar first.
   */
  List<Neighbour> nearest(float[] query, int k);

  /** Adds {@code exemplar} with its L2-normalized embedding; an id already present is replaced. */
  void add(Exemplar exemplar, float[] embedding);

  int size();

  /** One search result: an exemplar and its cosine similarity to the query, in [-1, 1]. */
  record Neighbour(Exemplar exemplar, double similarity) {
    public Neighbour {
      requireNonNull(exemplar, "exemplar");
    }
  }
}
