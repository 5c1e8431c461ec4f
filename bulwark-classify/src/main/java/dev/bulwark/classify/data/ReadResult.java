package dev.bulwark.classify.data;

import java.util.List;

/**
 * What a reader made of a file: the examples of the good lines, in file order, and an error for each
 * malformed line. Callers decide whether errors are fatal; they are never dropped silently.
 */
public record ReadResult(List<Example> examples, List<LineError> errors) {
  public ReadResult {
    examples = List.copyOf(examples);
    errors = List.copyOf(errors);
  }

  /** Whether every line was read. */
  public boolean ok() {
    return errors.isEmpty();
  }
}
