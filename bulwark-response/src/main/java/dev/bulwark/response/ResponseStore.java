package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.response.internal.Jdbc;
import dev.bulwark.response.internal.Json;
import dev.bulwark.store.Store;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Families, reports, variants and regression corpora in the store (tables of migration V4). Ids come
 * from counters incremented in the inserting transaction, so two processes never hand out the same
 * one. Thread-safe; every method is one statement or one transaction.
 */
public final class ResponseStore {
  private final Jdbc db;

  public ResponseStore(Store store) {
    this.db = new Jdbc(requireNonNull(store, "store").dataSource());
  }

  /** The JDBC helper, for the other rapid-response stores over the same pool. */
  public Jdbc jdbc() {
    return db;
  }

  // ------------------------------------------------------------------------------------- families

  /** Creates a family and returns it with its new id. */
  public Family createFamily(String name, Instant at) {
    return db.inTransaction("creating a family", tx -> {
      String id = String.format(Locale.ROOT, "fam-%04d", tx.next("family"));
      tx.update("INSERT INTO response_families (id, name, status, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?)",
          id, name, Family.Status.OPEN.wireName(), Jdbc.micros(at), Jdbc.micros(at), "{}");
      return new Family(id, name, Family.Status.OPEN, at, at);
    });
  }

  public Optional<Family> family(String id) {
    return db.queryOne("SELECT * FROM response_families WHERE id = ?", ResponseStore::family, id);
  }

  /** Every family, oldest first. */
  public List<Family> families() {
    return db.query("SELECT * FROM response_families ORDER BY created_at, id", ResponseStore::family);
  }

  public void setFamilyStatus(String id, Family.Status status, Instant at) {
    if (db.update("UPDATE response_families SET status = ?, updated_at = ? WHERE id = ?",
        status.wireName(), Jdbc.micros(at), id) == 0) {
      throw new ResponseException("no family " + id);
    }
  }

  private static Family family(ResultSet rs) throws SQLException {
    return new Family(rs.getString("id"), rs.getString("name"), Family.Status.parse(rs.getString("status")),
        Jdbc.instant(rs.getLong("created_at")), Jdbc.instant(rs.getLong("updated_at")));
  }

  // -------------------------------------------------------------------------------------- reports

  /** Stores a report under a new id; {@code familyId} must exist. */
  public Report insertReport(NewReport r, String familyId, @Nullable String duplicateOf, String dedupKey, Instant at) {
    return db.inTransaction("storing a report", tx -> insertReport(tx, r, familyId, duplicateOf, dedupKey, at));
  }

  /**
   * Where a report came from, when it must be taken in at most once: {@code incident} and the monitor
   * incident's id.
   */
  public record Origin(String kind, String ref) {
    /** The kind of {@link #incidentExchange} rows. */
    public static final String INCIDENT_EXCHANGE = "incident_exchange";

    public Origin {
      requireNonNull(kind, "kind");
      requireNonNull(ref, "ref");
      if (kind.isBlank() || ref.isBlank()) {
        throw new IllegalArgumentException("an origin needs a kind and a reference");
      }
    }

    /** A monitor incident: the row of its first report. */
    public static Origin incident(String incidentId) {
      return new Origin("incident", incidentId);
    }

    /**
     * One exchange kept behind a monitor incident (its event's {@code seq}): the row that makes each
     * exchange reported once, whether in the incident's first report or in a follow-up.
     */
    public static Origin incidentExchange(String incidentId, long seq) {
      return new Origin(INCIDENT_EXCHANGE, incidentId + "#" + seq);
    }

    @Override
    public String toString() {
      return kind + ":" + ref;
    }
  }

  /** Allocates the id of a family that {@link #insertReport(NewReport, String, String, String, String, Instant, Origin, String)} will create (an unused id is a gap). */
  public String allocateFamilyId() {
    return String.format(Locale.ROOT, "fam-%04d", db.next("family"));
  }

