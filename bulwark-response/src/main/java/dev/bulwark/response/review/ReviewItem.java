package dev.bulwark.response.review;

import static java.util.Objects.requireNonNull;

import dev.bulwark.response.Exchange;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One item of the review queue, as stored. Reviewers see it through {@link ReviewQueue#view}, which
 * redacts the content.
 *
 * @param id the item's id ({@code rev-NNNN} for items made here; the monitor's own ids otherwise)
 * @param source monitor, incident, appeal, gate, report
 * @param account the account (organization) the exchange came from, or {@code -}
 * @param seq the audit-log event of the exchange, or 0
 * @param reason why it needs a person
 * @param status open, done or cancelled
 * @param dueAt when its SLA runs out, or null
 * @param label the reviewer's label (harmful, benign, jailbreak), once labelled
 * @param labelCategory the category the reviewer chose, or null
 * @param familyId the attack family it belongs to, or null
 * @param content the exchange, when kept
 */
public record ReviewItem(
    String id,
    String source,
    String account,
    long seq,
    String reason,
    Priority priority,
    String status,
    Instant createdAt,
    @Nullable Instant dueAt,
    @Nullable String assignee,
    @Nullable Instant escalatedAt,
    @Nullable String escalatedTo,
    @Nullable String label,
    @Nullable String labelCategory,
    @Nullable String familyId,
    @Nullable Exchange content,
    @Nullable Instant closedAt,
    @Nullable String closedBy) {
  public ReviewItem {
    requireNonNull(id, "id");
    requireNonNull(source, "source");
    requireNonNull(account, "account");
    requireNonNull(reason, "reason");
    requireNonNull(priority, "priority");
    requireNonNull(status, "status");
    requireNonNull(createdAt, "createdAt");
  }

  public boolean open() {
    return status.equals(ReviewQueue.OPEN);
  }

  /** Whether its SLA has run out at {@code now} while it is still open. */
  public boolean overdue(Instant now) {
    return open() && dueAt != null && !now.isBefore(dueAt);
  }
}
