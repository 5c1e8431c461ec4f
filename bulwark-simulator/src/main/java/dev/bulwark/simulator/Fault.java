package dev.bulwark.simulator;

/**
 * A failure a scripted response injects, to test how a client copes with a broken upstream. A delay
 * before the headers is not a fault kind but {@link ScriptEntry#delay()}, so it can precede any of
 * these.
 */
public sealed interface Fault permits Fault.Disconnect, Fault.Stall, Fault.Hang, Fault.Malformed {

  /**
   * Send {@code afterTokens} tokens, then close the connection without the protocol's end marker
   * (no {@code [DONE]}, no {@code message_stop}). A non-streamed request gets its connection closed
   * with no response at all after the usual generation delay.
   */
  record Disconnect(int afterTokens) implements Fault {
    public Disconnect {
      if (afterTokens < 0) {
        throw new IllegalArgumentException(
            "disconnect_after_tokens must be >= 0, was " + afterTokens);
      }
    }
  }

  /**
   * Send {@code afterTokens} tokens, then go quiet with the connection open: no more events and no
   * end, until the client gives up or the simulator closes. For what a client or a gateway does while
   * an upstream stalls mid-stream (read timeouts; releasing text it held back). A non-streamed request
   * gets no answer, as with {@link Hang}.
   */
  record Stall(int afterTokens) implements Fault {
    public Stall {
      if (afterTokens < 0) {
        throw new IllegalArgumentException("stall_after_tokens must be >= 0, was " + afterTokens);
      }
    }
  }

  /** Accept the request and never answer; for client timeout tests. */
  record Hang() implements Fault {}

  /**
   * Answer with broken JSON: a non-streamed response gets status 200 and a truncated JSON body; a
   * stream gets its opening event and then an SSE data line that is not JSON, and ends without the
   * protocol's end marker.
   */
  record Malformed() implements Fault {}
}
