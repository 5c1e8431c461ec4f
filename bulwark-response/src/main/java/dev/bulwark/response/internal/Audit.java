package dev.bulwark.response.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.store.EventLog;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.StoreException;
import java.time.Clock;
import java.util.concurrent.CompletionException;

/**
 * Writes rapid-response events to the hash-chained audit log. An action is audited before it takes
 * effect and waits for the commit: when the record cannot be written the action does not happen (the
 * log may hold an action that then failed, never an action it lacks). Bodies hold ids, counts, digests
 * and reasons, never user text.
 */
public final class Audit {
  private final EventLog events;
  private final Clock clock;

  public Audit(EventLog events, Clock clock) {
    this.events = requireNonNull(events, "events");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Appends {@code type} with {@code body} and waits for it to commit.
   *
   * @throws StoreException when the event could not be written
   */
  public long record(String type, ObjectNode body) {
    try {
      return events.append(new EventRecord(type, null, null, null, clock.instant(), Json.write(body), false)).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw cause instanceof StoreException s ? s : new StoreException("audit event " + type + " failed: " + cause, cause);
    }
  }

  public Clock clock() {
    return clock;
  }
}
