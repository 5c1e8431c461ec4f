package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.monitor.analyzer.Severity;
import dev.bulwark.monitor.internal.Sql;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Incidents as analysts see them: list, read, update. An update is one audited transaction: the
 * incident, a history entry and an {@code incident.updated} event commit together.
 */
public final class Incidents {
  private static final String COLUMNS =
      "id, account, title, severity, status, category, family, opened_at, updated_at, opened_by";

  private final Store store;
  private final Clock clock;

  public Incidents(Store store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Incidents, newest change first, filtered by status and account when given. */
  public List<Incident> list(@Nullable IncidentStatus status, @Nullable String account, int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be between 1 and 10000, was " + limit);
    }
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM incidents WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (status != null) {
      sql.append(" AND status = ?");
      args.add(status.wireName());
    }
    if (account != null) {
      sql.append(" AND account = ?");
      args.add(account);
    }
    sql.append(" ORDER BY updated_at DESC, id DESC LIMIT ?");
    args.add(limit);
    return Sql.read(store.dataSource(), "listing incidents",
        c -> Sql.list(c, sql.toString(), rs -> incident(rs, List.of(), List.of()), args.toArray()));
  }

  /** One incident with its evidence and history. */
  public Optional<Incident> get(String id) {
    requireNonNull(id, "id");
    return Sql.read(store.dataSource(), "reading incident " + id, c -> {
      List<Incident.Evidence> evidence = Sql.list(c, "SELECT seq, added_at, note FROM incident_evidence"
          + " WHERE incident_id = ? ORDER BY seq", rs -> new Incident.Evidence(rs.getLong(1),
              Sql.instant(rs.getLong(2)), rs.getString(3)), id);
      List<Incident.Change> history = Sql.list(c, "SELECT n, at, actor, change_json FROM incident_history"
          + " WHERE incident_id = ? ORDER BY n", rs -> new Incident.Change(rs.getInt(1), Sql.instant(rs.getLong(2)),
              rs.getString(3), rs.getString(4)), id);
      return Optional.ofNullable(Sql.first(c, "SELECT " + COLUMNS + " FROM incidents WHERE id = ?",
          rs -> incident(rs, evidence, history), id));
    });
  }

  /**
   * Applies {@code update} by {@code actor}.
   *
   * @throws IllegalArgumentException if there is no such incident
   */
  public Incident update(String id, String actor, IncidentUpdate update) {
    requireNonNull(id, "id");
    requireNonNull(actor, "actor");
    requireNonNull(update, "update");
    if (actor.isBlank()) {
      throw new IllegalArgumentException("actor: required");
    }
    Instant now = clock.instant();
    long at = Sql.micros(now);
    store.audited().write("updating incident " + id, tx -> {
      var c = tx.connection();
      Object[] row = Sql.first(c, "SELECT account, status, severity, family FROM incidents WHERE id = ?",
          rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}, id);
      if (row == null) {
        throw new IllegalArgumentException("no incident " + id);
      }
      ObjectNode change = JsonNodeFactory.instance.objectNode();
      if (update.status() != null && !update.status().wireName().equals(row[1])) {
        change.put("status", update.status().wireName()).put("status_was", (String) row[1]);
        Sql.update(c, "UPDATE incidents SET status = ? WHERE id = ?", update.status().wireName(), id);
      }
      if (update.severity() != null && !update.severity().wireName().equals(row[2])) {
        change.put("severity", update.severity().wireName()).put("severity_was", (String) row[2]);
        Sql.update(c, "UPDATE incidents SET severity = ? WHERE id = ?", update.severity().wireName(), id);
      }
      if (update.family() != null && !update.family().equals(row[3])) {
        change.put("family", update.family());
        if (row[3] != null) {
          change.put("family_was", (String) row[3]);
        }
        Sql.update(c, "UPDATE incidents SET family = ? WHERE id = ?", update.family(), id);
      }
      if (update.note() != null && !update.note().isBlank()) {
        change.put("note", update.note().strip());
      }
      Sql.update(c, "UPDATE incidents SET updated_at = ? WHERE id = ?", at, id);
      appendHistory(c, id, at, actor, change);
      tx.audit(new EventRecord("incident.updated", null, null, null, now,
          JsonNodeFactory.instance.objectNode().put("incident", id).put("account", (String) row[0])
              .put("actor", actor).<ObjectNode>set("change", change).toString(), false));
      return null;
    });
    return get(id).orElseThrow();
  }

  static void appendHistory(java.sql.Connection c, String incident, long at, String actor, ObjectNode change)
      throws SQLException {
    long n = Sql.count(c, "SELECT COALESCE(MAX(n), 0) FROM incident_history WHERE incident_id = ?", incident) + 1;
    Sql.update(c, "INSERT INTO incident_history (incident_id, n, at, actor, change_json) VALUES (?, ?, ?, ?, ?)",
        incident, (int) n, at, actor, change.toString());
  }

  private static Incident incident(ResultSet rs, List<Incident.Evidence> evidence, List<Incident.Change> history)
      throws SQLException {
    return new Incident(rs.getString(1), rs.getString(2), rs.getString(3),
        Severity.parse(rs.getString(4)).orElse(Severity.MEDIUM),
        IncidentStatus.parse(rs.getString(5)).orElse(IncidentStatus.OPEN), rs.getString(6), rs.getString(7),
        Sql.instant(rs.getLong(8)), Sql.instant(rs.getLong(9)), rs.getString(10), evidence, history);
  }
}
