package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One exchange as the monitor analyses it: the gateway's final event for a request, with the text the
 * outbox carried for it.
 *
 * @param seq the event's seq in the audit log: the exchange's identity in the monitor
 * @param eventType {@code request.completed}, {@code request.rejected} or {@code request.abandoned}
 * @param requestId the gateway's request id, if any
 * @param account the account (organization, or {@code key:<id>})
 * @param orgId the organization, if known
 * @param keyId the key's public id, if any
 * @param tier the caller's tier, if known
 * @param model the model asked for, if known
 * @param occurredAt when the gateway recorded the exchange
 * @param gatewayAction the most severe action the real-time stages took ({@code allow}, {@code
 *     flag}, {@code block}, {@code halt}...), or {@code none}
 * @param outcome the gateway's outcome ({@code completed}, {@code rejected}, ...)
 * @param turns the prompt's turns, oldest first (empty when the outbox carried no text)
 * @param completion the completion's text, all parts joined (empty when none)
 * @param metadata other facts from the event, for conditions and rules ({@code status},
 *     {@code retention}, {@code error_kind}, {@code client_protocol}, {@code stream})
 */
public record Exchange(
    long seq,
    String eventType,
    @Nullable String requestId,
    String account,
    @Nullable String orgId,
    @Nullable String keyId,
    @Nullable String tier,
    @Nullable String model,
    Instant occurredAt,
    String gatewayAction,
    String outcome,
    List<Turn> turns,
    String completion,
    Map<String, String> metadata) {

  public Exchange {
    requireNonNull(eventType, "eventType");
    requireNonNull(account, "account");
    requireNonNull(occurredAt, "occurredAt");
    requireNonNull(gatewayAction, "gatewayAction");
    requireNonNull(outcome, "outcome");
    turns = List.copyOf(turns);
    requireNonNull(completion, "completion");
    metadata = Map.copyOf(metadata);
  }

  /** One turn of the prompt. {@code role}: system, user, assistant or tool. */
  public record Turn(String role, String text) {
    public Turn {
      requireNonNull(role, "role");
      requireNonNull(text, "text");
    }

    public boolean isUser() {
      return "user".equals(role);
    }

    @Override
    public String toString() {
      // Text may be anything a user sent: keep it out of logs.
      return "Turn[role=" + role + ", chars=" + text.length() + "]";
    }
  }

  /** The user's turns, oldest first. */
  public List<String> userTurns() {
    List<String> out = new ArrayList<>();
    for (Turn t : turns) {
      if (t.isUser() && !t.text().isBlank()) {
        out.add(t.text());
      }
    }
    return out;
  }

  /** The newest user turn: what this exchange added to its conversation; empty when none. */
  public String lastUserTurn() {
    for (int i = turns.size() - 1; i >= 0; i--) {
      Turn t = turns.get(i);
      if (t.isUser() && !t.text().isBlank()) {
        return t.text();
      }
    }
    return "";
  }

  /** The whole prompt, turns joined by blank lines, as context for the completion. */
  public String promptText() {
    StringBuilder b = new StringBuilder();
    for (Turn t : turns) {
      if (b.length() > 0) {
        b.append("\n\n");
      }
      b.append(t.text());
    }
    return b.toString();
  }

  /** Whether the outbox carried any text for this exchange. */
  public boolean hasText() {
    return !turns.isEmpty() || !completion.isEmpty();
  }

  @Override
  public String toString() {
    return "Exchange[seq=" + seq + ", type=" + eventType + ", account=" + account + ", turns="
        + turns.size() + ", completionChars=" + completion.length() + "]";
  }
}
