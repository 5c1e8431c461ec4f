package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.diligence.AdminCredentials;
import dev.bulwark.access.diligence.DiligenceRules;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.admin.AdminServer;
import dev.bulwark.admin.AdminSettings;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.monitor.incident.Incidents;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.review.Priority;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.review.ReviewItem;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.diligence.Role;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
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
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();
  static Vertx vertx;

  @TempDir Path dir;
  final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  Store store;
  KeyDirectory directory;
  DueDiligence dd;
  ReviewQueue queue;
  AdminServer server;
  AdminCredentials.Issued admin;
  AdminCredentials.Issued analyst;
  AdminCredentials.Issued reviewer;
  AdminCredentials.Issued reviewer2;
  AdminCredentials.Issued contact;

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
    store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("admin.db")).build());
    store.keys().upsertTier("standard", "standard", "test");
    directory = new KeyDirectory(store.keys(), store.diligence(), clock, scheduler, Duration.ofHours(1));
    dd = DueDiligence.builder().store(store).clock(clock).onChange(directory::refresh)
        .rules(DiligenceRules.builder().build()).build();
    admin = dd.bootstrap("ops", "Ada Admin", Set.of(Role.ADMIN), null, "test");
    analyst = dd.bootstrap("ops", "Andy Analyst", Set.of(Role.ANALYST), null, "test");
    reviewer = dd.bootstrap("ops", "Rita Reviewer", Set.of(Role.REVIEWER), null, "test");
    reviewer2 = dd.bootstrap("ops", "Rob Reviewer", Set.of(Role.REVIEWER), null, "test");
    contact = dd.bootstrap("acme", "Carla Contact", Set.of(Role.PARTNER_CONTACT), null, "test");
    queue = new ReviewQueue(new ResponseStore(store), new Audit(store.events(), clock), new Redactor(),
        ReviewQueue.Settings.defaults());
    server = AdminServer.builder()
        .vertx(vertx)
        .settings(new AdminSettings("127.0.0.1", 0))
        .store(store)
        .diligence(dd)
        .directory(directory)
        .policies(new PolicyResolver(directory, Map.of("standard", Policy.builder("standard").build())))
        .clock(clock)
        .routes(List.of(new IncidentRoutes(new Incidents(store, clock)), new ReviewRoutes(queue, store.diligence())))
        .build();
    server.start().await();
  }

  @AfterEach
  void stop() {
    server.close();
    directory.close();
    scheduler.shutdownNow();
    store.close();
  }

  // ---------------------------------------------------------------- incidents

  @Test
  void incidents_analystListsAndUpdates_actorIsTheCaller() throws Exception {
    incident("inc_1", "acme", "high", "open");
    incident("inc_2", "acme", "low", "investigating");

    JsonNode all = json(send("GET", "/admin/v1/incidents", analyst, null), 200);
    JsonNode high = json(send("GET", "/admin/v1/incidents?severity=high", analyst, null), 200);
    JsonNode investigating = json(send("GET", "/admin/v1/incidents?status=investigating", analyst, null), 200);
    JsonNode updated = json(send("PATCH", "/admin/v1/incidents/inc_1", analyst,
        "{\"status\": \"contained\", \"severity\": \"critical\", \"family\": \"roleplay-v2\","
            + " \"note\": \"key suspended\"}"), 200);
    JsonNode read = json(send("GET", "/admin/v1/incidents/inc_1", admin, null), 200);

    assertThat(all).extracting(n -> n.get("id").asText()).containsExactlyInAnyOrder("inc_1", "inc_2");
    assertThat(high).extracting(n -> n.get("id").asText()).containsExactly("inc_1");
    assertThat(investigating).extracting(n -> n.get("id").asText()).containsExactly("inc_2");
    assertThat(updated.get("status").asText()).isEqualTo("contained");
    assertThat(updated.get("severity").asText()).isEqualTo("critical");
    assertThat(updated.get("family").asText()).isEqualTo("roleplay-v2");
    JsonNode change = read.get("history").get(0);
    assertThat(change.get("actor").asText()).isEqualTo(analyst.person().id());
    assertThat(change.get("change").get("status_was").asText()).isEqualTo("open");
    assertThat(change.get("change").get("note").asText()).isEqualTo("key suspended");
  }

  @Test
  void incidents_partnerContactOrReviewer_403Json() throws Exception {
    incident("inc_1", "acme", "high", "open");

    error(send("GET", "/admin/v1/incidents", contact, null), 403, "role_required");
    error(send("GET", "/admin/v1/incidents/inc_1", contact, null), 403, "role_required");
    error(send("PATCH", "/admin/v1/incidents/inc_1", contact, "{\"status\": \"resolved\"}"), 403, "role_required");
    error(send("GET", "/admin/v1/incidents", reviewer, null), 403, "role_required");

    assertThat(new Incidents(store, clock).get("inc_1").orElseThrow().status().wireName()).isEqualTo("open");
  }

  @Test
  void incidents_unknownId_404Json() throws Exception {
    error(send("GET", "/admin/v1/incidents/inc_404", analyst, null), 404, "not_found");
    error(send("PATCH", "/admin/v1/incidents/inc_404", analyst, "{\"status\": \"resolved\"}"), 404, "not_found");
  }

  @Test
  void incidentsUpdate_badBody_400Json() throws Exception {
    incident("inc_1", "acme", "high", "open");

    assertThat(error(send("PATCH", "/admin/v1/incidents/inc_1", analyst, "{\"status\": \"done\"}"), 400,
        "invalid_argument").get("message").asText()).contains("status");
    assertThat(error(send("PATCH", "/admin/v1/incidents/inc_1", analyst, "{\"actor\": \"mallory\", \"note\": \"x\"}"),
        400, "invalid_argument").get("message").asText()).contains("actor");
    error(send("PATCH", "/admin/v1/incidents/inc_1", analyst, "{}"), 400, "invalid_argument");
    error(send("PATCH", "/admin/v1/incidents/inc_1", analyst, "{\"status\": "), 400, "invalid_json");
    error(send("GET", "/admin/v1/incidents?severity=apocalyptic", analyst, null), 400, "invalid_argument");

    assertThat(new Incidents(store, clock).get("inc_1").orElseThrow().history()).isEmpty();
  }

  // ---------------------------------------------------------------- reviews

  @Test
  void reviews_reviewerListsAssignsAndLabels_redactedAndAudited() throws Exception {
    ReviewItem item = enqueue("write to me at someone@example.org");

    JsonNode list = json(send("GET", "/admin/v1/reviews?status=open", reviewer, null), 200);
    JsonNode assigned = json(send("POST", "/admin/v1/reviews/" + item.id() + "/assign", reviewer, "{}"), 200);
    JsonNode labelled = json(send("POST", "/admin/v1/reviews/" + item.id() + "/label", reviewer,
        "{\"label\": \"harmful\", \"category\": \"cbrn.chemical\"}"), 200);

    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("turns").get(0).asText()).contains("[EMAIL]").doesNotContain("someone@example.org");
    assertThat(list.toString()).doesNotContain("someone@example.org");
    assertThat(assigned.get("assignee").asText()).isEqualTo(reviewer.person().id());
    assertThat(labelled.get("status").asText()).isEqualTo("done");
    assertThat(labelled.get("label").asText()).isEqualTo("harmful");
    assertThat(labelled.get("closed_by").asText()).isEqualTo(reviewer.person().id());
    ReviewItem stored = queue.item(item.id()).orElseThrow();
    assertThat(stored.closedBy()).isEqualTo(reviewer.person().id());
    assertThat(stored.labelCategory()).isEqualTo("cbrn.chemical");
  }

  @Test
  void reviewsLabel_itemAssignedToAnother_403AndStillOpen() throws Exception {
    ReviewItem item = enqueue("a question");
    json(send("POST", "/admin/v1/reviews/" + item.id() + "/assign", admin,
        "{\"reviewer\": \"" + reviewer2.person().id() + "\"}"), 200);

    error(send("POST", "/admin/v1/reviews/" + item.id() + "/label", reviewer, "{\"label\": \"benign\"}"), 403,
        "assigned_elsewhere");

    assertThat(queue.item(item.id()).orElseThrow().open()).isTrue();
  }

  @Test
  void reviews_badBody_400JsonAndItemStillOpen() throws Exception {
    ReviewItem item = enqueue("a question");
    String path = "/admin/v1/reviews/" + item.id() + "/label";

    error(send("POST", path, reviewer, "{}"), 400, "invalid_argument");
    error(send("POST", path, reviewer, "{\"label\": \"dubious\"}"), 400, "invalid_argument");
    error(send("POST", path, reviewer, "{\"label\": \"harmful\", \"category\": \"no.such\"}"), 400, "invalid_argument");
    error(send("POST", path, reviewer, "{\"label\": \"benign\", \"reviewer\": \"someone\"}"), 400, "invalid_argument");
    error(send("POST", path, reviewer, "[1, 2]"), 400, "invalid_json");
    error(send("POST", "/admin/v1/reviews/" + item.id() + "/assign", reviewer, "{\"reviewer\": \"nobody\"}"), 400,
        "invalid_argument");
    error(send("POST", "/admin/v1/reviews/" + item.id() + "/assign", reviewer,
        "{\"reviewer\": \"" + contact.person().id() + "\"}"), 400, "invalid_argument");

    ReviewItem after = queue.item(item.id()).orElseThrow();
    assertThat(after.open()).isTrue();
    assertThat(after.assignee()).isNull();
  }

  @Test
  void reviews_unknownIdAnalystOrClosedItem_404And403And409() throws Exception {
    ReviewItem item = enqueue("a question");

    error(send("GET", "/admin/v1/reviews/rev-9999", reviewer, null), 404, "not_found");
    error(send("POST", "/admin/v1/reviews/rev-9999/label", reviewer, "{\"label\": \"benign\"}"), 404, "not_found");
    error(send("GET", "/admin/v1/reviews", analyst, null), 403, "role_required");
    error(send("GET", "/admin/v1/reviews/" + item.id(), contact, null), 403, "role_required");
    json(send("POST", "/admin/v1/reviews/" + item.id() + "/label", reviewer, "{\"label\": \"benign\"}"), 200);
    error(send("POST", "/admin/v1/reviews/" + item.id() + "/label", reviewer, "{\"label\": \"benign\"}"), 409,
        "conflict");
  }

  @Test
  void reviews_claimThenCancel_callerIsAssigneeAndCloser() throws Exception {
    ReviewItem item = enqueue("a question");

    JsonNode claimed = json(send("POST", "/admin/v1/reviews/claim", reviewer, null), 200);
    JsonNode none = json(send("POST", "/admin/v1/reviews/claim", reviewer2, "{}"), 200);
    JsonNode cancelled = json(send("POST", "/admin/v1/reviews/" + item.id() + "/cancel", reviewer,
        "{\"reason\": \"duplicate of another item\"}"), 200);

    assertThat(claimed.get("item").get("id").asText()).isEqualTo(item.id());
    assertThat(claimed.get("item").get("assignee").asText()).isEqualTo(reviewer.person().id());
    assertThat(none.get("item").isNull()).isTrue();
    assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
    assertThat(queue.item(item.id()).orElseThrow().closedBy()).isEqualTo(reviewer.person().id());
  }

  @Test
  void reviewsCancel_badBodyClosedOrAnalyst_400And409And403() throws Exception {
    ReviewItem item = enqueue("a question");
    String path = "/admin/v1/reviews/" + item.id() + "/cancel";

    error(send("POST", path, reviewer, "{}"), 400, "invalid_argument");
    error(send("POST", path, reviewer, "{\"reason\": \" \"}"), 400, "invalid_argument");
    error(send("POST", "/admin/v1/reviews/claim", reviewer, "{\"reviewer\": \"someone\"}"), 400, "invalid_argument");
    error(send("POST", path, analyst, "{\"reason\": \"r\"}"), 403, "role_required");
    assertThat(queue.item(item.id()).orElseThrow().open()).isTrue();
    json(send("POST", path, reviewer, "{\"reason\": \"r\"}"), 200);
    error(send("POST", path, reviewer, "{\"reason\": \"r\"}"), 409, "conflict");
  }

  @Test
  void endpoints_listTheContributedRoutes() {
    assertThat(server.endpoints()).contains("GET /admin/v1/incidents", "PATCH /admin/v1/incidents/{id}",
        "GET /admin/v1/reviews", "POST /admin/v1/reviews/{id}/label", "POST /admin/v1/reviews/{id}/cancel",
        "POST /admin/v1/reviews/claim", "GET /admin/v1/whoami");
  }

  @Test
  void builder_routeTakenAlready_refused() {
    AdminServer.Builder b = AdminServer.builder().vertx(vertx).settings(new AdminSettings("127.0.0.1", 0))
        .store(store).diligence(dd).directory(directory)
        .policies(new PolicyResolver(directory, Map.of()))
        .routes(List.of(r -> r.add("GET", "/whoami", Set.of(Role.ADMIN), 200, req -> JSON.createObjectNode())));

    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taken");
  }

  // ---------------------------------------------------------------- helpers

  private void incident(String id, String account, String severity, String status) throws Exception {
    long at = T0.toEpochMilli() * 1000;
    try (Connection c = store.dataSource().getConnection();
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

  private ReviewItem enqueue(String prompt) {
    return queue.enqueue(new ReviewQueue.NewItem("monitor", "flagged by the monitor", Priority.HIGH, null,
        new Exchange(List.of(new Turn(dev.bulwark.core.pipeline.Role.USER, prompt)),
            "Sure, here is how to <goal>: [REDACTED]"), "acme", 0));
  }

  private HttpResponse<String> send(String method, String path, AdminCredentials.Issued who, @Nullable String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(20))
        .header("authorization", "Bearer " + who.token())
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r, int status) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  /** Asserts a JSON error of {@code status} with {@code code}, and no trace of the server's insides. */
  private static JsonNode error(HttpResponse<String> r, int status, String code) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception", "\tat ", "dev.bulwark.");
    return error;
  }
}
