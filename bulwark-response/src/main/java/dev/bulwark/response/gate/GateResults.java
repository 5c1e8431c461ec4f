package dev.bulwark.response.gate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Jdbc;
import dev.bulwark.response.internal.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Every gate decision, stored and audited, with its checks. Thread-safe. */
public final class GateResults {
  private final Jdbc db;
  private final Audit audit;

  public GateResults(Jdbc db, Audit audit) {
    this.db = requireNonNull(db, "db");
    this.audit = requireNonNull(audit, "audit");
  }

  /** Stores a decision and returns it with its id. */
  public GateResult record(GateResult r) {
    String id = String.format(Locale.ROOT, "gate-%04d", db.next("gate"));
    GateResult stored = r.withId(id);
    ObjectNode body = toJson(stored);
    // The examples are prompt text: kept with the decision, left out of the append-only audit log.
    ObjectNode audited = body.deepCopy();
    audited.path("checks").forEach(c -> ((ObjectNode) c).remove("newly_blocked_examples"));
    audit.record("response.gate.decided", audited);
    db.update("INSERT INTO response_gate_results (id, release_id, family_id, decided_at, passed, body) VALUES (?, ?, ?, ?, ?, ?)",
        id, r.releaseId(), r.familyId(), Jdbc.micros(r.decidedAt()), r.passed(), Json.write(body));
    return stored;
  }

  /** Decisions about a release, or (with null) every decision, oldest first. */
  public List<GateResult> forRelease(@Nullable String releaseId) {
    return releaseId == null
        ? db.query("SELECT * FROM response_gate_results ORDER BY decided_at, id", GateResults::result)
        : db.query("SELECT * FROM response_gate_results WHERE release_id = ? ORDER BY decided_at, id", GateResults::result, releaseId);
  }

  /** Decisions about a family's candidates, oldest first. */
  public List<GateResult> forFamily(String familyId) {
    return db.query("SELECT * FROM response_gate_results WHERE family_id = ? ORDER BY decided_at, id", GateResults::result, familyId);
  }

  public static ObjectNode toJson(GateResult r) {
    ObjectNode n = Json.object().put("gate", r.id()).put("release", r.releaseId()).put("family", r.familyId())
        .put("against", r.against()).put("decided_at", r.decidedAt().toString()).put("passed", r.passed())
        .put("reason", r.reason());
    ArrayNode a = n.putArray("checks");
    for (GateResult.Check c : r.checks()) {
      ObjectNode check = a.addObject().put("name", c.name()).put("passed", c.passed()).put("value", c.value())
          .put("limit", c.limit()).put("detail", c.detail());
      if (!c.newlyBlockedBy().isEmpty()) {
        ObjectNode by = check.putObject("newly_blocked_by");
        c.newlyBlockedBy().forEach(by::put);
      }
      if (!c.newlyBlockedExamples().isEmpty()) {
        ArrayNode ex = check.putArray("newly_blocked_examples");
        c.newlyBlockedExamples().forEach(ex::add);
      }
    }
    return n;
  }

  private static GateResult result(ResultSet rs) throws SQLException {
    JsonNode b = Json.read(rs.getString("body"));
    List<GateResult.Check> checks = new ArrayList<>();
    for (JsonNode c : b.path("checks")) {
      Map<String, Integer> by = new LinkedHashMap<>();
      c.path("newly_blocked_by").properties().forEach(f -> by.put(f.getKey(), f.getValue().asInt()));
      List<String> examples = new ArrayList<>();
      c.path("newly_blocked_examples").forEach(x -> examples.add(x.asText()));
      checks.add(new GateResult.Check(c.path("name").asText(), c.path("passed").asBoolean(), c.path("value").asDouble(),
          c.path("limit").asDouble(), c.path("detail").asText(), by, examples));
    }
    return new GateResult(rs.getString("id"), rs.getString("release_id"), rs.getString("family_id"),
        b.path("against").asText(), Jdbc.instant(rs.getLong("decided_at")), rs.getInt("passed") != 0, checks);
  }
}
