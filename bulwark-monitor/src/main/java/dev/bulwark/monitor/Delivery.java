package dev.bulwark.monitor;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.StoredEvent;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One outbox entry handed to a consumer.
 *
 * @param seq the event's seq, the exchange's identity in the monitor
 * @param requestId the gateway's request id, if any
 * @param account the account it belongs to
 * @param partition the account's partition
 * @param epoch the partition lease's epoch when it was delivered (fencing: work committed for a
 *     partition whose epoch moved on is refused)
 * @param attempts how many earlier attempts failed
 * @param enqueuedAt when the gateway enqueued it
 * @param event the event from the audit log, or null if the log no longer has it (a poison entry)
 * @param payload the exchange's text as the gateway wrote it, or null when it wrote none
 */
public record Delivery(
    long seq,
    @Nullable String requestId,
    String account,
    int partition,
    long epoch,
    int attempts,
    Instant enqueuedAt,
    @Nullable StoredEvent event,
    @Nullable String payload) {

  public Delivery {
    requireNonNull(account, "account");
    requireNonNull(enqueuedAt, "enqueuedAt");
  }

  @Override
  public String toString() {
    return "Delivery[seq=" + seq + ", account=" + account + ", partition=" + partition + ", attempts="
        + attempts + "]";
  }
}
