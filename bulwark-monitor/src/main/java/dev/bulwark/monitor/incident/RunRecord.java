package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The record of one exchange's run through the flowchart.
 *
 * @param seq the event's seq
 * @param requestId the gateway's request id
 * @param account the account
 * @param occurredAt when the exchange happened
 * @param processedAt when the monitor committed the run
 * @param worker the worker that ran it
 * @param flowchartVersion the flowchart version it ran on
 * @param nodes the nodes it reached, in order
 * @param costUnits what it cost
 * @param latencyMicros how long the flowchart took
 * @param attempts which attempt succeeded (1 for the first)
 * @param path the path as JSON: each node's output, cost, latency and fired edges; actions; risk
 */
public record RunRecord(
    long seq,
    @Nullable String requestId,
    String account,
    Instant occurredAt,
    Instant processedAt,
    String worker,
    String flowchartVersion,
    List<String> nodes,
    double costUnits,
    long latencyMicros,
    int attempts,
    String path) {
  public RunRecord {
    requireNonNull(account, "account");
    requireNonNull(occurredAt, "occurredAt");
    requireNonNull(processedAt, "processedAt");
    requireNonNull(worker, "worker");
    requireNonNull(flowchartVersion, "flowchartVersion");
    nodes = List.copyOf(nodes);
    requireNonNull(path, "path");
  }
}
