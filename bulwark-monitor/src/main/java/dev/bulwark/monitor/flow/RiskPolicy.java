package dev.bulwark.monitor.flow;

import static java.util.Objects.requireNonNull;

import dev.bulwark.monitor.analyzer.Severity;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How findings become an account's risk, and what crossing a level does. The score decays
 * exponentially with {@code halfLife}; each finding adds its severity's weight; when a score rises
 * across a threshold's level, the threshold's actions run (once: a later exchange that stays above
 * does not repeat them; one that crosses again after the score has decayed below does).
 *
 * @param halfLife the time for a score to halve without new findings
 * @param weights what a finding of each severity adds
 * @param thresholds levels in increasing order, each with the actions to run on crossing it
 */
public record RiskPolicy(Duration halfLife, Map<Severity, Double> weights, List<Threshold> thresholds) {
  /** A level and its actions. */
  public record Threshold(double level, List<String> actions) {
    public Threshold {
      actions = List.copyOf(actions);
    }
  }

  /** No thresholds; a one-day half-life; weights 1, 3, 8, 20. */
  public static final RiskPolicy DEFAULT = new RiskPolicy(Duration.ofDays(1), defaultWeights(), List.of());

  public RiskPolicy {
    requireNonNull(halfLife, "halfLife");
    if (halfLife.isZero() || halfLife.isNegative()) {
      throw new IllegalArgumentException("risk.half_life must be positive, was " + halfLife);
    }
    EnumMap<Severity, Double> w = new EnumMap<>(defaultWeights());
    w.putAll(weights);
    weights = Map.copyOf(w);
    thresholds = List.copyOf(thresholds);
  }

  static Map<Severity, Double> defaultWeights() {
    EnumMap<Severity, Double> w = new EnumMap<>(Severity.class);
    w.put(Severity.LOW, 1.0);
    w.put(Severity.MEDIUM, 3.0);
    w.put(Severity.HIGH, 8.0);
    w.put(Severity.CRITICAL, 20.0);
    return w;
  }

  /** A score {@code score} at some time, decayed over {@code elapsed} (negative counts as zero). */
  public double decay(double score, Duration elapsed) {
    if (elapsed.isNegative() || elapsed.isZero() || score == 0.0) {
      return score;
    }
    double halfLives = (double) elapsed.toMillis() / halfLife.toMillis();
    return score * Math.pow(0.5, halfLives);
  }

  public double weight(Severity severity) {
    return weights.get(severity);
  }
}
