package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@link Stage2Trainer} run did, for a model's provenance and the training log.
 *
 * @param architecture the shape kept
 * @param mlpLoss the MLP's held-out loss (positive-weighted binary cross-entropy, mean over examples
 *     and categories) at its best epoch; NaN when no MLP was trained
 * @param logisticLoss the same for the logistic layer; NaN when none was trained
 * @param epochs the epochs the kept head trained for, up to its best
 * @param trainExamples examples in the training split
 * @param heldOutExamples examples in the held-out split
 * @param positiveWeights each category's positive-example weight
 * @param calibration where each category's Platt scaling was fitted: {@code held-out}, {@code
 *     training} (the held-out split lacked positives or negatives of it, or its logits ran against the
 *     labels) or {@code none} (neither split gave a fit: the identity is used)
 */
public record Stage2Report(
    Stage2Settings.Architecture architecture,
    double mlpLoss,
    double logisticLoss,
    int epochs,
    int trainExamples,
    int heldOutExamples,
    Map<Category, Double> positiveWeights,
    Map<Category, String> calibration) {
  public Stage2Report {
    requireNonNull(architecture, "architecture");
    positiveWeights = Map.copyOf(positiveWeights);
    calibration = Map.copyOf(calibration);
  }

  /** As a map for a model's provenance (JSON has no NaN: an untrained loss is left out). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("architecture", architecture.name().toLowerCase(Locale.ROOT));
    if (!Double.isNaN(mlpLoss)) {
      m.put("mlp_loss", mlpLoss);
    }
    if (!Double.isNaN(logisticLoss)) {
      m.put("logistic_loss", logisticLoss);
    }
    m.put("epochs", epochs);
    m.put("train_examples", trainExamples);
    m.put("held_out_examples", heldOutExamples);
    Map<String, Object> weights = new LinkedHashMap<>();
    Map<String, Object> cal = new LinkedHashMap<>();
    for (Category c : Category.ALL) {
      weights.put(c.id(), positiveWeights.get(c));
      cal.put(c.id(), calibration.get(c));
    }
    m.put("positive_weights", weights);
    m.put("calibration", cal);
    return m;
  }
}
