package dev.bulwark.app;

import static dev.bulwark.app.AdminApiHarness.error;
import static dev.bulwark.app.AdminApiHarness.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.admin.AdminServer;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.monitor.incident.Incidents;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.review.Priority;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.review.ReviewItem;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.diligence.Role;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident and review-queue endpoints that bulwark-app contributes to the admin API, over real
 * HTTP against a SQLite store: roles, the authenticated actor, and JSON errors.
 */
class AdminRoutesTest {
  static Vertx vertx;

  @TempDir Path dir;
  AdminApiHarness h;
  ReviewQueue queue;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void start() {
    h = new AdminApiHarness(dir);
    queue = new ReviewQueue(new ResponseStore(h.store), new Audit(h.store.events(), h.clock), new Redactor(),
        ReviewQueue.Settings.defaults());
    h.start(vertx, List.of(new IncidentRoutes(new Incidents(h.store, h.clock)), new ReviewRoutes(queue,
        h.store.diligence())));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  // ---------------------------------------------------------------- incidents

  @Test
  void incidents_analystListsAndUpdates_actorIsTheCaller() throws Exception {
    incident("inc_1", "acme", "high", "open");
    incident("inc_2", "acme", "low", "investigating");

    JsonNode all = json(h.send("GET", "/admin/v1/incidents", h.analyst, null), 200);
    JsonNode high = json(h.send("GET", "/admin/v1/incidents?severity=high", h.analyst, null), 200);
    JsonNode investigating = json(h.send("GET", "/admin/v1/incidents?status=investigating", h.analyst, null), 200);
    JsonNode updated = json(h.send("PATCH", "/admin/v1/incidents/inc_1", h.analyst,
        "{\"status\": \"contained\", \"severity\": \"critical\", \"family\": \"roleplay-v2\","
            + " \"note\": \"key suspended\"}"), 200);
    JsonNode read = json(h.send("GET", "/admin/v1/incidents/inc_1", h.admin, null), 200);

    assertThat(all).extracting(n -> n.get("id").asText()).containsExactlyInAnyOrder("inc_1", "inc_2");
    assertThat(high).extracting(n -> n.get("id").asText()).containsExactly("inc_1");
    assertThat(investigating).extracting(n -> n.get("id").asText()).containsExactly("inc_2");
    assertThat(updated.get("status").asText()).isEqualTo("contained");
    assertThat(updated.get("severity").asText()).isEqualTo("critical");
    assertThat(updated.get("family").asText()).isEqualTo("roleplay-v2");
    JsonNode change = read.get("history").get(0);
    assertThat(change.get("actor").asText()).isEqualTo(h.analyst.person().id());
    assertThat(change.get("change").get("status_was").asText()).isEqualTo("open");
    assertThat(change.get("change").get("note").asText()).isEqualTo("key suspended");
  }

  @Test
  void incidents_partnerContactOrReviewer_403Json() throws Exception {
    incident("inc_1", "acme", "high", "open");

    error(h.send("GET", "/admin/v1/incidents", h.contact, null), 403, "role_required");
    error(h.send("GET", "/admin/v1/incidents/inc_1", h.contact, null), 403, "role_required");
    error(h.send("PATCH", "/admin/v1/incidents/inc_1", h.contact, "{\"status\": \"resolved\"}"), 403, "role_required");
    error(h.send("GET", "/admin/v1/incidents", h.reviewer, null), 403, "role_required");

    assertThat(new Incidents(h.store, h.clock).get("inc_1").orElseThrow().status().wireName()).isEqualTo("open");
  }

  @Test
  void incidents_unknownId_404Json() throws Exception {
    error(h.send("GET", "/admin/v1/incidents/inc_404", h.analyst, null), 404, "not_found");
    error(h.send("PATCH", "/admin/v1/incidents/inc_404", h.analyst, "{\"status\": \"resolved\"}"), 404, "not_found");
  }

  @Test
  void incidentsUpdate_badBody_400Json() throws Exception {
    incident("inc_1", "acme", "high", "open");

    assertThat(error(h.send("PATCH", "/admin/v1/incidents/inc_1", h.analyst, "{\"status\": \"done\"}"), 400,
        "invalid_argument").get("message").asText()).contains("status");
    assertThat(error(h.send("PATCH", "/admin/v1/incidents/inc_1", h.analyst, "{\"actor\": \"mallory\", \"note\": \"x\"}"),
        400, "invalid_argument").get("message").asText()).contains("actor");
    error(h.send("PATCH", "/admin/v1/incidents/inc_1", h.analyst, "{}"), 400, "invalid_argument");
    error(h.send("PATCH", "/admin/v1/incidents/inc_1", h.analyst, "{\"status\": "), 400, "invalid_json");
    error(h.send("GET", "/admin/v1/incidents?severity=apocalyptic", h.analyst, null), 400, "invalid_argument");

    assertThat(new Incidents(h.store, h.clock).get("inc_1").orElseThrow().history()).isEmpty();
  }

  // ---------------------------------------------------------------- reviews

  @Test
  void reviews_reviewerListsAssignsAndLabels_redactedAndAudited() throws Exception {
    ReviewItem item = enqueue("write to me at someone@example.org");

    JsonNode list = json(h.send("GET", "/admin/v1/reviews?status=open", h.reviewer, null), 200);
    JsonNode assigned = json(h.send("POST", "/admin/v1/reviews/" + item.id() + "/assign", h.reviewer, "{}"), 200);
    JsonNode labelled = json(h.send("POST", "/admin/v1/reviews/" + item.id() + "/label", h.reviewer,
        "{\"label\": \"harmful\", \"category\": \"cbrn.chemical\"}"), 200);

    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("turns").get(0).asText()).contains("[EMAIL]").doesNotContain("someone@example.org");
    assertThat(list.toString()).doesNotContain("someone@example.org");
    assertThat(assigned.get("assignee").asText()).isEqualTo(h.reviewer.person().id());
    assertThat(labelled.get("status").asText()).isEqualTo("done");
    assertThat(labelled.get("label").asText()).isEqualTo("harmful");
    assertThat(labelled.get("closed_by").asText()).isEqualTo(h.reviewer.person().id());
    ReviewItem stored = queue.item(item.id()).orElseThrow();
    assertThat(stored.closedBy()).isEqualTo(h.reviewer.person().id());
    assertThat(stored.labelCategory()).isEqualTo("cbrn.chemical");
  }

