package dev.bulwark.monitor.flow;

import java.util.Locale;
import java.util.Optional;

/** What an action does. Every action is recorded once per (event, action) and can be reversed. */
public enum ActionType {
  /** Marks the account as flagged (its risk row); reversed by unflagging. */
  FLAG,
  /** Opens an incident for the account, or adds the event as evidence to its open one. */
  INCIDENT,
  /** Puts the exchange in the human review queue. */
  REVIEW,
  /** Steps the organization down to a stricter tier until an analyst clears it. */
  STEP_DOWN,
  /** Suspends the organization's active API keys (reversing restores them). */
  SUSPEND_KEYS,
  /** Calls an HTTP endpoint (delivered at least once, with an idempotency key). */
  WEBHOOK;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ActionType> parse(String name) {
    for (ActionType t : values()) {
      if (t.wireName().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
