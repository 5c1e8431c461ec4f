package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.internal.Checks;
import dev.bulwark.store.internal.Micros;
import java.time.Instant;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An event to append to the log.
 *
 * @param type what happened, e.g. {@code request.started}; lower case, dots and dashes
 * @param requestId the request it belongs to, if any; {@link EventLog#forRequest} and crash
 *     recovery find events by it
 * @param keyId the API key's public id, if any (never its secret)
 * @param orgId the organization, if any
 * @param occurredAt when it happened, cut to whole microseconds
 * @param body JSON text; the store neither parses nor changes it
 * @param toOutbox whether to also enqueue it, in the same transaction, for the monitor
 * @param outboxPayload what only the monitor reads (the exchange's text, as JSON), stored with the
 *     outbox row and not in the hash chain: the monitor deletes it once processed, so a tier that
 *     retains hashes keeps no text. Only with {@code toOutbox}; {@link #toString()} hides it
 */
public record EventRecord(
    String type,
    @Nullable String requestId,
    @Nullable String keyId,
    @Nullable String orgId,
    Instant occurredAt,
    String body,
    boolean toOutbox,
    @Nullable String outboxPayload) {

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,127}");
  static final int MAX_ID = 256;

  public EventRecord {
    requireNonNull(type, "type");
    requireNonNull(occurredAt, "occurredAt");
    requireNonNull(body, "body");
    Checks.matches("event.type", type, TYPE);
    Checks.optionalText("event.requestId", requestId, MAX_ID);
    Checks.optionalText("event.keyId", keyId, MAX_ID);
    Checks.optionalText("event.orgId", orgId, MAX_ID);
    Checks.storable("event.body", body);
    occurredAt = Micros.truncate("event.occurredAt", occurredAt);
    if (outboxPayload != null) {
      if (!toOutbox) {
        throw new IllegalArgumentException("event.outboxPayload: only an outbox event carries one");
      }
      Checks.storable("event.outboxPayload", outboxPayload);
    }
  }

  /** An event without an outbox payload. */
  public EventRecord(
      String type,
      @Nullable String requestId,
      @Nullable String keyId,
      @Nullable String orgId,
      Instant occurredAt,
      String body,
      boolean toOutbox) {
    this(type, requestId, keyId, orgId, occurredAt, body, toOutbox, null);
  }

  /** This outbox event with {@code payload} for the monitor. */
  public EventRecord withOutboxPayload(String payload) {
    requireNonNull(payload, "payload");
    return new EventRecord(type, requestId, keyId, orgId, occurredAt, body, toOutbox, payload);
  }

  @Override
  public String toString() {
    return "EventRecord[type=" + type + ", requestId=" + requestId + ", keyId=" + keyId
        + ", orgId=" + orgId + ", occurredAt=" + occurredAt + ", body=" + body
        + ", toOutbox=" + toOutbox
        + ", outboxPayload=" + (outboxPayload == null ? "null" : "<" + outboxPayload.length() + " chars>")
        + "]";
  }
}
