package dev.bulwark.admin;

import static dev.bulwark.admin.AdminHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.access.ApiKeys;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.RateLimits;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over real HTTP: authentication, roles, JSON errors and the workflow end to end. */
class AdminApiTest {
  static Vertx vertx;

  @TempDir Path dir;
  AdminHarness h;

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
    h = new AdminHarness(dir, vertx, Map.of(
        "standard", Policy.builder("standard").limits(new RateLimits(60, 4)).build(),
        "vetted", Policy.builder("vetted").limits(new RateLimits(6000, 64)).build(),
        "restricted", Policy.builder("restricted").limits(new RateLimits(6, 1)).build()));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  /** Asserts a JSON error of {@code status} with {@code code}, and no trace of the server's insides. */
  private static JsonNode assertError(HttpResponse<String> r, int status, String code) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    JsonNode error = json(r).get("error");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception", "\tat ", "dev.bulwark.");
    return error;
  }

  @Test
  void noToken_401Json() throws Exception {
    HttpResponse<String> r = h.send("GET", "/admin/v1/orgs", null, null);

    assertError(r, 401, "unauthenticated");
    assertThat(r.headers().firstValue("www-authenticate")).contains("Bearer realm=\"bulwark-admin\"");
  }

  @Test
  void apiKeyInsteadOfAdminToken_401() throws Exception {
    String apiKey = new ApiKeys(h.store.keys(), h.clock, new SecureRandom())
        .create("acme", "standard", null, null, "test").token();

    JsonNode error = assertError(h.send("GET", "/admin/v1/orgs", apiKey, null), 401, "unauthenticated");

    assertThat(error.get("message").asText()).contains("API keys are not accepted");
  }

  @Test
  void forgedOrRevokedToken_401() throws Exception {
    String forged = h.admin.token().substring(0, h.admin.token().length() - 4) + "AAAA";
    assertError(h.send("GET", "/admin/v1/orgs", forged, null), 401, "unauthenticated");

    h.post("/admin/v1/tokens/" + h.reviewer1.record().id() + "/revoke", h.reviewer1, "{\"reason\": \"rotating\"}");

    assertError(h.get("/admin/v1/whoami", h.reviewer1), 401, "unauthenticated");
  }

  @Test
  void wrongRole_403Json() throws Exception {
    assertError(h.post("/admin/v1/orgs", h.reviewer1, "{\"id\": \"lab\"}"), 403, "role_required");
    assertError(h.post("/admin/v1/grants/grt_x/revoke", h.reviewer1, "{\"reason\": \"x\"}"), 403, "role_required");
    assertError(h.get("/admin/v1/people", h.analyst), 403, "role_required");
    assertError(h.post("/admin/v1/applications/app_x/reviews", h.contact, AdminHarness.review("approve", "ok")),
        403, "role_required");
  }

  @Test
  void badJson_400Json() throws Exception {
    assertError(h.post("/admin/v1/orgs", h.admin, "{\"id\": "), 400, "invalid_json");
    assertError(h.post("/admin/v1/orgs", h.admin, "[1, 2]"), 400, "invalid_json");
    assertError(h.post("/admin/v1/orgs", h.admin, "{\"id\": 7}"), 400, "invalid_argument");
    JsonNode unknown = assertError(h.post("/admin/v1/orgs", h.admin, "{\"id\": \"lab\", \"nmae\": \"Lab\"}"),
        400, "invalid_argument");
    assertThat(unknown.get("message").asText()).startsWith("nmae: unknown field");
  }

  @Test
  void unknownPathOrMethod_404And405Json() throws Exception {
    assertError(h.get("/admin/v1/nothing", h.admin), 404, "not_found");
    assertError(h.get("/elsewhere", h.admin), 404, "not_found");
    assertError(h.send("DELETE", "/admin/v1/orgs", h.admin.token(), null), 405, "method_not_allowed");
    assertError(h.get("/admin/v1/grants/grt_x/revoke", h.admin), 405, "method_not_allowed");
    assertError(h.get("/admin/v1/applications/app_none", h.admin), 404, "not_found");
  }

  @Test
  void oversizedBody_413Json() throws Exception {
    String big = "{\"id\": \"lab\", \"name\": \"" + "x".repeat(70_000) + "\"}";

    assertError(h.post("/admin/v1/orgs", h.admin, big), 413, "body_too_large");
  }

  @Test
  void whoami_showsTheCallersPerson() throws Exception {
    JsonNode me = json(h.get("/admin/v1/whoami", h.contact));

    assertThat(me.get("id").asText()).isEqualTo(h.contact.person().id());
    assertThat(me.get("org").asText()).isEqualTo("acme");
    assertThat(me.get("roles").toString()).isEqualTo("[\"partner_contact\"]");
  }

  @Test
  void workflow_overHttp_approvesGrantsRevokes() throws Exception {
    new ApiKeys(h.store.keys(), h.clock, new SecureRandom()).create("acme", "standard", null, null, "test");
    h.directory.refresh();

    HttpResponse<String> submitted = h.post("/admin/v1/applications", h.contact, AdminHarness.application("7d"));
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
    String app = json(submitted).get("id").asText();

    HttpResponse<String> first = h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer1,
        AdminHarness.review("approve", "Known lab"));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(json(first).at("/application/status").asText()).isEqualTo("pending");
    assertThat(json(first).at("/tally/missing").asText()).isEqualTo("1 more approval from distinct reviewers");
    assertError(h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer1,
        AdminHarness.review("approve", "again")), 409, "already_reviewed");
    assertError(h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer2,
        AdminHarness.review("approve", "")), 400, "justification_required");

    HttpResponse<String> second = h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer2,
        AdminHarness.review("approve", "Plan is sound"));
    JsonNode outcome = json(second);
    assertThat(outcome.at("/application/status").asText()).isEqualTo("approved");
    String grant = outcome.at("/grant/id").asText();
    assertThat(outcome.at("/grant/expires_at").asText()).isEqualTo(AdminHarness.T0.plus(Duration.ofDays(7)).toString());

    JsonNode effective = json(h.get("/admin/v1/orgs/acme/effective-policy", h.analyst));
    assertThat(effective.at("/tiers/0/key_tier").asText()).isEqualTo("standard");
    assertThat(effective.at("/tiers/0/effective_tier").asText()).isEqualTo("vetted");
    assertThat(effective.at("/tiers/0/source").asText()).isEqualTo("grant");
    assertThat(effective.at("/tiers/0/policy/requests_per_minute").asInt()).isEqualTo(6000);
    JsonNode decision = json(h.get("/admin/v1/applications/" + app + "/decision", h.contact));
    assertThat(decision.get("status").asText()).isEqualTo("approved");
    assertThat(decision.at("/grant/id").asText()).isEqualTo(grant);
    assertThat(json(h.get("/admin/v1/grants?org=acme&active=true", h.admin))).hasSize(1);

    HttpResponse<String> revoked = h.post("/admin/v1/grants/" + grant + "/revoke", h.analyst,
        "{\"reason\": \"Traffic outside the stated use\"}");
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
    assertThat(json(revoked).get("active").asBoolean()).isFalse();
    assertThat(json(h.get("/admin/v1/orgs/acme/effective-policy", h.analyst)).at("/tiers/0/effective_tier").asText())
        .isEqualTo("standard");
    assertError(h.post("/admin/v1/grants/" + grant + "/revoke", h.analyst, "{\"reason\": \"again\"}"),
        409, "grant_inactive");
  }

  @Test
  void selfApprovalAndDeniedApplication_refusedOverHttp() throws Exception {
    String app = json(h.post("/admin/v1/applications", h.admin, AdminHarness.application("1d"))).get("id").asText();

    assertError(h.post("/admin/v1/applications/" + app + "/reviews", h.admin,
        AdminHarness.review("approve", "mine")), 403, "self_review");
    h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer1, AdminHarness.review("deny", "No need shown"));
    assertError(h.post("/admin/v1/applications/" + app + "/reviews", h.reviewer2,
        AdminHarness.review("approve", "fine")), 409, "application_closed");
    assertThat(json(h.get("/admin/v1/applications/" + app, h.admin)).get("status").asText()).isEqualTo("denied");
  }

  @Test
  void submit_refusalsMapTo4xx() throws Exception {
    assertError(h.post("/admin/v1/applications", h.contact, AdminHarness.application("30d")), 400, "duration_too_long");
    assertError(h.post("/admin/v1/applications", h.contact, AdminHarness.application("1d").replace("acme", "ops")),
        403, "other_organization");
    assertError(h.post("/admin/v1/applications", h.contact,
        AdminHarness.application("1d").replace("\"models\": [\"*\"]", "\"models\": []")), 400, "invalid_argument");
    assertError(h.post("/admin/v1/applications", h.contact,
        AdminHarness.application("1d").replace("\"vetted\"", "\"gold\"")), 400, "invalid_argument");
  }

  @Test
  void partnerContact_seesOnlyTheirOrganization() throws Exception {
    h.post("/admin/v1/orgs", h.admin, "{\"id\": \"other\", \"name\": \"Other Lab\"}");
    h.post("/admin/v1/applications", h.admin, AdminHarness.application("1d").replace("acme", "other"));
    h.post("/admin/v1/applications", h.contact, AdminHarness.application("1d"));

    JsonNode mine = json(h.get("/admin/v1/applications", h.contact));
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).get("org").asText()).isEqualTo("acme");
    assertThat(json(h.get("/admin/v1/applications", h.admin))).hasSize(2);
    assertError(h.get("/admin/v1/orgs/other", h.contact), 403, "other_organization");
    assertError(h.get("/admin/v1/applications?org=other", h.contact), 403, "other_organization");
    assertThat(json(h.get("/admin/v1/orgs/acme", h.contact)).has("people")).isFalse();
  }

  @Test
  void peopleAndTokens_adminCreatesAndTheNewTokenWorks() throws Exception {
    HttpResponse<String> created = h.post("/admin/v1/people", h.admin,
        "{\"org\": \"ops\", \"name\": \"Nia New\", \"roles\": [\"reviewer\", \"analyst\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String person = json(created).get("id").asText();

    HttpResponse<String> issued = h.post("/admin/v1/people/" + person + "/tokens", h.admin,
        "{\"expires_in\": \"1d\", \"label\": \"laptop\"}");
    String token = json(issued).get("token").asText();

    HttpResponse<String> me = h.send("GET", "/admin/v1/whoami", token, null);
    assertThat(json(me).get("id").asText()).isEqualTo(person);
    assertThat(json(h.get("/admin/v1/people?org=ops", h.admin))).hasSize(5);
    assertError(h.post("/admin/v1/people", h.admin, "{\"org\": \"ops\", \"name\": \"X\", \"roles\": [\"root\"]}"),
        400, "invalid_argument");
  }

  @Test
  void stepDownAndRestore_overHttp() throws Exception {
    new ApiKeys(h.store.keys(), h.clock, new SecureRandom()).create("acme", "standard", null, null, "test");
    h.directory.refresh();

    assertThat(h.post("/admin/v1/orgs/acme/step-down", h.analyst,
        "{\"tier\": \"restricted\", \"reason\": \"Burst of flagged prompts\"}").statusCode()).isEqualTo(200);
    assertThat(json(h.get("/admin/v1/orgs/acme/effective-policy", h.admin)).at("/tiers/0/effective_tier").asText())
        .isEqualTo("restricted");
    assertError(h.post("/admin/v1/orgs/acme/step-down", h.analyst, "{\"tier\": \"vetted\", \"reason\": \"x\"}"),
        400, "invalid_argument");
    assertError(h.post("/admin/v1/orgs/acme/restore", h.analyst, "{}"), 400, "justification_required");
    assertError(h.post("/admin/v1/orgs/acme/restore", h.admin, "{\"reason\": \"ok\"}"), 403, "role_required");

    assertThat(h.post("/admin/v1/orgs/acme/restore", h.analyst, "{\"reason\": \"Sanctioned test run\"}").statusCode())
        .isEqualTo(200);
    assertThat(json(h.get("/admin/v1/orgs/acme/effective-policy", h.admin)).at("/tiers/0/effective_tier").asText())
        .isEqualTo("standard");
  }
}
