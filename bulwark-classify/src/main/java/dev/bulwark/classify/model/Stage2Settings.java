package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How {@link Stage2Trainer} trains a head. Every combination the constructor accepts trains.
 *
 * @param architecture MLP, logistic, or both and keep the one with the lower held-out loss
 * @param hidden the MLP's hidden units, in [1, 4096] (ignored by a logistic head)
 * @param epochs the most passes over the training split, in [1, 10000]
 * @param patience stop after this many epochs without a lower held-out loss, in [1, 10000] (at
 *     least {@code epochs}: never stop early); the weights of the best epoch are kept
 * @param batchSize examples per Adam step, in [1, 65536]
 * @param learningRate Adam's step size, in (0, 1]
 * @param weightDecay decoupled weight decay per step (AdamW) on the weight matrices, in [0, 1)
 * @param calibrationFraction the share of groups held out for early stopping, the architecture choice
 *     and Platt scaling, in [0.05, 0.5]
 * @param maxPositiveWeight the cap on a category's positive-example weight ({@code negatives /
 *     positives} in the training split, at least 1), in [1, 10000]
 * @param seed seeds the split, the initial weights and the shuffles: the same seed and data give the
 *     same head, bit for bit
 */
public record Stage2Settings(
    Architecture architecture,
    int hidden,
    int epochs,
    int patience,
    int batchSize,
    double learningRate,
    double weightDecay,
    double calibrationFraction,
    double maxPositiveWeight,
    long seed) {

  /** The head's shape. */
  public enum Architecture {
    /** Train both and keep the MLP only if its held-out loss is lower than the logistic layer's. */
    AUTO,
    /** One hidden ReLU layer. */
    MLP,
    /** A linear layer and sigmoids. */
    LOGISTIC
  }

  public Stage2Settings {
    requireNonNull(architecture, "architecture");
    range("hidden", hidden, 1, 4096);
    range("epochs", epochs, 1, 10_000);
    range("patience", patience, 1, 10_000);
    range("batchSize", batchSize, 1, 65_536);
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException("learningRate must be in (0, 1], was " + learningRate);
    }
    if (!(weightDecay >= 0 && weightDecay < 1)) {
      throw new IllegalArgumentException("weightDecay must be in [0, 1), was " + weightDecay);
    }
    if (!(calibrationFraction >= 0.05 && calibrationFraction <= 0.5)) {
      throw new IllegalArgumentException("calibrationFraction must be in [0.05, 0.5], was " + calibrationFraction);
    }
    if (!(maxPositiveWeight >= 1 && maxPositiveWeight <= 10_000)) {
      throw new IllegalArgumentException("maxPositiveWeight must be in [1, 10000], was " + maxPositiveWeight);
    }
  }

  private static void range(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], was " + value);
    }
  }

  /** AUTO, 64 hidden units, up to 60 epochs with patience 8, batches of 32, Adam 1e-3, decay 1e-4, 20 % held out, positive weight up to 50, seed 1. */
  public static Stage2Settings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The settings as a map for a model's provenance. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architecture", architecture.name().toLowerCase(Locale.ROOT));
    m.put("hidden", hidden);
    m.put("epochs", epochs);
    m.put("patience", patience);
    m.put("batch_size", batchSize);
    m.put("learning_rate", learningRate);
    m.put("weight_decay", weightDecay);
    m.put("calibration_fraction", calibrationFraction);
    m.put("max_positive_weight", maxPositiveWeight);
    m.put("seed", seed);
    return m;
  }

  /** Starts from the defaults; {@link #build()} validates. */
  public static final class Builder {
    private Architecture architecture = Architecture.AUTO;
    private int hidden = 64;
    private int epochs = 60;
    private int patience = 8;
    private int batchSize = 32;
    private double learningRate = 1e-3;
    private double weightDecay = 1e-4;
    private double calibrationFraction = 0.2;
    private double maxPositiveWeight = 50;
    private long seed = 1;

    private Builder() {}

    public Builder architecture(Architecture architecture) {
      this.architecture = requireNonNull(architecture, "architecture");
      return this;
    }

    public Builder hidden(int hidden) {
      this.hidden = hidden;
      return this;
    }

    public Builder epochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder patience(int patience) {
      this.patience = patience;
      return this;
    }

    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder learningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    public Builder weightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    public Builder calibrationFraction(double calibrationFraction) {
      this.calibrationFraction = calibrationFraction;
      return this;
    }

    public Builder maxPositiveWeight(double maxPositiveWeight) {
      this.maxPositiveWeight = maxPositiveWeight;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** @throws IllegalArgumentException naming the first setting out of range */
    public Stage2Settings build() {
      return new Stage2Settings(
          architecture, hidden, epochs, patience, batchSize, learningRate, weightDecay, calibrationFraction,
          maxPositiveWeight, seed);
    }
  }
}
