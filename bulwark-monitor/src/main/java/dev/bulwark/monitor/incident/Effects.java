package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.monitor.internal.Sql;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Store;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The monitor's actions, and their reversal by an analyst. Reversing undoes what the action did,
 * in one audited transaction with a {@code monitor.action.reversed} event:
 *
 * <ul>
 *   <li>flag: the account is unflagged;
 *   <li>incident: the incident it opened becomes a false positive (evidence it added to an incident
 *       opened earlier is removed); the exchange text it kept ({@link IncidentExchanges}) is deleted;
 *   <li>review: the review item is cancelled if still open;
 *   <li>step_down: the step-down is cleared (gateways reload on their next poll);
 *   <li>suspend_keys: the keys it suspended are restored, unless revoked again since;
 *   <li>webhook: a second webhook call announces the reversal (the first cannot be unsent).
 * </ul>
 */
public final class Effects {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "id, seq, action_name, type, account, status, detail, created_at,"
      + " reversed_at, reversed_by, reverse_reason";

  private final Store store;
  private final Clock clock;

  public Effects(Store store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Actions, newest first, of one account or all. */
  public List<Effect> list(@Nullable String account, int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be between 1 and 10000, was " + limit);
    }
    return Sql.read(store.dataSource(), "listing monitor actions", c -> account == null
        ? Sql.list(c, "SELECT " + COLUMNS + " FROM monitor_effects ORDER BY created_at DESC, id DESC LIMIT ?",
            Effects::effect, limit)
        : Sql.list(c, "SELECT " + COLUMNS + " FROM monitor_effects WHERE account = ? ORDER BY created_at DESC,"
            + " id DESC LIMIT ?", Effects::effect, account, limit));
  }

  /** The actions taken for one event. */
  public List<Effect> forEvent(long seq) {
    return Sql.read(store.dataSource(), "reading monitor actions", c ->
        Sql.list(c, "SELECT " + COLUMNS + " FROM monitor_effects WHERE seq = ? ORDER BY created_at, id",
            Effects::effect, seq));
  }

  public Optional<Effect> get(String id) {
    requireNonNull(id, "id");
    return Sql.read(store.dataSource(), "reading monitor action " + id, c ->
        Optional.ofNullable(Sql.first(c, "SELECT " + COLUMNS + " FROM monitor_effects WHERE id = ?", Effects::effect, id)));
  }