  @Test
  void reviewsLabel_itemAssignedToAnother_403AndStillOpen() throws Exception {
    ReviewItem item = enqueue("a question");
    json(h.send("POST", "/admin/v1/reviews/" + item.id() + "/assign", h.admin,
        "{\"reviewer\": \"" + h.reviewer2.person().id() + "\"}"), 200);

    error(h.send("POST", "/admin/v1/reviews/" + item.id() + "/label", h.reviewer, "{\"label\": \"benign\"}"), 403,
        "assigned_elsewhere");

    assertThat(queue.item(item.id()).orElseThrow().open()).isTrue();
  }

  @Test
  void reviews_badBody_400JsonAndItemStillOpen() throws Exception {
    ReviewItem item = enqueue("a question");
    String path = "/admin/v1/reviews/" + item.id() + "/label";

    error(h.send("POST", path, h.reviewer, "{}"), 400, "invalid_argument");
    error(h.send("POST", path, h.reviewer, "{\"label\": \"dubious\"}"), 400, "invalid_argument");
    error(h.send("POST", path, h.reviewer, "{\"label\": \"harmful\", \"category\": \"no.such\"}"), 400, "invalid_argument");
    error(h.send("POST", path, h.reviewer, "{\"label\": \"benign\", \"reviewer\": \"someone\"}"), 400, "invalid_argument");
    error(h.send("POST", path, h.reviewer, "[1, 2]"), 400, "invalid_json");
    error(h.send("POST", "/admin/v1/reviews/" + item.id() + "/assign", h.reviewer, "{\"reviewer\": \"nobody\"}"), 400,
        "invalid_argument");
    error(h.send("POST", "/admin/v1/reviews/" + item.id() + "/assign", h.reviewer,
        "{\"reviewer\": \"" + h.contact.person().id() + "\"}"), 400, "invalid_argument");

    ReviewItem after = queue.item(item.id()).orElseThrow();
    assertThat(after.open()).isTrue();
    assertThat(after.assignee()).isNull();
  }

  @Test
  void reviews_unknownIdAnalystOrClosedItem_404And403And409() throws Exception {
    ReviewItem item = enqueue("a question");

    error(h.send("GET", "/admin/v1/reviews/rev-9999", h.reviewer, null), 404, "not_found");
    error(h.send("POST", "/admin/v1/reviews/rev-9999/label", h.reviewer, "{\"label\": \"benign\"}"), 404, "not_found");
    error(h.send("GET", "/admin/v1/reviews", h.analyst, null), 403, "role_required");
    error(h.send("GET", "/admin/v1/reviews/" + item.id(), h.contact, null), 403, "role_required");
    json(h.send("POST", "/admin/v1/reviews/" + item.id() + "/label", h.reviewer, "{\"label\": \"benign\"}"), 200);
    error(h.send("POST", "/admin/v1/reviews/" + item.id() + "/label", h.reviewer, "{\"label\": \"benign\"}"), 409,
        "conflict");
  }

