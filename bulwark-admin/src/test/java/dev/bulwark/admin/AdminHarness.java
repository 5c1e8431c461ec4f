package dev.bulwark.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.diligence.AdminCredentials;
import dev.bulwark.access.diligence.DiligenceRules;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.core.policy.Policy;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * A real admin server on an ephemeral port over a SQLite store with tiers {@code standard},
 * {@code vetted} and {@code restricted}, the operator's organization {@code ops} with an admin, two
 * reviewers and an analyst, and the partner {@code acme} with a contact; each has an admin token.
 */
final class AdminHarness implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  final TestClock clock = new TestClock(T0);
  final Vertx vertx;
  final Store store;
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final KeyDirectory directory;
  final PolicyResolver resolver;
  final DueDiligence dd;
  final AdminServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final AdminCredentials.Issued admin;
  final AdminCredentials.Issued reviewer1;
  final AdminCredentials.Issued reviewer2;
  final AdminCredentials.Issued analyst;
  final AdminCredentials.Issued contact;

  AdminHarness(Path dir, Vertx vertx, Map<String, Policy> policies) {
    this(dir, vertx, policies, java.util.List.of());
  }

  AdminHarness(Path dir, Vertx vertx, Map<String, Policy> policies, java.util.List<AdminRoutes> routes) {
    this.vertx = vertx;
    store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("admin.db")).build());
    for (String tier : policies.keySet()) {
      store.keys().upsertTier(tier, tier, "test");
    }
    directory = new KeyDirectory(store.keys(), store.diligence(), clock, scheduler, Duration.ofHours(1));
    resolver = new PolicyResolver(directory, policies);
    dd = DueDiligence.builder().store(store).clock(clock).onChange(directory::refresh)
        .rules(DiligenceRules.builder().stepDownTiers(Set.of("standard", "restricted")).build())
        .build();
    admin = dd.bootstrap("ops", "Ada Admin", Set.of(Role.ADMIN), null, "test");
    reviewer1 = dd.bootstrap("ops", "Rita Reviewer", Set.of(Role.REVIEWER), null, "test");
    reviewer2 = dd.bootstrap("ops", "Rob Reviewer", Set.of(Role.REVIEWER), null, "test");
    analyst = dd.bootstrap("ops", "Andy Analyst", Set.of(Role.ANALYST), null, "test");
    contact = dd.bootstrap("acme", "Carla Contact", Set.of(Role.PARTNER_CONTACT), null, "test");
    server = AdminServer.builder()
        .vertx(vertx)
        .settings(new AdminSettings("127.0.0.1", 0))
        .store(store)
        .diligence(dd)
        .directory(directory)
        .policies(resolver)
        .clock(clock)
        .routes(routes)
        .build();
    server.start().await();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  HttpResponse<String> send(String method, String path, @Nullable String token, @Nullable String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("content-type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, AdminCredentials.Issued who) throws IOException, InterruptedException {
    return send("GET", path, who.token(), null);
  }

  HttpResponse<String> post(String path, AdminCredentials.Issued who, String body)
      throws IOException, InterruptedException {
    return send("POST", path, who.token(), body);
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** A review body, approving or denying. */
  static String review(String decision, String justification) {
    return "{\"trustworthiness\": {\"rating\": \"high\", \"evidence\": \"Registered lab, references checked\"},"
        + " \"beneficial_use\": {\"rating\": \"high\", \"evidence\": \"Published evaluation plan\"},"
        + " \"decision\": \"" + decision + "\", \"justification\": \"" + justification + "\"}";
  }

  static String application(String duration) {
    return "{\"org\": \"acme\", \"use_case\": \"Evaluate the deployment's safeguards\","
        + " \"beneficial_use\": \"Independent testing finds gaps before misuse does\","
        + " \"target_tier\": \"vetted\", \"models\": [\"*\"], \"categories\": [\"*\"],"
        + " \"duration\": \"" + duration + "\"}";
  }

  @Override
  public void close() {
    server.close();
    directory.close();
    scheduler.shutdownNow();
    store.close();
  }
}
