package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import dev.bulwark.monitor.analyzer.Severity;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An account's suspected misuse.
 *
 * @param id e.g. {@code inc_1234} (the seq of the event that opened it)
 * @param account the account
 * @param title one line
 * @param severity how serious
 * @param status where it stands
 * @param category the category of the finding that opened it
 * @param family the jailbreak family, once an analyst knows it
 * @param openedAt when
 * @param updatedAt the last change
 * @param openedBy {@code monitor (trigger)} or an analyst
 * @param evidence the events behind it (empty in lists; filled by {@link Incidents#get})
 * @param history every change, oldest first (empty in lists)
 */
public record Incident(
    String id,
    String account,
    String title,
    Severity severity,
    IncidentStatus status,
    String category,
    @Nullable String family,
    Instant openedAt,
    Instant updatedAt,
    String openedBy,
    List<Evidence> evidence,
    List<Change> history) {

  public Incident {
    requireNonNull(id, "id");
    requireNonNull(account, "account");
    requireNonNull(title, "title");
    requireNonNull(severity, "severity");
    requireNonNull(status, "status");
    requireNonNull(category, "category");
    requireNonNull(openedAt, "openedAt");
    requireNonNull(updatedAt, "updatedAt");
    requireNonNull(openedBy, "openedBy");
    evidence = List.copyOf(evidence);
    history = List.copyOf(history);
  }

  /** An event behind the incident. */
  public record Evidence(long seq, Instant addedAt, String note) {}

  /** One change: who, when, and what (JSON). */
  public record Change(int n, Instant at, String actor, String change) {}
}