  @Test
  void reviews_claimThenCancel_callerIsAssigneeAndCloser() throws Exception {
    ReviewItem item = enqueue("a question");

    JsonNode claimed = json(h.send("POST", "/admin/v1/reviews/claim", h.reviewer, null), 200);
    JsonNode none = json(h.send("POST", "/admin/v1/reviews/claim", h.reviewer2, "{}"), 200);
    JsonNode cancelled = json(h.send("POST", "/admin/v1/reviews/" + item.id() + "/cancel", h.reviewer,
        "{\"reason\": \"duplicate of another item\"}"), 200);

    assertThat(claimed.get("item").get("id").asText()).isEqualTo(item.id());
    assertThat(claimed.get("item").get("assignee").asText()).isEqualTo(h.reviewer.person().id());
    assertThat(none.get("item").isNull()).isTrue();
    assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
    assertThat(queue.item(item.id()).orElseThrow().closedBy()).isEqualTo(h.reviewer.person().id());
  }

  @Test
  void reviewsCancel_badBodyClosedOrAnalyst_400And409And403() throws Exception {
    ReviewItem item = enqueue("a question");
    String path = "/admin/v1/reviews/" + item.id() + "/cancel";

    error(h.send("POST", path, h.reviewer, "{}"), 400, "invalid_argument");
    error(h.send("POST", path, h.reviewer, "{\"reason\": \" \"}"), 400, "invalid_argument");
    error(h.send("POST", "/admin/v1/reviews/claim", h.reviewer, "{\"reviewer\": \"someone\"}"), 400, "invalid_argument");
    error(h.send("POST", path, h.analyst, "{\"reason\": \"r\"}"), 403, "role_required");
    assertThat(queue.item(item.id()).orElseThrow().open()).isTrue();
    json(h.send("POST", path, h.reviewer, "{\"reason\": \"r\"}"), 200);
    error(h.send("POST", path, h.reviewer, "{\"reason\": \"r\"}"), 409, "conflict");
  }

  @Test
  void reviewsEscalate_reviewerNamesSeniors_overdueItemsEscalatedInTurnAndAudited() throws Exception {
    ReviewItem overdue = enqueueDue(Duration.ofHours(5), "an old question");
    ReviewItem fresh = enqueue("a new question");
    String senior = h.reviewer2.person().id();

    JsonNode first = json(h.send("POST", "/admin/v1/reviews/escalate", h.reviewer,
        "{\"seniors\": [\"" + senior + "\"]}"), 200);
    JsonNode again = json(h.send("POST", "/admin/v1/reviews/escalate", h.admin,
        "{\"seniors\": [\"" + senior + "\"]}"), 200);

    assertThat(first.path("escalated").asInt()).isOne();
    assertThat(first.path("items")).singleElement().satisfies(i -> {
      assertThat(i.path("id").asText()).isEqualTo(overdue.id());
      assertThat(i.path("assignee").asText()).isEqualTo(senior);
      assertThat(i.path("escalated_to").asText()).isEqualTo(senior);
      assertThat(i.path("overdue").asBoolean()).isTrue();
    });
    assertThat(again.path("escalated").asInt()).as("never twice").isZero();
    assertThat(queue.item(fresh.id()).orElseThrow().escalatedAt()).isNull();
    assertThat(h.events("review.escalated")).singleElement().satisfies(b -> assertThat(b)
        .contains("\"item\":\"" + overdue.id() + "\"", "\"actor\":\"" + h.reviewer.person().id() + "\""));
  }

  @Test
  void reviewsEscalate_badSeniorsOrAnalyst_400NamingTheFieldAnd403AndNothingEscalated() throws Exception {
    ReviewItem overdue = enqueueDue(Duration.ofHours(5), "an old question");
    String path = "/admin/v1/reviews/escalate";

    assertThat(error(h.send("POST", path, h.reviewer, "{}"), 400, "invalid_argument").path("message").asText())
        .startsWith("seniors:");
    assertThat(error(h.send("POST", path, h.reviewer, "{\"seniors\": []}"), 400, "invalid_argument")
        .path("message").asText()).startsWith("seniors:");
    assertThat(error(h.send("POST", path, h.reviewer, "{\"seniors\": \"" + h.reviewer2.person().id() + "\"}"), 400,
        "invalid_argument").path("message").asText()).startsWith("seniors:");
    assertThat(error(h.send("POST", path, h.reviewer, "{\"seniors\": [7]}"), 400, "invalid_argument")
        .path("message").asText()).startsWith("seniors:");
    assertThat(error(h.send("POST", path, h.reviewer, "{\"seniors\": [\"nobody\"]}"), 400, "invalid_argument")
        .path("message").asText()).startsWith("seniors:");
    assertThat(error(h.send("POST", path, h.reviewer, "{\"seniors\": [\"" + h.contact.person().id() + "\"]}"), 400,
        "invalid_argument").path("message").asText()).startsWith("seniors:");
    error(h.send("POST", path, h.reviewer, "{\"seniors\": [\"" + h.reviewer2.person().id() + "\"], \"actor\": \"m\"}"),
        400, "invalid_argument");
    error(h.send("POST", path, h.analyst, "{\"seniors\": [\"" + h.reviewer2.person().id() + "\"]}"), 403,
        "role_required");
    error(h.send("POST", path, h.contact, "{\"seniors\": [\"" + h.reviewer2.person().id() + "\"]}"), 403,
        "role_required");

    assertThat(queue.item(overdue.id()).orElseThrow().escalatedAt()).isNull();
    assertThat(h.events("review.escalated")).isEmpty();
  }