  /**
   * Stores a report in one transaction: the family it starts (when {@code newFamilyName} is given,
   * under {@code familyId}), the report, and with an origin the origin's row, so that an origin is
   * taken in at most once: when it was taken already (by this process or another), nothing is written.
   *
   * @param familyId the family it joins, or the id of the one it starts
   * @param newFamilyName the name of the family it starts, or null when it joins {@code familyId}
   * @param origin where it came from when it must be taken in once, else null
   * @param takenBy who took it in (a process or a person), for the origin's row
   * @return the report, or empty when the origin was taken already
   */
  public Optional<Report> insertReport(NewReport r, String familyId, @Nullable String newFamilyName,
      @Nullable String duplicateOf, String dedupKey, Instant at, @Nullable Origin origin, String takenBy) {
    return insertReport(r, familyId, newFamilyName, duplicateOf, dedupKey, at,
        origin == null ? List.of() : List.of(origin), takenBy);
  }

  /**
   * As {@link #insertReport(NewReport, String, String, String, String, Instant, Origin, String)}, with
   * several origins taken in together (an incident and each exchange the report holds): all of them or
   * none. When any was taken already, nothing is written.
   *
   * @param origins where it came from, each to be taken in once; empty for none
   * @return the report, or empty when one of the origins was taken already
   */
  public Optional<Report> insertReport(NewReport r, String familyId, @Nullable String newFamilyName,
      @Nullable String duplicateOf, String dedupKey, Instant at, List<Origin> origins, String takenBy) {
    requireNonNull(takenBy, "takenBy");
    List<Origin> all = List.copyOf(origins);
    try {
      return Optional.of(db.inTransaction("storing a report", tx -> {
        if (newFamilyName != null) {
          tx.update("INSERT INTO response_families (id, name, status, created_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?)",
              familyId, newFamilyName, Family.Status.OPEN.wireName(), Jdbc.micros(at), Jdbc.micros(at), "{}");
        }
        Report stored = insertReport(tx, r, familyId, duplicateOf, dedupKey, at);
        // Last: a concurrent intake of the same origin waits here (PostgreSQL) or could not begin
        // (SQLite's transactions take the write lock first), then finds the row and rolls back all of it.
        for (Origin origin : all) {
          if (tx.update("INSERT INTO response_report_origins (origin, ref, report_id, taken_at, taken_by)"
              + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", origin.kind(), origin.ref(), stored.id(),
              Jdbc.micros(at), takenBy) == 0) {
            throw new OriginTaken();
          }
        }
        return stored;
      }));
    } catch (OriginTaken e) {
      return Optional.empty();
    }
  }

