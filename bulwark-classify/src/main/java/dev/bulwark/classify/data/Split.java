package dev.bulwark.classify.data;

import java.util.Locale;

/** The three parts of a training corpus. */
public enum Split {
  /** Fits the models. */
  TRAIN,
  /** Fits calibration and thresholds, never the models. */
  CALIBRATION,
  /** Measures: held-out sources and a share of every other source. */
  DEV;

  /** The lower-case name, e.g. {@code calibration}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
