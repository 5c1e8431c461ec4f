package dev.bulwark.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.admin.AdminError;
import dev.bulwark.admin.AdminRequest;
import dev.bulwark.admin.AdminRoutes;
import dev.bulwark.monitor.analyzer.Severity;
import dev.bulwark.monitor.incident.Incident;
import dev.bulwark.monitor.incident.IncidentStatus;
import dev.bulwark.monitor.incident.IncidentUpdate;
import dev.bulwark.monitor.incident.Incidents;
import dev.bulwark.store.diligence.Role;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The incidents of {@code bulwark incidents} on the admin API: {@code GET /incidents[?status=&severity=
 * &account=&limit=]}, {@code GET /incidents/{id}} and {@code PATCH /incidents/{id}}, for analysts and
 * admins. Here rather than in the monitor so that neither the monitor nor the admin plane depends on
 * the other. An update's actor is the authenticated caller's id, never a name from the body.
 */
final class IncidentRoutes implements AdminRoutes {
  static final Set<Role> ROLES = EnumSet.of(Role.ANALYST, Role.ADMIN);
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 10_000;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Incidents incidents;

  IncidentRoutes(Incidents incidents) {
    this.incidents = requireNonNull(incidents, "incidents");
  }

  @Override
  public void register(Registry registry) {
    registry.add("GET", "/incidents", ROLES, 200, this::list);
    registry.add("GET", "/incidents/{id}", ROLES, 200, r -> render(find(r.param("id"))));
    registry.add("PATCH", "/incidents/{id}", ROLES, 200, this::update);
  }

  private JsonNode list(AdminRequest r) {
    IncidentStatus status = parse(r.query("status"), "status", IncidentStatus::values, IncidentStatus::wireName);
    Severity severity = parse(r.query("severity"), "severity", Severity::values, Severity::wireName);
    int limit = limit(r.query("limit"));
    // The store filters by status and account only; a severity filter reads the most it may and
    // filters here, so that the limit counts matching incidents.
    List<Incident> found = incidents.list(status, r.query("account"), severity == null ? limit : MAX_LIMIT);
    ArrayNode out = NODES.arrayNode();
    found.stream().filter(i -> severity == null || i.severity() == severity).limit(limit)
        .forEach(i -> out.add(render(i)));
    return out;
  }

  private JsonNode update(AdminRequest r) {
    String id = r.param("id");
    AdminRequest.Body b = r.body("status", "severity", "family", "note");
    IncidentStatus status = parse(b.optional("status"), "status", IncidentStatus::values, IncidentStatus::wireName);
    Severity severity = parse(b.optional("severity"), "severity", Severity::values, Severity::wireName);
    IncidentUpdate update;
    try {
      update = new IncidentUpdate(status, severity, b.optional("family"), b.optional("note"));
    } catch (IllegalArgumentException e) {
      throw AdminError.badRequest(e.getMessage());
    }
    find(id);
    try {
      return render(incidents.update(id, r.caller().id(), update));
    } catch (IllegalArgumentException e) {
      // Only an incident that vanished since find() gets here; the update itself was validated.
      throw AdminError.notFound("no incident '" + id + "'");
    }
  }

  private Incident find(String id) {
    return incidents.get(id).orElseThrow(() -> AdminError.notFound("no incident '" + id + "'"));
  }

  private static int limit(@Nullable String text) {
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    if (!text.matches("\\d{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_LIMIT) {
      throw AdminError.badRequest("limit: must be a whole number from 1 to " + MAX_LIMIT + ", was '" + text + "'");
    }
    return Integer.parseInt(text);
  }

  private static <E extends Enum<E>> @Nullable E parse(
      @Nullable String text, String field, java.util.function.Supplier<E[]> values,
      java.util.function.Function<E, String> wire) {
    if (text == null) {
      return null;
    }
    for (E e : values.get()) {
      if (wire.apply(e).equals(text)) {
        return e;
      }
    }
    throw AdminError.badRequest(field + ": must be one of "
        + Arrays.stream(values.get()).map(wire).collect(Collectors.joining(", ")) + ", was '" + text + "'");
  }

  static ObjectNode render(Incident i) {
    ObjectNode n = NODES.objectNode()
        .put("id", i.id())
        .put("account", i.account())
        .put("title", i.title())
        .put("severity", i.severity().wireName())
        .put("status", i.status().wireName())
        .put("category", i.category())
        .put("family", i.family())
        .put("opened_at", i.openedAt().toString())
        .put("updated_at", i.updatedAt().toString())
        .put("opened_by", i.openedBy());
    ArrayNode evidence = n.putArray("evidence");
    for (Incident.Evidence e : i.evidence()) {
      evidence.addObject().put("seq", e.seq()).put("added_at", e.addedAt().toString()).put("note", e.note());
    }
    ArrayNode history = n.putArray("history");
    for (Incident.Change c : i.history()) {
      history.addObject().put("n", c.n()).put("at", c.at().toString()).put("actor", c.actor())
          .set("change", change(c.change()));
    }
    return n;
  }

  /** A history entry's change as JSON; the text itself should one not parse. */
  private static JsonNode change(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return NODES.textNode(text);
    }
  }
}
