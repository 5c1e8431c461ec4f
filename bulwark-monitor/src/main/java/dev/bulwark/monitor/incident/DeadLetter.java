package dev.bulwark.monitor.incident;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An outbox entry the monitor could not process.
 *
 * @param seq its event
 * @param requestId the request
 * @param account the account
 * @param attempts how many times it was tried
 * @param reason why it failed, the last time
 * @param failedAt when it was given up
 */
public record DeadLetter(long seq, @Nullable String requestId, @Nullable String account, int attempts, String reason,
    Instant failedAt) {}
