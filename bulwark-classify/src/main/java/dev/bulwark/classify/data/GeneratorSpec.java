package dev.bulwark.classify.data;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How much the generator makes of each kind, and its seed. The defaults give about 35,000 examples.
 * For derived kinds the count is the total over all splits ({@link TrainingCorpus} shares it out in
 * proportion to each split's pool).
 *
 * @param seed the random seed: the same seed and constitution give the same examples in the same order
 * @param counts the count of every kind
 */
public record GeneratorSpec(long seed, Map<SyntheticKind, Integer> counts) {
  /** The default seed. */
  public static final long DEFAULT_SEED = 20_241_015L;

  public GeneratorSpec {
    EnumMap<SyntheticKind, Integer> c = new EnumMap<>(SyntheticKind.class);
    for (SyntheticKind k : SyntheticKind.values()) {
      Integer n = counts.get(k);
      if (n == null) {
        throw new IllegalArgumentException("no count for " + k.id());
      }
      if (n < 0) {
        throw new IllegalArgumentException("count of " + k.id() + " must be >= 0, was " + n);
      }
      c.put(k, n);
    }
    counts = Collections.unmodifiableMap(c);
  }

  /** The default counts ({@link SyntheticKind#defaultCount()}) and {@link #DEFAULT_SEED}. */
  public static GeneratorSpec defaults() {
    EnumMap<SyntheticKind, Integer> c = new EnumMap<>(SyntheticKind.class);
    for (SyntheticKind k : SyntheticKind.values()) {
      c.put(k, k.defaultCount());
    }
    return new GeneratorSpec(DEFAULT_SEED, c);
  }

  /** This spec with another seed. */
  public GeneratorSpec withSeed(long newSeed) {
    return new GeneratorSpec(newSeed, counts);
  }

  /** This spec with one kind's count changed. */
  public GeneratorSpec withCount(SyntheticKind kind, int count) {
    EnumMap<SyntheticKind, Integer> c = new EnumMap<>(counts);
    c.put(kind, count);
    return new GeneratorSpec(seed, c);
  }

  /** This spec with every count multiplied by {@code factor} and rounded. */
  public GeneratorSpec scaled(double factor) {
    if (!(factor >= 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be finite and >= 0, was " + factor);
    }
    EnumMap<SyntheticKind, Integer> c = new EnumMap<>(SyntheticKind.class);
    counts.forEach((k, n) -> c.put(k, (int) Math.round(n * factor)));
    return new GeneratorSpec(seed, c);
  }

  /** One kind's count. */
  public int count(SyntheticKind kind) {
    return counts.get(kind);
  }

  /** The sum of all counts. */
  public int total() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** A one-line description for logs and provenance, e.g. {@code seed=7 cbrn-request=6000 ...}. */
  public String describe() {
    return "seed=" + seed + " " + counts.entrySet().stream()
        .map(e -> e.getKey().id() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }
}
