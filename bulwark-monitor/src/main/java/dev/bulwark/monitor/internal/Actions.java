package dev.bulwark.monitor.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.Severity;
import dev.bulwark.monitor.flow.ActionSpec;
import dev.bulwark.monitor.incident.EvidenceKeeping;
import dev.bulwark.store.AuditedWrites;
import dev.bulwark.store.EventRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Takes the monitor's actions, inside the transaction that records the run. Each action first
 * inserts its row in {@code monitor_effects}, keyed by (event seq, action name): when the row is
 * already there the action was taken before (a redelivered exchange) and nothing happens. Otherwise
 * the effect follows and a {@code monitor.action} event joins the audit chain in the same commit.
 * Ids derive from the seq, so a retried transaction writes the same rows. An incident action whose
 * run points at a jailbreak also keeps the exchange's text, redacted and bounded ({@link
 * JailbreakEvidence}), in the same transaction: the acknowledgement that follows deletes the outbox text.
 */
final class Actions {
  static final String ACTION_EVENT = "monitor.action";

  private Actions() {}

  /**
   * Takes {@code planned} for {@code p}; returns whether it was new (false: taken before).
   *
   * @param keeping how to keep the text of an exchange behind a jailbreak incident, or null to keep none
   */
  static boolean take(AuditedWrites.Tx tx, Outcome.Processed p, Outcome.Planned planned, Instant now,
      @Nullable EvidenceKeeping keeping) throws SQLException {
    Connection c = tx.connection();
    ActionSpec spec = planned.spec();
    Exchange ex = p.exchange();
    long seq = ex.seq();
    String effectId = "eff_" + seq + "_" + spec.name();
    long at = Sql.micros(now);
    int inserted = Sql.update(c, "INSERT INTO monitor_effects (seq, action_name, id, type, account, status, detail,"
        + " created_at) VALUES (?, ?, ?, ?, ?, 'done', '{}', ?) ON CONFLICT DO NOTHING",
        seq, spec.name(), effectId, spec.type().wireName(), ex.account(), at);
    if (inserted == 0) {
      return false;
    }
    ObjectNode detail = JsonNodeFactory.instance.objectNode();
    detail.put("trigger", planned.trigger());
    String status = "done";
    Finding top = topFinding(p);
    switch (spec.type()) {
      case FLAG -> {
        int n = Sql.update(c, "UPDATE monitor_account_risk SET flagged_at = ? WHERE account = ? AND flagged_at IS NULL",
            at, ex.account());
        if (n == 0 && Sql.count(c, "SELECT COUNT(*) FROM monitor_account_risk WHERE account = ?", ex.account()) == 0) {
          Sql.update(c, "INSERT INTO monitor_account_risk (account, score, updated_at, flagged_at) VALUES (?, 0, ?, ?)",
              ex.account(), at, at);
          n = 1;
        }
        detail.put("flagged", n == 1);
        if (n == 0) {
          detail.put("note", "already flagged");
        }
      }
      case INCIDENT -> {
        String open = Sql.first(c, "SELECT id FROM incidents WHERE account = ? AND status IN ('open', 'investigating',"
            + " 'contained') ORDER BY opened_at DESC, id DESC", rs -> rs.getString(1), ex.account());
        Severity severity = spec.severity() != null ? spec.severity() : top == null ? Severity.MEDIUM : top.severity();
        String category = top == null ? "unknown" : top.category();
        if (open == null) {
          String id = "inc_" + seq;
          Sql.update(c, "INSERT INTO incidents (id, account, title, severity, status, category, family, opened_at,"
              + " updated_at, opened_by) VALUES (?, ?, ?, ?, 'open', ?, NULL, ?, ?, ?)", id, ex.account(),
              String.format(Locale.ROOT, "%s activity on %s", category, ex.account()), severity.wireName(), category,
              at, at, "monitor (" + planned.trigger() + ")");
          history(c, id, at, "monitor", JsonNodeFactory.instance.objectNode().put("opened", true)
              .put("severity", severity.wireName()).put("category", category).put("seq", seq).put("effect", effectId));
          open = id;
          detail.put("opened", true);
        } else {
          String current = Sql.first(c, "SELECT severity FROM incidents WHERE id = ?", rs -> rs.getString(1), open);
          ObjectNode change = JsonNodeFactory.instance.objectNode().put("evidence_added", seq).put("effect", effectId);
          Severity was = current == null ? Severity.LOW : Severity.parse(current).orElse(Severity.LOW);
          if (severity.compareTo(was) > 0) {
            Sql.update(c, "UPDATE incidents SET severity = ?, updated_at = ? WHERE id = ?", severity.wireName(), at, open);
            change.put("severity", severity.wireName()).put("severity_was", was.wireName());
          } else {
            Sql.update(c, "UPDATE incidents SET updated_at = ? WHERE id = ?", at, open);
          }
          history(c, open, at, "monitor", change);
          detail.put("opened", false);
        }
        Sql.update(c, "INSERT INTO incident_evidence (incident_id, seq, added_at, note) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING", open, seq, at, top == null ? planned.trigger() : top.summary());
        detail.put("incident", open);
        keepText(c, open, p, keeping, at, detail);
      }
      case REVIEW -> {
        String id = "rev_" + seq;
        Sql.update(c, "INSERT INTO review_queue (id, account, seq, reason, priority, status, created_at)"
            + " VALUES (?, ?, ?, ?, ?, 'open', ?) ON CONFLICT DO NOTHING", id, ex.account(), seq,
            top == null ? "flowchart " + planned.trigger() : top.summary(), spec.priority(), at);
        detail.put("review", id);
      }
      case STEP_DOWN -> {
        if (ex.orgId() == null) {
          status = "skipped";
          detail.put("note", "the exchange has no organization to step down");
          break;
        }
        String open = Sql.first(c, "SELECT id FROM tier_overrides WHERE org_id = ? AND cleared_at IS NULL"
            + " ORDER BY set_at DESC, id DESC", rs -> rs.getString(1), ex.orgId());
        if (open != null) {
          detail.put("override", open).put("note", "already stepped down");
          break;
        }
        String id = "ovr_mon_" + seq;
        Sql.update(c, "INSERT INTO tier_overrides (id, org_id, tier, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)",
            id, ex.orgId(), spec.tier(), "monitor: " + (top == null ? planned.trigger() : top.summary()),
            "monitor", at);
        tx.changedAccess();
        detail.put("override", id).put("tier", spec.tier());
      }
      case SUSPEND_KEYS -> {
        List<String> keys;
        if (ex.orgId() != null) {
          keys = Sql.list(c, "SELECT id FROM api_keys WHERE org_id = ? AND revoked_at IS NULL ORDER BY id",
              rs -> rs.getString(1), ex.orgId());
        } else if (ex.keyId() != null) {
          keys = Sql.list(c, "SELECT id FROM api_keys WHERE id = ? AND revoked_at IS NULL", rs -> rs.getString(1),
              ex.keyId());
        } else {
          keys = new ArrayList<>();
        }
        for (String k : keys) {
          Sql.update(c, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at, k);
        }
        if (!keys.isEmpty()) {
          tx.changedAccess();
        }
        keys.forEach(detail.putArray("keys")::add);
        detail.put("suspended_at", at);
      }
      case WEBHOOK -> {
        status = "pending";
        detail.put("url", String.valueOf(spec.url()));
        if (spec.secretEnv() != null) {
          detail.put("secret_env", spec.secretEnv());
        }
        ObjectNode payload = detail.putObject("payload");
        payload.put("effect", effectId).put("seq", seq).put("account", ex.account()).put("action", spec.name())
            .put("trigger", planned.trigger()).put("risk", p.riskAfter());
        if (ex.requestId() != null) {
          payload.put("request_id", ex.requestId());
        }
        if (top != null) {
          payload.put("category", top.category()).put("severity", top.severity().wireName()).put("summary", top.summary());
        }
        Sql.update(c, "UPDATE monitor_effects SET next_try_at = ? WHERE id = ?", at, effectId);
      }
      default -> throw new IllegalStateException("unhandled action " + spec.type());
    }
    Sql.update(c, "UPDATE monitor_effects SET status = ?, detail = ? WHERE id = ?", status, detail.toString(), effectId);
    ObjectNode event = JsonNodeFactory.instance.objectNode();
    event.put("effect", effectId).put("seq", seq).put("action", spec.name()).put("type", spec.type().wireName())
        .put("account", ex.account()).put("status", status).set("detail", detail);
    tx.audit(new EventRecord(ACTION_EVENT, ex.requestId(), ex.keyId(), ex.orgId(), now, event.toString(), false));
    return true;
  }

