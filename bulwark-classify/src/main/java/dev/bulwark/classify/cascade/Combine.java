package dev.bulwark.classify.cascade;

import dev.bulwark.classify.Probabilities;

/** How an escalated text's final probabilities come from its two stages. */
public enum Combine {
  /** Stage 2 replaces stage 1: the expensive model has the last word. */
  STAGE2,
  /** The mean of both stages, per category: each model corrects the other's blind spots. */
  MEAN;

  /** The final probabilities. */
  public Probabilities apply(Probabilities stage1, Probabilities stage2) {
    if (this == STAGE2) {
      return stage2;
    }
    double[] a = stage1.toArray();
    double[] b = stage2.toArray();
    for (int i = 0; i < a.length; i++) {
      a[i] = (a[i] + b[i]) / 2;
    }
    return Probabilities.of(a);
  }
}
