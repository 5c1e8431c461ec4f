package dev.bulwark.simulator;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A script file that cannot be used. The message names the file, the line, the entry and the field,
 * e.g. {@code script.yaml:14: responses[2].ttft_ms: must be an integer >= 0, was -5}.
 */
public final class ScriptException extends Exception {
  private final String source;
  private final int line;
  private final int entry;
  private final @Nullable String field;

  /**
   * @param source the file name, or another name for where the text came from
   * @param line the 1-based line, or 0 when unknown
   * @param entry the 0-based index of the response entry, or -1 when the problem is not in one
   * @param field the field's path within the entry (e.g. {@code tool_calls[0].arguments}), or null
   * @param problem what is wrong
   */
  public ScriptException(
      String source, int line, int entry, @Nullable String field, String problem) {
    super(
        format(
            requireNonNull(source, "source"),
            line,
            entry,
            field,
            requireNonNull(problem, "problem")));
    this.source = source;
    this.line = line;
    this.entry = entry;
    this.field = field;
  }

  private static String format(
      String source, int line, int entry, @Nullable String field, String problem) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (entry >= 0) {
      sb.append("responses[").append(entry).append(']');
      if (field != null) {
        sb.append('.').append(field);
      }
      sb.append(": ");
    } else if (field != null) {
      sb.append(field).append(": ");
    }
    return sb.append(problem).toString();
  }

  public String source() {
    return source;
  }

  /** The 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The 0-based entry index, or -1 when the problem is not in one entry. */
  public int entry() {
    return entry;
  }

  /** The field's path within the entry, or null. */
  public @Nullable String field() {
    return field;
  }
}