  /**
   * When the run's findings point at a jailbreak, keeps the exchange's text with the incident,
   * redacted and bounded, before the acknowledgement deletes it from the outbox; {@code detail} (the
   * action's record and audit event) says what was kept and why, never the text.
   */
  private static void keepText(Connection c, String incident, Outcome.Processed p, @Nullable EvidenceKeeping keeping,
      long at, ObjectNode detail) throws SQLException {
    List<String> reasons = JailbreakEvidence.reasons(p.run());
    if (reasons.isEmpty()) {
      return;
    }
    ObjectNode kept = detail.putObject("evidence_text");
    reasons.forEach(kept.putArray("reasons")::add);
    Exchange ex = p.exchange();
    if (keeping == null) {
      kept.put("kept", false).put("why", "this monitor keeps no text (no redactor configured)");
      return;
    }
    if (!ex.hasText()) {
      kept.put("kept", false).put("why", "the outbox carried no text");
      return;
    }
    JailbreakEvidence.Kept text;
    try {
      text = JailbreakEvidence.keep(ex, keeping);
    } catch (RuntimeException e) {
      // Never keep text the redactor could not clean; the incident itself stands.
      kept.put("kept", false).put("why", "redaction failed: " + e.getClass().getSimpleName());
      return;
    }
    ArrayNode why = JsonNodeFactory.instance.arrayNode();
    reasons.forEach(why::add);
    int n = Sql.update(c, "INSERT INTO incident_exchanges (incident_id, seq, account, kept_at, reasons, redacted,"
        + " truncated, body) VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING", incident, ex.seq(), ex.account(),
        at, why.toString(), text.truncated() ? 1 : 0, text.body().toString());
    kept.put("kept", n == 1).put("redacted", true).put("truncated", text.truncated()).put("chars", text.chars());
    if (n == 0) {
      kept.put("why", "kept already");
    }
  }

  /** Appends a change to an incident's history. */
  static void history(Connection c, String incident, long at, String actor, ObjectNode change) throws SQLException {
    long n = Sql.count(c, "SELECT COALESCE(MAX(n), 0) FROM incident_history WHERE incident_id = ?", incident) + 1;
    Sql.update(c, "INSERT INTO incident_history (incident_id, n, at, actor, change_json) VALUES (?, ?, ?, ?, ?)",
        incident, (int) n, at, actor, change.toString());
  }

  /** The run's most severe finding (the highest score among equals), or null. */
  static @Nullable Finding topFinding(Outcome.Processed p) {
    Finding top = null;
    for (FlowchartRunner.NodeFinding nf : p.run().findings()) {
      Finding f = nf.finding();
      if (top == null || f.severity().compareTo(top.severity()) > 0
          || (f.severity() == top.severity() && f.score() > top.score())) {
        top = f;
      }
    }
    return top;
  }
}
