package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An action the monitor took, once, for an event.
 *
 * @param id {@code eff_<seq>_<action>}
 * @param seq the event it was taken for
 * @param action the action's name in the flowchart
 * @param type flag, incident, review, step_down, suspend_keys or webhook
 * @param account the account
 * @param status done, pending (a webhook not yet delivered), skipped, failed, or reversed
 * @param detail what it did (JSON: the incident, the review item, the keys...)
 * @param createdAt when
 * @param reversedAt when an analyst reversed it, if they did
 * @param reversedBy who
 * @param reverseReason why
 */
public record Effect(
    String id,
    long seq,
    String action,
    String type,
    String account,
    String status,
    String detail,
    Instant createdAt,
    @Nullable Instant reversedAt,
    @Nullable String reversedBy,
    @Nullable String reverseReason) {
  public Effect {
    requireNonNull(id, "id");
    requireNonNull(action, "action");
    requireNonNull(type, "type");
    requireNonNull(account, "account");
    requireNonNull(status, "status");
    requireNonNull(detail, "detail");
    requireNonNull(createdAt, "createdAt");
  }
}
