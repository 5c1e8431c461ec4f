package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Probabilities;

/**
 * One window and the calibrated probabilities stage 2 gave it.
 *
 * @param window the window (its text is the user's: keep it out of logs)
 * @param probabilities the window's calibrated probabilities
 */
public record WindowScore(Window window, Probabilities probabilities) {
  public WindowScore {
    requireNonNull(window, "window");
    requireNonNull(probabilities, "probabilities");
  }
}
