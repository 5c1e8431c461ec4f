package dev.bulwark.store;

/**
 * Counters of this process's event writer, for metrics. Counts start at zero when the store opens.
 *
 * @param batchesCommitted transactions the writer committed
 * @param eventsCommitted events in them
 * @param eventsFailed events whose append completed exceptionally
 * @param queueDepth appends waiting for the writer now
 */
public record EventLogStats(
    long batchesCommitted, long eventsCommitted, long eventsFailed, int queueDepth) {}
