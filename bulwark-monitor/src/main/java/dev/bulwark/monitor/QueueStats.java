package dev.bulwark.monitor;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The queue's state, for metrics and {@code bulwark monitor status}.
 *
 * @param pending entries waiting (retries included)
 * @param oldestEnqueuedAt when the oldest waiting entry was enqueued; null when none waits
 * @param deadLetters entries in the dead letters
 * @param ownedPartitions partitions this consumer holds
 * @param liveConsumers consumers with a recent heartbeat, this one included
 */
public record QueueStats(
    long pending, @Nullable Instant oldestEnqueuedAt, long deadLetters, int ownedPartitions, int liveConsumers) {}