  /** Rolls an intake back whose origin was taken meanwhile. */
  private static final class OriginTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OriginTaken() {
      super("taken already", null, false, false);
    }
  }

  /**
   * Records that an origin was looked at and held nothing to report, so that it is not looked at
   * again; false when it was taken already.
   */
  public boolean markOriginEmpty(Origin origin, String takenBy, String note, Instant at) {
    return db.update("INSERT INTO response_report_origins (origin, ref, report_id, taken_at, taken_by, note)"
        + " VALUES (?, ?, NULL, ?, ?, ?) ON CONFLICT DO NOTHING", origin.kind(), origin.ref(), Jdbc.micros(at), takenBy,
        note) == 1;
  }

  /**
   * Records origins that were looked at in one transaction, each unless it was taken already: with
   * {@code reportId} null, ones that held nothing to report ({@code note} says why); with a report, ones
   * that report already holds (an incident's exchanges its first report took in before exchanges had
   * rows of their own).
   *
   * @return how many rows were written
   */
  public int markOrigins(List<Origin> origins, @Nullable String reportId, String takenBy, @Nullable String note,
      Instant at) {
    requireNonNull(takenBy, "takenBy");
    if (origins.isEmpty()) {
      return 0;
    }
    return db.inTransaction("recording origins", tx -> {
      int n = 0;
      for (Origin o : origins) {
        n += tx.update("INSERT INTO response_report_origins (origin, ref, report_id, taken_at, taken_by, note)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", o.kind(), o.ref(), reportId, Jdbc.micros(at),
            takenBy, note);
      }
      return n;
    });
  }

  /** Whether an origin was taken in already (with a report or without). */
  public boolean originTaken(Origin origin) {
    return !db.query("SELECT 1 FROM response_report_origins WHERE origin = ? AND ref = ?", rs -> 1, origin.kind(),
        origin.ref()).isEmpty();
  }

  /** The report taken in from an origin, if any. */
  public Optional<Report> reportByOrigin(Origin origin) {
    return db.queryOne("SELECT r.* FROM response_reports r JOIN response_report_origins o ON o.report_id = r.id"
        + " WHERE o.origin = ? AND o.ref = ?", ResponseStore::report, origin.kind(), origin.ref());
  }

  private static Report insertReport(Jdbc.Tx tx, NewReport r, String familyId, @Nullable String duplicateOf,
      String dedupKey, Instant at) throws SQLException {
    ObjectNode body = Json.object();
    body.put("title", r.title());
    if (r.bounty() != null) {
      body.put("submission_id", r.bounty().submissionId());
    }
    body.set("exchanges", Json.exchanges(r.exchanges()));
    String id = String.format(Locale.ROOT, "rep-%04d", tx.next("report"));
    tx.update("INSERT INTO response_reports (id, source, family_id, duplicate_of, dedup_key, received_at, reporter,"
            + " severity, reward_status, external_ref, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id, r.source().wireName(), familyId, duplicateOf, dedupKey, Jdbc.micros(at), r.reporter(),
        r.bounty() == null ? null : r.bounty().severity().wireName(),
        r.bounty() == null ? null : r.bounty().reward().wireName(), r.externalRef(), Json.write(body));
    return new Report(id, familyId, duplicateOf, dedupKey, at, r.source(), r.title(), r.reporter(), r.bounty(),
        r.externalRef(), r.exchanges());
  }

  /** The ids of the reports that are not duplicates, oldest first: what intake groups new reports against. */
  public List<String> originalReportIds() {
    return db.query("SELECT id FROM response_reports WHERE duplicate_of IS NULL ORDER BY received_at, id",
        rs -> rs.getString(1));
  }

  public Optional<Report> report(String id) {
    return db.queryOne("SELECT * FROM response_reports WHERE id = ?", ResponseStore::report, id);
  }

  /** The first report with this dedup key that is not itself a duplicate. */
  public Optional<Report> originalByDedupKey(String key) {
    return db.queryOne("SELECT * FROM response_reports WHERE dedup_key = ? AND duplicate_of IS NULL ORDER BY received_at, id",
        ResponseStore::report, key);
  }

  /** A family's reports, oldest first; {@code null}: every report. */
  public List<Report> reports(@Nullable String familyId) {
    return familyId == null
        ? db.query("SELECT * FROM response_reports ORDER BY received_at, id", ResponseStore::report)
        : db.query("SELECT * FROM response_reports WHERE family_id = ? ORDER BY received_at, id", ResponseStore::report, familyId);
  }

  /** Updates a bug-bounty report's reward status. */
  public void setRewardStatus(String reportId, BugBounty.RewardStatus status) {
    if (db.update("UPDATE response_reports SET reward_status = ? WHERE id = ? AND source = ?",
        status.wireName(), reportId, ReportSource.BUG_BOUNTY.wireName()) == 0) {
      throw new ResponseException("no bug-bounty report " + reportId);
    }
  }

  private static Report report(ResultSet rs) throws SQLException {
    JsonNode body = Json.read(rs.getString("body"));
    ReportSource source = ReportSource.parse(rs.getString("source")).orElseThrow();
    BugBounty bounty = null;
    if (source == ReportSource.BUG_BOUNTY) {
      bounty = new BugBounty(body.path("submission_id").asText("?"),
          BugBounty.Severity.parse(rs.getString("severity")).orElseThrow(),
          BugBounty.RewardStatus.parse(rs.getString("reward_status")).orElseThrow());
    }
    return new Report(rs.getString("id"), rs.getString("family_id"), rs.getString("duplicate_of"),
        rs.getString("dedup_key"), Jdbc.instant(rs.getLong("received_at")), source, body.path("title").asText(),
        rs.getString("reporter"), bounty, rs.getString("external_ref"), Json.exchanges(body.path("exchanges")));
  }

  // ------------------------------------------------------------------------------------- variants

  /** Replaces a family's variants (a new proliferation supersedes the old). */
  public void replaceVariants(String familyId, List<Variant> variants) {
    db.inTransaction("storing variants", tx -> {
      tx.update("DELETE FROM response_variants WHERE family_id = ?", familyId);
      int seq = 0;
      for (Variant v : variants) {
        ObjectNode body = Json.object();
        body.put("id", v.id());
        body.set("exchange", Json.exchange(v.exchange()));
        body.put("transform", v.transform());
        body.put("payload", v.payloadId());
        body.set("targets", Json.categories(v.targets()));
        tx.update("INSERT INTO response_variants (family_id, seq, role, held_back, body) VALUES (?, ?, ?, ?, ?)",
            familyId, seq++, v.role().wireName(), v.heldBack(), Json.write(body));
      }
      return null;
    });
  }

  /** A family's variants, in proliferation order. */
  public List<Variant> variants(String familyId) {
    return db.query("SELECT * FROM response_variants WHERE family_id = ? ORDER BY seq", rs -> {
      JsonNode b = Json.read(rs.getString("body"));
      return new Variant(b.path("id").asText(), rs.getString("family_id"),
          Variant.Role.valueOf(rs.getString("role").toUpperCase(Locale.ROOT)), Json.exchange(b.path("exchange")),
          b.path("transform").asText(), b.path("payload").isNull() ? null : b.path("payload").asText(),
          Json.categories(b.path("targets")), rs.getInt("held_back") != 0);
    }, familyId);
  }

  // ---------------------------------------------------------------------------------- regression

  /** Adds exchanges to a family's regression corpus. */
  public void addRegression(String familyId, List<Exchange> exchanges, String origin, Instant at) {
    db.inTransaction("adding to a regression corpus", tx -> {
      long next = tx.query("SELECT COALESCE(MAX(seq), -1) FROM response_regression WHERE family_id = ?",
          rs -> rs.getLong(1), familyId).get(0) + 1;
      for (Exchange e : exchanges) {
        tx.update("INSERT INTO response_regression (family_id, seq, origin, added_at, body) VALUES (?, ?, ?, ?, ?)",
            familyId, next++, origin, Jdbc.micros(at), Json.write(Json.exchange(e)));
      }
      return null;
    });
  }

  /** Every family's regression corpus, by family id. */
  public Map<String, List<Exchange>> regression() {
    Map<String, List<Exchange>> out = new LinkedHashMap<>();
    db.query("SELECT family_id, body FROM response_regression ORDER BY family_id, seq", rs -> {
      out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(Json.exchange(Json.read(rs.getString(2))));
      return null;
    });
    return out;
  }

  /** Adds a confirmed benign exchange to the benign regression set. */
  public void addBenign(String id, Exchange exchange, String origin, Instant at) {
    db.update("INSERT INTO response_benign (id, origin, added_at, body) VALUES (?, ?, ?, ?)",
        id, origin, Jdbc.micros(at), Json.write(Json.exchange(exchange)));
  }

  /** The benign exchanges reviewers confirmed. */
  public List<Exchange> benign() {
    return db.query("SELECT body FROM response_benign ORDER BY added_at, id", rs -> Json.exchange(Json.read(rs.getString(1))));
  }
}
