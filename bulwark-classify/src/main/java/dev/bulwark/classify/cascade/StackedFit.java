package dev.bulwark.classify.cascade;

import java.util.Optional;

/**
 * Fits a {@link Combine#stacked} combination by logistic regression on pairs of stage-1 and stage-2
 * probabilities with their labels (one pair per text and category). Newton's method on three
 * parameters with a small ridge penalty: deterministic, converges in a few iterations, no learning rate
 * to tune. Negative weights are clamped to zero and the rest refitted, so the result is monotone in
 * both stages.
 */
public final class StackedFit {
  private static final double RIDGE = 1e-3;
  private static final int ITERATIONS = 50;

  private StackedFit() {}

  /**
   * The fitted combination, or empty when the data cannot support one (no positives or no negatives,
   * or fewer than ten pairs).
   */
  public static Optional<Combine> fit(double[] stage1, double[] stage2, boolean[] positive) {
    int n = stage1.length;
    if (stage2.length != n || positive.length != n) {
      throw new IllegalArgumentException("stage1, stage2 and positive must have the same length");
    }
    int pos = 0;
    for (boolean p : positive) {
      pos += p ? 1 : 0;
    }
    if (n < 10 || pos == 0 || pos == n) {
      return Optional.empty();
    }
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {Combine.logit(stage1[i]), Combine.logit(stage2[i]), 1.0};
    }
    boolean[] free = {true, true, true};
    double[] w = newton(x, positive, free);
    for (int k = 0; k < 2; k++) {
      if (w[k] < 0) {
        free[k] = false;
        w = newton(x, positive, free);
      }
    }
    if (w[0] < 0 || w[1] < 0) {
      free[0] = w[0] >= 0 && free[0];
      free[1] = w[1] >= 0 && free[1];
      w = newton(x, positive, free);
    }
    return Optional.of(Combine.stacked(Math.max(0, w[0]), Math.max(0, w[1]), w[2]));
  }

  private static double[] newton(double[][] x, boolean[] y, boolean[] free) {
    double[] w = {free[0] ? 0.5 : 0, free[1] ? 0.5 : 0, 0};
    for (int it = 0; it < ITERATIONS; it++) {
      double[] g = new double[3];
      double[][] h = new double[3][3];
      for (int i = 0; i < x.length; i++) {
        double z = w[0] * x[i][0] + w[1] * x[i][1] + w[2] * x[i][2];
        double p = 1.0 / (1.0 + Math.exp(-z));
        double r = p - (y[i] ? 1 : 0);
        double s = Math.max(p * (1 - p), 1e-12);
        for (int a = 0; a < 3; a++) {
          g[a] += r * x[i][a];
          for (int b = 0; b < 3; b++) {
            h[a][b] += s * x[i][a] * x[i][b];
          }
        }
      }
      for (int a = 0; a < 3; a++) {
        g[a] = g[a] / x.length + RIDGE * w[a];
        for (int b = 0; b < 3; b++) {
          h[a][b] = h[a][b] / x.length + (a == b ? RIDGE : 0);
        }
        if (!free[a]) {
          g[a] = 0;
          for (int b = 0; b < 3; b++) {
            h[a][b] = a == b ? 1 : 0;
            h[b][a] = a == b ? 1 : 0;
          }
        }
      }
      double[] step = solve(h, g);
      double change = 0;
      for (int a = 0; a < 3; a++) {
        w[a] -= step[a];
        change = Math.max(change, Math.abs(step[a]));
      }
      if (change < 1e-9) {
        break;
      }
    }
    return w;
  }

  /** Solves the 3x3 system by Gaussian elimination with partial pivoting. */
  private static double[] solve(double[][] m, double[] v) {
    double[][] a = new double[3][4];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(m[i], 0, a[i], 0, 3);
      a[i][3] = v[i];
    }
    for (int c = 0; c < 3; c++) {
      int p = c;
      for (int r = c + 1; r < 3; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
          p = r;
        }
      }
      double[] t = a[c];
      a[c] = a[p];
      a[p] = t;
      if (Math.abs(a[c][c]) < 1e-15) {
        return new double[3];
      }
      for (int r = 0; r < 3; r++) {
        if (r != c) {
          double f = a[r][c] / a[c][c];
          for (int k = c; k < 4; k++) {
            a[r][k] -= f * a[c][k];
          }
        }
      }
    }
    return new double[] {a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]};
  }
}
