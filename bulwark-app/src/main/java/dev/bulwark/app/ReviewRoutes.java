package dev.bulwark.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.admin.AdminError;
import dev.bulwark.admin.AdminRequest;
import dev.bulwark.admin.AdminRoutes;
import dev.bulwark.response.ResponseException;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.review.ReviewItem;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.diligence.DiligenceStore;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Role;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The human review queue of {@code bulwark review} on the admin API, for reviewers and admins:
 * {@code GET /reviews[?status=&assignee=]}, {@code GET /reviews/{id}}, {@code POST /reviews/{id}/assign},
 * {@code POST /reviews/{id}/label}, {@code POST /reviews/{id}/cancel}, {@code POST /reviews/claim},
 * {@code POST /reviews/escalate} (overdue items to the seniors named; the server's timer escalates to
 * the unassigned pool on its own) and {@code GET /reviews/export} (labelled items as training data,
 * as {@code bulwark review export} writes them). Here rather than in bulwark-response so that neither
 * it nor the admin plane depends on the other.
 *
 * <p>Only the redacted view ({@link ReviewQueue#view}) leaves through here, never the stored exchange.
 * The reviewer who labels, and whoever assigns, is the authenticated caller (its person id); an
 * assignee must be a person with the reviewer or admin role.
 */
final class ReviewRoutes implements AdminRoutes {
  static final Set<Role> ROLES = EnumSet.of(Role.REVIEWER, Role.ADMIN);
  private static final Set<String> STATUSES = Set.of(ReviewQueue.OPEN, ReviewQueue.DONE, ReviewQueue.CANCELLED);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ReviewQueue queue;
  private final DiligenceStore people;

  ReviewRoutes(ReviewQueue queue, DiligenceStore people) {
    this.queue = requireNonNull(queue, "queue");
    this.people = requireNonNull(people, "people");
  }

  @Override
  public void register(Registry registry) {
    registry.add("GET", "/reviews", ROLES, 200, this::list);
    // Before /reviews/{id}: the first registered match answers (an item id is rev-NNNN, never "export").
    registry.add("GET", "/reviews/export", ROLES, 200, this::export);
    registry.add("POST", "/reviews/escalate", ROLES, 200, this::escalate);
    registry.add("GET", "/reviews/{id}", ROLES, 200, r -> render(queue.view(open(r.param("id"), false).id())));
    registry.add("POST", "/reviews/{id}/assign", ROLES, 200, this::assign);
    registry.add("POST", "/reviews/{id}/label", ROLES, 200, this::label);
    registry.add("POST", "/reviews/{id}/cancel", ROLES, 200, this::cancel);
    registry.add("POST", "/reviews/claim", ROLES, 200, this::claim);
  }

  /** The most urgent open unassigned item, now the caller's: {@code {"item": ...}}, or {@code null} when none is left. */
  private JsonNode claim(AdminRequest r) {
    r.body();
    ObjectNode out = NODES.objectNode();
    out.set("item", queue.claimNext(r.caller().id()).map(i -> (JsonNode) render(queue.view(i.id())))
        .orElse(NODES.nullNode()));
    return out;
  }

  /**
   * The CLI's {@code review escalate}: every overdue open item not escalated yet goes to the seniors
   * named (in turn), each a person with the reviewer or admin role; the escalations are audited with
   * the caller. The server's timer does the same every minute to the unassigned {@code seniors} pool.
   */
  private JsonNode escalate(AdminRequest r) {
    JsonNode v = r.body("seniors").value("seniors");
    if (v == null || !v.isArray() || v.isEmpty()) {
      throw AdminError.badRequest("seniors: must be a non-empty list of reviewers' person ids");
    }
    List<String> seniors = new ArrayList<>();
    for (JsonNode s : v) {
      if (!s.isTextual() || s.asText().isBlank()) {
        throw AdminError.badRequest("seniors: must be a non-empty list of reviewers' person ids");
      }
      seniors.add(reviewer("seniors", s.asText().strip()));
    }
    ArrayNode items = NODES.arrayNode();
    for (ReviewItem i : queue.escalateOverdue(seniors, r.caller().id())) {
      items.add(render(queue.view(i.id())));
    }
    ObjectNode out = NODES.objectNode().put("escalated", items.size());
    out.set("items", items);
    return out;
  }

  /**
   * The CLI's {@code review export}: every labelled item with content as training data (the shared
   * format's fields, redacted), one object per line of the CLI's JSONL; audited with the caller.
   */
  private JsonNode export(AdminRequest r) {
    StringWriter lines = new StringWriter();
    try {
      queue.exportLabels(lines, r.caller().id());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ArrayNode items = NODES.arrayNode();
    for (String line : lines.toString().split("\n")) {
      if (!line.isEmpty()) {
        items.add(Json.read(line));
      }
    }
    ObjectNode out = NODES.objectNode().put("count", items.size());
    out.set("items", items);
    return out;
  }

  private JsonNode cancel(AdminRequest r) {
    String reason = r.body("reason").required("reason");
    if (reason.isBlank()) {
      throw AdminError.badRequest("reason: must not be blank");
    }
    String id = open(r.param("id"), true).id();
    try {
      queue.cancel(id, r.caller().id(), reason);
    } catch (ResponseException e) {
      throw AdminError.conflict("review item " + id + " was closed meanwhile");
    }
    return render(queue.view(id));
  }

  private JsonNode list(AdminRequest r) {
    String status = r.query("status");
    if (status != null && !STATUSES.contains(status)) {
      throw AdminError.badRequest("status: must be one of cancelled, done, open, was '" + status + "'");
    }
    ArrayNode out = NODES.arrayNode();
    for (ReviewItem i : queue.list(status, r.query("assignee"))) {
      out.add(render(queue.view(i.id())));
    }
    return out;
  }

  private JsonNode assign(AdminRequest r) {
    AdminRequest.Body b = r.body("reviewer");
    String reviewer = b.optional("reviewer");
    reviewer = reviewer == null ? r.caller().id() : reviewer("reviewer", reviewer);
    String id = open(r.param("id"), true).id();
    try {
      queue.assign(id, reviewer, r.caller().id());
    } catch (ResponseException e) {
      throw AdminError.conflict(e.getMessage());
    }
    return render(queue.view(id));
  }

  private JsonNode label(AdminRequest r) {
    AdminRequest.Body b = r.body("label", "category", "family");
    String label = b.required("label");
    String reviewer = r.caller().id();
    ReviewItem item = open(r.param("id"), true);
    if (item.assignee() != null && !item.assignee().equals(reviewer)) {
      throw new AdminError(403, "assigned_elsewhere", "review item " + item.id() + " is assigned to someone else");
    }
    try {
      queue.label(item.id(), reviewer, label, b.optional("category"), b.optional("family"));
    } catch (ResponseException e) {
      // The item was found open and ours above: what is left is the body (label, category, family),
      // or a concurrent close, which a second look tells apart.
      if (queue.item(item.id()).map(ReviewItem::open).orElse(false)) {
        throw AdminError.badRequest(e.getMessage());
      }
      throw AdminError.conflict("review item " + item.id() + " was closed meanwhile");
    }
    return render(queue.view(item.id()));
  }

  /** A person who may review, named in {@code field}: 400 naming the field otherwise. */
  private String reviewer(String field, String named) {
    Person p = people.person(named)
        .orElseThrow(() -> AdminError.badRequest(field + ": no person '" + named + "'"));
    if (ROLES.stream().noneMatch(p::has)) {
      throw AdminError.badRequest(field + ": '" + named + "' has neither the reviewer nor the admin role");
    }
    return named;
  }

  /** The item, 404 when there is none, and 409 when {@code mustBeOpen} and it is closed. */
  private ReviewItem open(String id, boolean mustBeOpen) {
    ReviewItem i = queue.item(id).orElseThrow(() -> AdminError.notFound("no review item '" + id + "'"));
    if (mustBeOpen && !i.open()) {
      throw AdminError.conflict("review item " + id + " is " + i.status() + ", not open");
    }
    return i;
  }

  static ObjectNode render(ReviewQueue.View v) {
    ReviewItem i = v.item();
    ObjectNode n = NODES.objectNode()
        .put("id", i.id())
        .put("source", i.source())
        .put("account", i.account())
        .put("seq", i.seq())
        .put("reason", i.reason())
        .put("priority", i.priority().wireName())
        .put("status", i.status())
        .put("created_at", i.createdAt().toString())
        .put("due_at", time(i.dueAt()))
        .put("overdue", v.overdue())
        .put("assignee", i.assignee())
        .put("escalated_at", time(i.escalatedAt()))
        .put("escalated_to", i.escalatedTo())
        .put("label", i.label())
        .put("label_category", i.labelCategory())
        .put("family", i.familyId())
        .put("closed_at", time(i.closedAt()))
        .put("closed_by", i.closedBy());
    ArrayNode turns = n.putArray("turns");
    List<String> redacted = v.turns();
    redacted.forEach(turns::add);
    return n.put("completion", v.completion());
  }

  private static @Nullable String time(@Nullable Instant at) {
    return at == null ? null : at.toString();
  }
}
