package dev.bulwark.bench;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one response's bytes as they arrive and says when the first content came and whether the
 * response ended the protocol's way. Cheap on purpose: it shares the CPUs with the systems it measures.
 *
 * <p>First content: the first JSON string field named {@code content} (OpenAI) or {@code text}
 * (Anthropic) whose value is not empty. OpenAI's first chunk carries {@code "content":""} with the
 * role, and Anthropic's {@code content_block_start} an empty {@code "text":""}; neither counts. The
 * scanner keeps the bytes only until it finds the first content (normally in the first read), then
 * only the last few bytes, to check the end marker ({@code [DONE]} or {@code message_stop}).
 *
 * <p>A <em>sampled</em> scanner keeps the whole body (up to {@link #MAX_SAMPLE_BYTES}) and can describe
 * it: events, content events, whether it ended in a refusal. The generator samples a few responses per
 * connection, to check what the systems send without paying for it on every response.
 *
 * <p>Concurrency: one scanner per response, used from one thread.
 */
final class ResponseScanner {
  static final int MAX_SAMPLE_BYTES = 1 << 20;
  private static final int TAIL = 64;

  private final ApiShape shape;
  private final boolean streaming;
  private final boolean sampled;
  private final byte[] key;
  private final byte[] endMarker;

  private byte[] head = new byte[512];
  private int headLength;
  private int searchFrom;
  private boolean contentSeen;
  private final byte[] tail = new byte[TAIL];
  private int tailLength;
  private long bytes;

  ResponseScanner(ApiShape shape, boolean streaming, boolean sampled) {
    this.shape = requireNonNull(shape, "shape");
    this.streaming = streaming;
    this.sampled = sampled;
    this.key = ascii(shape.contentField());
    this.endMarker = ascii(shape.endMarker());
  }

  /**
   * Takes the next bytes.
   *
   * @return true when these bytes hold the first content (streaming only; a whole response's content
   *     counts when it has all arrived)
   */
  boolean feed(byte[] chunk) {
    bytes += chunk.length;
    keepTail(chunk);
    if (contentSeen && !sampled) {
      return false;
    }
    if (!sampled || headLength + chunk.length <= MAX_SAMPLE_BYTES) {
      append(chunk);
    }
    if (contentSeen || !streaming) {
      return false;
    }
    int found = findContent(head, headLength, searchFrom);
    if (found < 0) {
      searchFrom = -found - 1;
    } else {
      contentSeen = true;
      if (!sampled) {
        head = new byte[0];
        headLength = 0;
      }
      return true;
    }
    return false;
  }

  /** Whether content has been seen (streaming), or the whole body holds some (not streaming). */
  boolean hasContent() {
    if (streaming) {
      return contentSeen;
    }
    return findContent(head, headLength, 0) >= 0;
  }

  /** Whether the response ended the protocol's way: the end marker for a stream, a JSON object else. */
  boolean endedCleanly() {
    if (!streaming) {
      for (int i = tailLength - 1; i >= 0; i--) {
        byte b = tail[i];
        if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
          return b == '}';
        }
      }
      return false;
    }
    return indexOf(tail, tailLength, endMarker, 0) >= 0;
  }

  long bytes() {
    return bytes;
  }

  /** What a sampled response held. */
  Sample sample() {
    if (!sampled) {
      throw new IllegalStateException("not a sampled scanner");
    }
    String body = new String(head, 0, headLength, StandardCharsets.UTF_8);
    int events = streaming ? count(body, "data:") : 1;
    int contentEvents = 0;
    int from = 0;
    while (true) {
      int at = findContent(head, headLength, from);
      if (at < 0) {
        break;
      }
      contentEvents++;
      from = at + 1;
    }
    boolean refused = body.contains(shape.refusalMarker());
    return new Sample(bytes, events, contentEvents, refused);
  }

  /** A sampled response: its size, SSE data events, events with content, and whether it was refused. */
  record Sample(long bytes, int events, int contentEvents, boolean refused) {}

  private void append(byte[] chunk) {
    if (headLength + chunk.length > head.length) {
      head = Arrays.copyOf(head, Math.max(head.length * 2, headLength + chunk.length));
    }
    System.arraycopy(chunk, 0, head, headLength, chunk.length);
    headLength += chunk.length;
  }

  private void keepTail(byte[] chunk) {
    if (chunk.length >= TAIL) {
      System.arraycopy(chunk, chunk.length - TAIL, tail, 0, TAIL);
      tailLength = TAIL;
      return;
    }
    int keep = Math.min(tailLength, TAIL - chunk.length);
    System.arraycopy(tail, tailLength - keep, tail, 0, keep);
    System.arraycopy(chunk, 0, tail, keep, chunk.length);
    tailLength = keep + chunk.length;
  }

  /**
   * The offset of the first {@code "field":"x...} with a non-empty string value at or after {@code
   * from}; if there is none, {@code -resume - 1}, where {@code resume} is where a search with more
   * bytes must start again (a candidate that ran into the end of the bytes, or the last bytes that
   * could begin the field's name).
   */
  private int findContent(byte[] b, int length, int from) {
    int i = from;
    while (true) {
      int at = indexOf(b, length, key, i);
      if (at < 0) {
        return -Math.max(from, Math.max(0, length - key.length + 1)) - 1;
      }
      int j = at + key.length;
      while (j < length && b[j] == ' ') {
        j++;
      }
      if (j + 1 >= length) {
        return -at - 1;
      }
      if (b[j] == '"' && b[j + 1] != '"') {
        return at;
      }
      i = at + 1;
    }
  }

  private static int indexOf(byte[] b, int length, byte[] needle, int from) {
    byte first = needle[0];
    int last = length - needle.length;
    outer:
    for (int i = Math.max(0, from); i <= last; i++) {
      if (b[i] != first) {
        continue;
      }
      for (int k = 1; k < needle.length; k++) {
        if (b[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
