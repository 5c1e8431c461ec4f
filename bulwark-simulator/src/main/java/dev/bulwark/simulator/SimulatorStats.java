package dev.bulwark.simulator;

import java.util.Map;

/**
 * A snapshot of what a simulator has served since it started or was last reset.
 *
 * @param requestsByPath requests received, by path; paths the simulator does not serve are counted
 *     under {@code "other"}
 * @param streamsStarted streams whose headers were sent
 * @param streamsCompleted streams that ended with the protocol's end marker
 * @param streamsCancelled streams cut short because the client went away
 * @param requestsAbandoned non-streamed requests (and hung ones) whose client went away before the
 *     answer
 * @param faultsInjected scripted disconnects and malformed answers sent
 * @param inFlight model requests received and not yet finished (never reset)
 */
public record SimulatorStats(
    Map<String, Long> requestsByPath,
    long streamsStarted,
    long streamsCompleted,
    long streamsCancelled,
    long requestsAbandoned,
    long faultsInjected,
    long inFlight) {
  public SimulatorStats {
    requestsByPath = Map.copyOf(requestsByPath);
  }

  /** Requests received on one path. */
  public long requests(String path) {
    return requestsByPath.getOrDefault(path, 0L);
  }
}
