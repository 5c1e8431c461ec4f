package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * An earlier exchange of the same account, as later runs see it: never its text, only the features
 * analyzers chose to keep ({@link AnalysisContext#features()}).
 *
 * @param seq its event's seq
 * @param occurredAt when it happened
 * @param features what the analyzers kept, by analyzer-chosen keys
 */
public record PastExchange(long seq, Instant occurredAt, ObjectNode features) {
  public PastExchange {
    requireNonNull(occurredAt, "occurredAt");
    requireNonNull(features, "features");
  }
}
