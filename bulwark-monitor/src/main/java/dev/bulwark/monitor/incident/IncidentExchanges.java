package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.internal.Sql;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreException;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The exchanges the monitor kept behind jailbreak incidents (table {@code incident_exchanges}): when
 * an exchange opens or adds to an incident and its findings point at a jailbreak, the incident action
 * keeps its text, redacted and bounded ({@link EvidenceKeeping}), before the outbox text is deleted.
 * Rapid response reads them to turn the incident into a report. Read-only; thread-safe.
 */
public final class IncidentExchanges {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;

  public IncidentExchanges(Store store) {
    this.store = requireNonNull(store, "store");
  }

  /**
   * One kept exchange.
   *
   * @param seq the exchange's event in the audit log
   * @param reasons why its findings point at a jailbreak (node, analyzer, exemplar family); never text
   * @param redacted whether the text went through the redactor (always, for rows the monitor writes)
   * @param truncated whether the text was cut to the budget
   * @param turns the prompt's turns, oldest first, redacted
   * @param completion the completion, redacted (empty when none was kept)
   */
  public record Kept(String incidentId, long seq, String account, Instant keptAt, List<String> reasons,
      boolean redacted, boolean truncated, List<Exchange.Turn> turns, String completion) {
    public Kept {
      requireNonNull(incidentId, "incidentId");
      requireNonNull(account, "account");
      requireNonNull(keptAt, "keptAt");
      reasons = List.copyOf(reasons);
      turns = List.copyOf(turns);
      requireNonNull(completion, "completion");
    }

    @Override
    public String toString() {
      // The text stays out of logs, redacted or not.
      return "Kept[incident=" + incidentId + ", seq=" + seq + ", turns=" + turns.size() + ", reasons=" + reasons + "]";
    }
  }

  /** An incident's kept exchanges, in the order of their events. */
  public List<Kept> forIncident(String incidentId) {
    requireNonNull(incidentId, "incidentId");
    return Sql.read(store.dataSource(), "reading the exchanges of incident " + incidentId, c -> Sql.list(c,
        "SELECT incident_id, seq, account, kept_at, reasons, redacted, truncated, body FROM incident_exchanges"
            + " WHERE incident_id = ? ORDER BY seq", IncidentExchanges::kept, incidentId));
  }

  private static Kept kept(ResultSet rs) throws SQLException {
    JsonNode reasons = parse(rs.getString(5));
    JsonNode body = parse(rs.getString(8));
    List<String> why = new ArrayList<>();
    reasons.forEach(r -> why.add(r.asText()));
    List<Exchange.Turn> turns = new ArrayList<>();
    for (JsonNode t : body.path("turns")) {
      turns.add(new Exchange.Turn(t.path("role").asText("user"), t.path("text").asText("")));
    }
    return new Kept(rs.getString(1), rs.getLong(2), rs.getString(3), Sql.instant(rs.getLong(4)), why,
        rs.getInt(6) != 0, rs.getInt(7) != 0, turns, body.path("completion").asText(""));
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new StoreException("incident_exchanges holds a row that is not JSON", e);
    }
  }
}
