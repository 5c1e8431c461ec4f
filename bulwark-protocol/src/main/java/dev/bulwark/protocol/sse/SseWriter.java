package dev.bulwark.protocol.sse;

import static java.util.Objects.requireNonNull;

/**
 * Appends server-sent event frames. Data with line breaks is split over several {@code data:} lines,
 * which a parser joins back with {@code \n}; an event name must be one line.
 */
public final class SseWriter {
  private SseWriter() {}

  /** Appends {@code event: <event>\ndata: <data>\n\n}. */
  public static StringBuilder event(StringBuilder out, String event, String data) {
    requireNonNull(out, "out");
    requireNonNull(event, "event");
    requireNonNull(data, "data");
    if (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("an event name must not contain a line break");
    }
    out.append("event: ").append(event).append('\n');
    return dataLines(out, data);
  }

  /** Appends {@code data: <data>\n\n}, an event of the default type "message". */
  public static StringBuilder data(StringBuilder out, String data) {
    requireNonNull(out, "out");
    requireNonNull(data, "data");
    return dataLines(out, data);
  }

  /** Appends a comment line and a blank line, {@code : <text>\n\n}; parsers ignore it (a keep-alive). */
  public static StringBuilder comment(StringBuilder out, String text) {
    requireNonNull(out, "out");
    requireNonNull(text, "text");
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a comment must not contain a line break");
    }
    return out.append(": ").append(text).append("\n\n");
  }

  private static StringBuilder dataLines(StringBuilder out, String data) {
    int start = 0;
    int n = data.length();
    for (int i = 0; i < n; i++) {
      char c = data.charAt(i);
      if (c == '\n' || c == '\r') {
        out.append("data: ").append(data, start, i).append('\n');
        if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    out.append("data: ").append(data, start, n).append('\n');
    return out.append('\n');
  }
}
