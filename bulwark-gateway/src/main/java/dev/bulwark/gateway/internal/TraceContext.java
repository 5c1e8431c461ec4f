package dev.bulwark.gateway.internal;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * W3C trace context: continues the client's trace when it sent a valid {@code traceparent}, else
 * starts one, and gives the upstream call its own span id so the gateway's hop shows in traces.
 *
 * @param traceId 32 hex digits
 * @param spanId the span id to send upstream, 16 hex digits
 * @param flags the trace flags, 2 hex digits
 */
record TraceContext(String traceId, String spanId, String flags) {
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  /** The context for a request carrying {@code traceparent} (or none). */
  static TraceContext continueOrStart(@Nullable String traceparent) {
    if (traceparent != null) {
      var m = TRACEPARENT.matcher(traceparent.trim());
      if (m.matches() && !ZERO_TRACE.equals(m.group(1)) && !ZERO_SPAN.equals(m.group(2))) {
        return new TraceContext(m.group(1), randomHex(8), m.group(3));
      }
    }
    return new TraceContext(randomHex(16), randomHex(8), "01");
  }

  /** The header to send upstream. */
  String traceparent() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    ThreadLocalRandom.current().nextBytes(b);
    if (b[0] == 0) {
      b[0] = 1; // all-zero ids are invalid
    }
    return HexFormat.of().formatHex(b);
  }
}
