package dev.bulwark.protocol.sse;

import static java.util.Objects.requireNonNull;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An incremental parser of a {@code text/event-stream}, after the WHATWG HTML "server-sent events"
 * interpretation rules. Feed it the bytes as they arrive, in chunks of any size; it emits each event
 * when its blank line arrives.
 *
 * <ul>
 *   <li>Bytes are buffered up to a line end and decoded a whole line at a time, so a chunk boundary
 *       inside a multi-byte UTF-8 character is harmless (line ends are ASCII and never occur inside
 *       one). Malformed UTF-8 decodes to U+FFFD, as the spec says.
 *   <li>Lines end with {@code \n}, {@code \r\n} or {@code \r}; a {@code \r} at the end of one chunk
 *       and a {@code \n} at the start of the next are one line end.
 *   <li>Lines starting with {@code :} are comments (keep-alives) and are ignored. A field's value
 *       loses one leading space. {@code data} lines are joined with {@code \n}; {@code event} names the
 *       event ("message" when absent); {@code id}, {@code retry} and unknown fields are ignored.
 *   <li>An event with no {@code data} line is not dispatched. A leading byte-order mark is skipped.
 *       Whatever follows the last blank line when the stream ends is an incomplete event and is
 *       discarded, per the spec: a stream cut mid-event does not yield half an event.
 * </ul>
 *
 * <p>The parser holds at most {@code maxEventBytes} of one event (its lines, including comments,
 * before the blank line); beyond that it throws {@link ProtocolException} of kind {@link
 * ErrorKind#BAD_GATEWAY} rather than buffering an upstream's stream without bound. After it throws it
 * must not be used again.
 *
 * <p>Not thread-safe: one parser per stream, fed from one thread at a time.
 */
public final class SseParser {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final int maxEventBytes;

  /** The current line's bytes. */
  private byte[] line = new byte[256];

  private int lineLength;
  /** The previous byte was a {@code \r}: a {@code \n} now is part of the same line end. */
  private boolean afterCr;
  /** Bytes of the BOM matched so far at the start of the stream; -1 once past the start. */
  private int bomMatched;

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventName = "";
  /** Bytes of the current event's complete lines. */
  private long eventBytes;

  /**
   * @param maxEventBytes the most bytes one event may take, lines and line ends included
   */
  public SseParser(int maxEventBytes) {
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("maxEventBytes must be >= 1, was " + maxEventBytes);
    }
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Parses {@code len} bytes of {@code b} from {@code off}, emitting every event they complete.
   *
   * @throws ProtocolException (BAD_GATEWAY) if an event grows beyond the maximum size
   */
  public void feed(byte[] b, int off, int len, Consumer<SseEvent> out) throws ProtocolException {
    requireNonNull(b, "b");
    requireNonNull(out, "out");
    if (off < 0 || len < 0 || len > b.length - off) {
      throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", length " + b.length);
    }
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (bomMatched >= 0) {
        if (c == BOM[bomMatched]) {
          if (++bomMatched == BOM.length) {
            bomMatched = -1;
          }
          continue;
        }
        // Not a BOM after all: the bytes matched so far are ordinary content.
        byte[] held = Arrays.copyOf(BOM, bomMatched);
        bomMatched = -1;
        for (byte h : held) {
          append(h);
        }
      }
      if (c == '\n') {
        if (afterCr) {
          afterCr = false;
          continue;
        }
        endLine(out);
      } else if (c == '\r') {
        afterCr = true;
        endLine(out);
      } else {
        afterCr = false;
        append(c);
      }
    }
  }

  /** Convenience for a whole array. */
  public void feed(byte[] b, Consumer<SseEvent> out) throws ProtocolException {
    feed(b, 0, b.length, out);
  }

  private void append(byte c) throws ProtocolException {
    if (eventBytes + lineLength + 1 > maxEventBytes) {
      throw tooLarge();
    }
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, Math.min(line.length * 2, Math.max(maxEventBytes, 16)));
    }
    line[lineLength++] = c;
  }

  private void endLine(Consumer<SseEvent> out) throws ProtocolException {
    if (lineLength == 0) {
      dispatch(out);
      return;
    }
    eventBytes += lineLength + 1;
    if (eventBytes > maxEventBytes) {
      throw tooLarge();
    }
    String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
    lineLength = 0;
    if (line.length > 64 * 1024) {
      // Do not keep a huge buffer alive for the rest of a long stream after one big event.
      line = new byte[256];
    }
    if (text.charAt(0) == ':') {
      return;
    }
    int colon = text.indexOf(':');
    String field;
    String value;
    if (colon < 0) {
      field = text;
      value = "";
    } else {
      field = text.substring(0, colon);
      int start = colon + 1;
      if (start < text.length() && text.charAt(start) == ' ') {
        start++;
      }
      value = text.substring(start);
    }
    switch (field) {
      case "data" -> {
        data.append(value).append('\n');
        hasData = true;
      }
      case "event" -> eventName = value;
      default -> {
        // id, retry and unknown fields do not matter to an API stream.
      }
    }
  }

  private void dispatch(Consumer<SseEvent> out) {
    if (hasData) {
      String d = data.substring(0, data.length() - 1);
      out.accept(new SseEvent(eventName.isEmpty() ? "message" : eventName, d));
    }
    data.setLength(0);
    hasData = false;
    eventName = "";
    eventBytes = 0;
  }

  private ProtocolException tooLarge() {
    return new ProtocolException(
        ErrorKind.BAD_GATEWAY,
        null,
        "upstream sent a server-sent event larger than " + maxEventBytes + " bytes");
  }
}