  /**
   * Reverses an action.
   *
   * @throws IllegalArgumentException if there is no such action, or it was reversed already
   */
  public Effect reverse(String id, String actor, String reason) {
    requireNonNull(id, "id");
    requireNonNull(actor, "actor");
    requireNonNull(reason, "reason");
    if (actor.isBlank() || reason.isBlank()) {
      throw new IllegalArgumentException("reversing an action needs who and why");
    }
    Instant now = clock.instant();
    long at = Sql.micros(now);
    store.audited().write("reversing monitor action " + id, tx -> {
      Connection c = tx.connection();
      Effect e = Sql.first(c, "SELECT " + COLUMNS + " FROM monitor_effects WHERE id = ?", Effects::effect, id);
      if (e == null) {
        throw new IllegalArgumentException("no monitor action " + id);
      }
      if (e.reversedAt() != null) {
        throw new IllegalArgumentException("monitor action " + id + " was reversed already, by " + e.reversedBy());
      }
      JsonNode detail = parse(e.detail());
      ObjectNode undone = JsonNodeFactory.instance.objectNode();
      switch (e.type()) {
        case "flag" -> {
          if (detail.path("flagged").asBoolean(false)) {
            undone.put("unflagged", Sql.update(c, "UPDATE monitor_account_risk SET flagged_at = NULL WHERE account = ?",
                e.account()) == 1);
          }
        }
        case "incident" -> {
          String incident = detail.path("incident").asText("");
          if (!incident.isEmpty()) {
            ObjectNode change = JsonNodeFactory.instance.objectNode().put("reversed_effect", id).put("reason", reason);
            if (detail.path("opened").asBoolean(false)) {
              Sql.update(c, "UPDATE incidents SET status = 'false_positive', updated_at = ? WHERE id = ?", at, incident);
              change.put("status", "false_positive");
              undone.put("incident", incident).put("status", "false_positive");
            } else {
              Sql.update(c, "DELETE FROM incident_evidence WHERE incident_id = ? AND seq = ?", incident, e.seq());
              change.put("evidence_removed", e.seq());
              undone.put("incident", incident).put("evidence_removed", e.seq());
            }
            // The text kept behind it goes too: the action that kept it is undone.
            int dropped = Sql.update(c, "DELETE FROM incident_exchanges WHERE incident_id = ? AND seq = ?", incident,
                e.seq());
            if (dropped > 0) {
              change.put("evidence_text_removed", e.seq());
              undone.put("evidence_text_removed", e.seq());
            }
            Incidents.appendHistory(c, incident, at, actor, change);
          }
        }
        case "review" -> undone.put("cancelled", Sql.update(c, "UPDATE review_queue SET status = 'cancelled',"
            + " closed_at = ?, closed_by = ? WHERE id = ? AND status = 'open'", at, actor,
            detail.path("review").asText("")) == 1);
        case "step_down" -> {
          String override = detail.path("override").asText("");
          if (!override.isEmpty() && !detail.has("note")) {
            int n = Sql.update(c, "UPDATE tier_overrides SET cleared_at = ?, cleared_by = ?, clear_reason = ?"
                + " WHERE id = ? AND cleared_at IS NULL", at, actor, reason, override);
            if (n > 0) {
              tx.changedAccess();
            }
            undone.put("cleared", n == 1);
          }
        }
        case "suspend_keys" -> {
          long suspendedAt = detail.path("suspended_at").asLong();
          List<String> restored = new ArrayList<>();
          for (JsonNode k : detail.path("keys")) {
            if (Sql.update(c, "UPDATE api_keys SET revoked_at = NULL WHERE id = ? AND revoked_at = ?", k.asText(),
                suspendedAt) == 1) {
              restored.add(k.asText());
            }
          }
          if (!restored.isEmpty()) {
            tx.changedAccess();
          }
          restored.forEach(undone.putArray("restored")::add);
        }
        case "webhook" -> {
          ObjectNode d = detail.deepCopy();
          ObjectNode payload = d.get("payload") instanceof ObjectNode o ? o : d.putObject("payload");
          payload.put("reversal_of", id).put("reason", reason).put("by", actor);
          Sql.update(c, "INSERT INTO monitor_effects (seq, action_name, id, type, account, status, detail, created_at,"
              + " next_try_at) VALUES (?, ?, ?, 'webhook', ?, 'pending', ?, ?, ?)", e.seq(), e.action() + "#reversal",
              id + "_reversal", e.account(), d.toString(), at, at);
          undone.put("announced", id + "_reversal");
        }
        default -> throw new IllegalStateException("unknown action type " + e.type());
      }
      Sql.update(c, "UPDATE monitor_effects SET status = 'reversed', reversed_at = ?, reversed_by = ?,"
          + " reverse_reason = ? WHERE id = ?", at, actor, reason, id);
      tx.audit(new EventRecord("monitor.action.reversed", null, null, null, now, JsonNodeFactory.instance.objectNode()
          .put("effect", id).put("seq", e.seq()).put("type", e.type()).put("account", e.account()).put("actor", actor)
          .put("reason", reason).<ObjectNode>set("undone", undone).toString(), false));
      return null;
    });
    return get(id).orElseThrow();
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return JsonNodeFactory.instance.objectNode();
    }
  }

  static Effect effect(ResultSet rs) throws SQLException {
    return new Effect(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), Sql.instant(rs.getLong(8)), Sql.instantOrNull(rs, 9), rs.getString(10),
        rs.getString(11));
  }
}
