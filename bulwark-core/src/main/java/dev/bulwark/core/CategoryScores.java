package dev.bulwark.core;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores in [0, 1] per harm category (for example {@code cbrn.biological} or {@code jailbreak}).
 * Immutable; iteration is in category-name order so that serialized events are stable.
 */
public final class CategoryScores {
  private static final CategoryScores NONE = new CategoryScores(new TreeMap<>());

  private final Map<String, Double> scores;

  private CategoryScores(TreeMap<String, Double> scores) {
    this.scores = Collections.unmodifiableMap(scores);
  }

  /** No scores: the stage does not score by category, or it did not run. */
  public static CategoryScores none() {
    return NONE;
  }

  /** One category's score. */
  public static CategoryScores of(String category, double score) {
    return copyOf(Map.of(category, score));
  }

  /**
   * A copy of the given scores.
   *
   * @throws IllegalArgumentException if a score is not a number in [0, 1] or a category is blank
   */
  public static CategoryScores copyOf(Map<String, Double> scores) {
    requireNonNull(scores, "scores");
    if (scores.isEmpty()) {
      return NONE;
    }
    TreeMap<String, Double> copy = new TreeMap<>();
    for (Map.Entry<String, Double> e : scores.entrySet()) {
      String category = requireNonNull(e.getKey(), "category");
      double score = requireNonNull(e.getValue(), "score");
      if (category.isBlank()) {
        throw new IllegalArgumentException("category must not be blank");
      }
      if (!(score >= 0.0 && score <= 1.0)) {
        throw new IllegalArgumentException(
            "score for " + category + " must be in [0, 1], was " + score);
      }
      copy.put(category, score);
    }
    return new CategoryScores(copy);
  }

  /** The scores, by category, in category order. */
  public Map<String, Double> asMap() {
    return scores;
  }

  /** The score of one category, or 0 when it was not scored. */
  public double get(String category) {
    return scores.getOrDefault(category, 0.0);
  }

  /** The highest score over all categories, or 0 when there are none. */
  public double max() {
    double max = 0.0;
    for (double s : scores.values()) {
      max = Math.max(max, s);
    }
    return max;
  }

  /** Whether there are no scores. */
  public boolean isEmpty() {
    return scores.isEmpty();
  }

  /** The element-wise maximum of two sets of scores. */
  public CategoryScores union(CategoryScores other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    TreeMap<String, Double> merged = new TreeMap<>(scores);
    other.scores.forEach((k, v) -> merged.merge(k, v, Math::max));
    return new CategoryScores(merged);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CategoryScores && ((CategoryScores) o).scores.equals(scores);
  }

  @Override
  public int hashCode() {
    return scores.hashCode();
  }

  @Override
  public String toString() {
    return scores.toString();
  }
}
