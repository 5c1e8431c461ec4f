package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Stage1Trainer} trains.
 *
 * @param epochs passes over the training set, 1 to 1000
 * @param learningRate AdaGrad's base step, in (0, 10]
 * @param l2 L2 penalty per update of an active weight, in [0, 1]
 * @param features the feature configuration (hash bits, n-gram range)
 * @param classWeighting how much a positive counts against a negative, per category
 * @param maxPositiveWeight the cap on a positive's weight, at least 1
 * @param seed the seed of the example order; the same data, settings and seed give the same model
 */
public record TrainingSettings(
    int epochs,
    double learningRate,
    double l2,
    FeatureHasher features,
    ClassWeighting classWeighting,
    double maxPositiveWeight,
    long seed) {

  /** How a category's positives are weighted, given its {@code positives} and {@code negatives}. */
  public enum ClassWeighting {
    /** Every example counts 1. */
    NONE,
    /** A positive counts {@code sqrt(negatives / positives)}, capped; a gentler correction. */
    SQRT_BALANCED,
    /**
     * A positive counts {@code negatives / positives}, capped, so that each category's positives and
     * negatives weigh the same in total. For the rare categories (jailbreak, the CBRN ones) this is what
     * keeps the model from learning to always say no; calibration afterwards restores probabilities.
     */
    BALANCED;

    /** The weight of one positive; never below 1. */
    public double positiveWeight(long positives, long negatives, double cap) {
      if (positives == 0 || negatives <= positives || this == NONE) {
        return 1.0;
      }
      double ratio = (double) negatives / positives;
      return Math.min(cap, this == BALANCED ? ratio : Math.sqrt(ratio));
    }
  }

  public TrainingSettings {
    requireNonNull(features, "features");
    requireNonNull(classWeighting, "classWeighting");
    if (epochs < 1 || epochs > 1000) {
      throw new IllegalArgumentException("epochs must be in [1, 1000], was " + epochs);
    }
    if (!(learningRate > 0 && learningRate <= 10)) {
      throw new IllegalArgumentException("learning rate must be in (0, 10], was " + learningRate);
    }
    if (!(l2 >= 0 && l2 <= 1)) {
      throw new IllegalArgumentException("L2 must be in [0, 1], was " + l2);
    }
    if (!(maxPositiveWeight >= 1 && maxPositiveWeight <= 1e6)) {
      throw new IllegalArgumentException("max positive weight must be in [1, 1e6], was " + maxPositiveWeight);
    }
  }

  /** The defaults: 5 epochs, learning rate 0.1, L2 1e-6, default features, balanced weights capped at 50, seed 1. */
  public static TrainingSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The settings as plain values, for a model's provenance. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs", epochs);
    m.put("learningRate", learningRate);
    m.put("l2", l2);
    m.put("hashBits", features.hashBits());
    m.put("charNgramMin", features.charNgramMin());
    m.put("charNgramMax", features.charNgramMax());
    m.put("wordUnigrams", features.wordUnigrams());
    m.put("wordBigrams", features.wordBigrams());
    m.put("featureScheme", FeatureHasher.SCHEME);
    m.put("classWeighting", classWeighting.name());
    m.put("maxPositiveWeight", maxPositiveWeight);
    m.put("seed", seed);
    return m;
  }

  /** Builds {@link TrainingSettings}; each setting may be set once, and unset ones take the defaults. */
  public static final class Builder {
    private @Nullable Integer epochs;
    private @Nullable Double learningRate;
    private @Nullable Double l2;
    private @Nullable Integer hashBits;
    private @Nullable FeatureHasher features;
    private @Nullable ClassWeighting classWeighting;
    private @Nullable Double maxPositiveWeight;
    private @Nullable Long seed;

    private Builder() {}

    public Builder epochs(int epochs) {
      this.epochs = once(this.epochs, epochs, "epochs");
      return this;
    }

    public Builder learningRate(double learningRate) {
      this.learningRate = once(this.learningRate, learningRate, "learning rate");
      return this;
    }

    public Builder l2(double l2) {
      this.l2 = once(this.l2, l2, "L2");
      return this;
    }

    /** The hash bits of otherwise default features; not together with {@link #features}. */
    public Builder hashBits(int hashBits) {
      this.hashBits = once(this.hashBits, hashBits, "hash bits");
      return this;
    }

    /** The whole feature configuration; not together with {@link #hashBits}. */
    public Builder features(FeatureHasher features) {
      this.features = once(this.features, requireNonNull(features, "features"), "features");
      return this;
    }

    public Builder classWeighting(ClassWeighting classWeighting) {
      this.classWeighting = once(this.classWeighting, requireNonNull(classWeighting, "classWeighting"), "class weighting");
      return this;
    }

    public Builder maxPositiveWeight(double maxPositiveWeight) {
      this.maxPositiveWeight = once(this.maxPositiveWeight, maxPositiveWeight, "max positive weight");
      return this;
    }

    public Builder seed(long seed) {
      this.seed = once(this.seed, seed, "seed");
      return this;
    }

    /**
     * @throws IllegalStateException when both hash bits and features are set
     * @throws IllegalArgumentException when a value is out of range
     */
    public TrainingSettings build() {
      if (hashBits != null && features != null) {
        throw new IllegalStateException(
            "hash bits (" + hashBits + ") and features (" + features + ") are both set; set the bits on the features");
      }
      FeatureHasher f =
          features != null
              ? features
              : hashBits != null ? FeatureHasher.builder().hashBits(hashBits).build() : FeatureHasher.DEFAULT;
      return new TrainingSettings(
          epochs != null ? epochs : 5,
          learningRate != null ? learningRate : 0.1,
          l2 != null ? l2 : 1e-6,
          f,
          classWeighting != null ? classWeighting : ClassWeighting.BALANCED,
          maxPositiveWeight != null ? maxPositiveWeight : 50.0,
          seed != null ? seed : 1L);
    }

    private static <T> T once(@Nullable T current, T value, String what) {
      if (current != null) {
        throw new IllegalStateException(what + " was already set to " + current);
      }
      return value;
    }
  }
}
