package dev.bulwark.simulator.internal;

import dev.bulwark.simulator.RecordedRequest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

/**
 * The last {@link #CAPACITY} requests, secrets masked as they are recorded so that nothing holds
 * them. Concurrency: guarded by {@code this}; event loops add, tests and {@code /_sim/requests}
 * read.
 */
public final class RequestLog {
  static final int CAPACITY = 200;

  /** Recorded bodies are cut at this size, so that 200 large requests cannot exhaust memory. */
  static final int BODY_LIMIT = 1 << 20;

  static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "x-api-key", "proxy-authorization", "cookie");

  private final ArrayDeque<RecordedRequest> entries = new ArrayDeque<>(CAPACITY);

  synchronized void add(RecordedRequest r) {
    if (entries.size() == CAPACITY) {
      entries.removeFirst();
    }
    entries.addLast(r);
  }

  /** Oldest first. */
  public synchronized List<RecordedRequest> snapshot() {
    return List.copyOf(entries);
  }

  public synchronized void clear() {
    entries.clear();
  }

  /** A header value as recorded: secrets keep only their last 4 characters. */
  static String recordedValue(String lowerName, String value) {
    if (!SECRET_HEADERS.contains(lowerName)) {
      return value;
    }
    return mask(value);
  }

  /** {@code ****} and the last 4 characters; values of 8 characters or fewer keep none. */
  static String mask(String value) {
    // A short value would be mostly revealed by its last 4, so it is hidden entirely.
    return value.length() <= 8 ? "****" : "****" + value.substring(value.length() - 4);
  }
}
