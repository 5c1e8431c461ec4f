package dev.bulwark.classify;

import dev.bulwark.core.CategoryScores;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calibrated probabilities, one per {@link Category}, in {@link Category#ALL} order. Immutable.
 */
public final class Probabilities {
  private static final Probabilities ZERO = new Probabilities(new double[Category.ALL.size()]);

  private final double[] values;

  private Probabilities(double[] values) {
    this.values = values;
  }

  /** All zero. */
  public static Probabilities zero() {
    return ZERO;
  }

  /**
   * Probabilities from an array in {@link Category#ALL} order (copied).
   *
   * @throws IllegalArgumentException on a wrong length or a value outside [0, 1]
   */
  public static Probabilities of(double... values) {
    if (values.length != Category.ALL.size()) {
      throw new IllegalArgumentException(
          "expected " + Category.ALL.size() + " probabilities, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] >= 0.0 && values[i] <= 1.0)) {
        throw new IllegalArgumentException(
            "probability of " + Category.ALL.get(i).id() + " must be in [0, 1], was " + values[i]);
      }
    }
    return new Probabilities(values.clone());
  }

  /** One category's probability. */
  public double get(Category category) {
    return values[category.ordinal()];
  }

  /** The largest probability over all categories. */
  public double max() {
    double m = 0;
    for (double v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  /** The category with the largest probability (the first on ties). */
  public Category argmax() {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return Category.ALL.get(best);
  }

  /** The element-wise maximum of this and {@code other}. */
  public Probabilities maxWith(Probabilities other) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(values[i], other.values[i]);
    }
    return new Probabilities(out);
  }

  /** A copy of the values, in {@link Category#ALL} order. */
  public double[] toArray() {
    return values.clone();
  }

  /** As the pipeline's scores, keyed by category id. */
  public CategoryScores toCategoryScores() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (Category c : Category.ALL) {
      m.put(c.id(), values[c.ordinal()]);
    }
    return CategoryScores.copyOf(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Probabilities p && Arrays.equals(values, p.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Probabilities{");
    for (Category c : Category.ALL) {
      if (c.ordinal() > 0) {
        b.append(", ");
      }
      b.append(c.id()).append('=').append(String.format(java.util.Locale.ROOT, "%.4f", values[c.ordinal()]));
    }
    return b.append('}').toString();
  }
}
