package dev.bulwark.classify.model;

import java.util.Optional;

/**
 * Platt scaling: a calibrated probability {@code sigmoid(a * logit + b)}. With {@code a > 0} it keeps
 * the order of scores, so a threshold on the probability is a threshold on the logit.
 *
 * @param a the slope, positive and finite
 * @param b the offset, finite
 */
public record PlattScaling(double a, double b) {
  /** The raw model probability, {@code sigmoid(logit)}. */
  public static final PlattScaling IDENTITY = new PlattScaling(1.0, 0.0);

  public PlattScaling {
    if (!(a > 0) || !Double.isFinite(a)) {
      throw new IllegalArgumentException("Platt slope must be positive and finite, was " + a);
    }
    if (!Double.isFinite(b)) {
      throw new IllegalArgumentException("Platt offset must be finite, was " + b);
    }
  }

  /** The calibrated probability of a logit. */
  public double apply(double logit) {
    return sigmoid(a * logit + b);
  }

  /**
   * Fits {@code a} and {@code b} by maximum likelihood with Platt's smoothed targets, by Newton's method
   * with a backtracking line search (Lin, Lin and Weng, "A note on Platt's probabilistic outputs for
   * support vector machines", 2007). Deterministic.
   *
   * @param logits the model's logits on a calibration set
   * @param positive whether each example is a positive
   * @return the fit, or empty when the set has no positives or no negatives, or when the logits run
   *     against the labels (a fitted slope that is not positive), where no monotone calibration helps
   */
  public static Optional<PlattScaling> fit(double[] logits, boolean[] positive) {
    if (logits.length != positive.length) {
      throw new IllegalArgumentException(
          logits.length + " logits but " + positive.length + " labels");
    }
    int n = logits.length;
    int prior1 = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(logits[i])) {
        throw new IllegalArgumentException("logit " + i + " is not finite: " + logits[i]);
      }
      if (positive[i]) {
        prior1++;
      }
    }
    int prior0 = n - prior1;
    if (prior1 == 0 || prior0 == 0) {
      return Optional.empty();
    }
    double hiTarget = (prior1 + 1.0) / (prior1 + 2.0);
    double loTarget = 1.0 / (prior0 + 2.0);
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = positive[i] ? hiTarget : loTarget;
    }
    // The paper's parameterization: p = 1 / (1 + exp(A f + B)), so a = -A and b = -B.
    double bigA = 0.0;
    double bigB = StrictMath.log((prior0 + 1.0) / (prior1 + 1.0));
    double fval = objective(logits, t, bigA, bigB);
    final double sigma = 1e-12;
    for (int iter = 0; iter < 100; iter++) {
      double h11 = sigma;
      double h22 = sigma;
      double h21 = 0;
      double g1 = 0;
      double g2 = 0;
      for (int i = 0; i < n; i++) {
        double fApB = logits[i] * bigA + bigB;
        double p;
        double q;
        if (fApB >= 0) {
          double e = StrictMath.exp(-fApB);
          p = e / (1.0 + e);
          q = 1.0 / (1.0 + e);
        } else {
          double e = StrictMath.exp(fApB);
          p = 1.0 / (1.0 + e);
          q = e / (1.0 + e);
        }
        double d2 = p * q;
        h11 += logits[i] * logits[i] * d2;
        h22 += d2;
        h21 += logits[i] * d2;
        double d1 = t[i] - p;
        g1 += logits[i] * d1;
        g2 += d1;
      }
      if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) {
        break;
      }
      double det = h11 * h22 - h21 * h21;
      double dA = -(h22 * g1 - h21 * g2) / det;
      double dB = -(-h21 * g1 + h11 * g2) / det;
      double gd = g1 * dA + g2 * dB;
      double step = 1.0;
      while (step >= 1e-10) {
        double newA = bigA + step * dA;
        double newB = bigB + step * dB;
        double newf = objective(logits, t, newA, newB);
        if (newf < fval + 1e-4 * step * gd) {
          bigA = newA;
          bigB = newB;
          fval = newf;
          break;
        }
        step /= 2.0;
      }
      if (step < 1e-10) {
        break;
      }
    }
    double a = -bigA;
    double b = -bigB;
    if (!(a > 0) || !Double.isFinite(a) || !Double.isFinite(b)) {
      return Optional.empty();
    }
    return Optional.of(new PlattScaling(a, b));
  }

  private static double objective(double[] f, double[] t, double bigA, double bigB) {
    double sum = 0;
    for (int i = 0; i < f.length; i++) {
      double fApB = f[i] * bigA + bigB;
      if (fApB >= 0) {
        sum += t[i] * fApB + StrictMath.log1p(StrictMath.exp(-fApB));
      } else {
        sum += (t[i] - 1) * fApB + StrictMath.log1p(StrictMath.exp(fApB));
      }
    }
    return sum;
  }

  /**
   * The logistic function, computed without overflow. {@link StrictMath} so that every platform and
   * every JIT state gives the same bits, which streaming-equals-batch and reproducible training rely on.
   */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + StrictMath.exp(-z));
    }
    double e = StrictMath.exp(z);
    return e / (1.0 + e);
  }
}
