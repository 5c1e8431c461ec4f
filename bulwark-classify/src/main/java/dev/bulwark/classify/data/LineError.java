package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

/**
 * A line of a data file that could not be read, and why. The line was skipped.
 *
 * @param source the file (or source name) it came from
 * @param line the 1-based line number
 * @param message what is wrong with it
 */
public record LineError(String source, int line, String message) {
  public LineError {
    requireNonNull(source, "source");
    requireNonNull(message, "message");
    if (line < 1) {
      throw new IllegalArgumentException("line numbers start at 1, was " + line);
    }
  }

  @Override
  public String toString() {
    return source + ":" + line + ": " + message;
  }
}