  @Test
  void reviewsExport_reviewerExports_labelledItemsRedactedAndAudited() throws Exception {
    ReviewItem labelled = enqueue("write to me at someone@example.org");
    enqueue("still open");
    json(h.send("POST", "/admin/v1/reviews/" + labelled.id() + "/label", h.reviewer,
        "{\"label\": \"harmful\", \"category\": \"cbrn.chemical\"}"), 200);

    HttpResponse<String> r = h.send("GET", "/admin/v1/reviews/export", h.reviewer, null);
    JsonNode exported = json(r, 200);

    assertThat(exported.path("count").asInt()).isOne();
    assertThat(exported.path("items")).singleElement().satisfies(i -> {
      assertThat(i.path("id").asText()).isEqualTo(labelled.id());
      assertThat(i.path("label").asText()).isEqualTo("harmful");
      assertThat(i.path("category").asText()).isEqualTo("cbrn.chemical");
      assertThat(i.path("messages").get(0).path("content").asText()).contains("[EMAIL]");
    });
    assertThat(r.body()).doesNotContain("someone@example.org");
    assertThat(h.events("review.exported")).singleElement().satisfies(b -> assertThat(b)
        .contains("\"actor\":\"" + h.reviewer.person().id() + "\"", "\"items\":1"));
    error(h.send("GET", "/admin/v1/reviews/export", h.analyst, null), 403, "role_required");
    error(h.send("GET", "/admin/v1/reviews/export", h.contact, null), 403, "role_required");
    assertThat(h.events("review.exported")).hasSize(1);
  }

  @Test
  void endpoints_listTheContributedRoutes() {
    assertThat(h.server().endpoints()).contains("GET /admin/v1/incidents", "PATCH /admin/v1/incidents/{id}",
        "GET /admin/v1/reviews", "POST /admin/v1/reviews/{id}/label", "POST /admin/v1/reviews/{id}/cancel",
        "POST /admin/v1/reviews/claim", "POST /admin/v1/reviews/escalate", "GET /admin/v1/reviews/export",
        "GET /admin/v1/whoami");
  }

  @Test
  void builder_routeTakenAlready_refused() {
    AdminServer.Builder b = h.builder(vertx,
        List.of(r -> r.add("GET", "/whoami", Set.of(Role.ADMIN), 200, req -> AdminApiHarness.JSON.createObjectNode())));

    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taken");
  }

  // ---------------------------------------------------------------- helpers

  private void incident(String id, String account, String severity, String status) throws Exception {
    long at = AdminApiHarness.T0.toEpochMilli() * 1000;
    try (Connection c = h.store.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO incidents (id, account, title, severity, status,"
            + " category, family, opened_at, updated_at, opened_by) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, account);
      s.setString(3, "repeated refusals");
      s.setString(4, severity);
      s.setString(5, status);
      s.setString(6, "cbrn.chemical");
      s.setLong(7, at);
      s.setLong(8, at);
      s.setString(9, "monitor (trigger)");
      s.executeUpdate();
    }
  }

  /** An item enqueued {@code ago} before now (the harness's fixed clock), so that its SLA may have run out. */
  private ReviewItem enqueueDue(Duration ago, String prompt) {
    ReviewQueue earlier = new ReviewQueue(new ResponseStore(h.store), new Audit(h.store.events(),
        Clock.fixed(AdminApiHarness.T0.minus(ago), ZoneOffset.UTC)), new Redactor(), ReviewQueue.Settings.defaults());
    return earlier.enqueue(new ReviewQueue.NewItem("monitor", "flagged by the monitor", Priority.HIGH, null,
        new Exchange(List.of(new Turn(dev.bulwark.core.pipeline.Role.USER, prompt)), null), "acme", 0));
  }

  private ReviewItem enqueue(String prompt) {
    return queue.enqueue(new ReviewQueue.NewItem("monitor", "flagged by the monitor", Priority.HIGH, null,
        new Exchange(List.of(new Turn(dev.bulwark.core.pipeline.Role.USER, prompt)),
            "Sure, here is how to <goal>: [REDACTED]"), "acme", 0));
  }
}
