package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.diligence.AdminCredentials;
import dev.bulwark.access.diligence.DiligenceRules;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.admin.AdminRoutes;
import dev.bulwark.admin.AdminServer;
import dev.bulwark.admin.AdminSettings;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoredEvent;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.diligence.Role;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The admin API as bulwark-app's route tests need it: a SQLite store with the tier {@code standard};
 * the operator's organization {@code ops} with an admin, an analyst and two reviewers, and the
 * partner {@code acme} with a contact, each with an admin token; then ({@link #start}) a real admin
 * server on an ephemeral port serving the routes under test, and HTTP and assertion helpers.
 *
 * <p>Two steps because the routes under test are built over this harness's store and clock. The
 * clock is fixed at {@link #T0}. Close it after each test.
 */
final class AdminApiHarness implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();
  /** Long enough for a patch through the loop on a busy 2-core machine. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

  final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final Store store;
  final KeyDirectory directory;
  final DueDiligence dd;
  final AdminCredentials.Issued admin;
  final AdminCredentials.Issued analyst;
  final AdminCredentials.Issued reviewer;
  final AdminCredentials.Issued reviewer2;
  final AdminCredentials.Issued contact;
  private @Nullable AdminServer server;

  /** The store and the people; no server yet. */
  AdminApiHarness(Path dir) {
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
  }

  /** The builder of an admin server over this harness (for tests of the builder itself). */
  AdminServer.Builder builder(Vertx vertx, List<AdminRoutes> routes) {
    return AdminServer.builder()
        .vertx(vertx)
        .settings(new AdminSettings("127.0.0.1", 0))
        .store(store)
        .diligence(dd)
        .directory(directory)
        .policies(new PolicyResolver(directory, Map.of("standard", Policy.builder("standard").build())))
        .clock(clock)
        .routes(routes);
  }

  /** Starts the admin server with {@code routes}. */
  AdminApiHarness start(Vertx vertx, List<AdminRoutes> routes) {
    if (server != null) {
      throw new IllegalStateException("started already");
    }
    AdminServer s = builder(vertx, routes).build();
    s.start().await();
    server = s;
    return this;
  }

  AdminServer server() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server().port() + path;
  }

  /** A request as {@code who}, with a JSON body when {@code body} is not null. */
  HttpResponse<String> send(String method, String path, AdminCredentials.Issued who, @Nullable String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
        .timeout(REQUEST_TIMEOUT)
        .header("authorization", "Bearer " + who.token())
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request without credentials. */
  HttpResponse<String> sendAnonymous(String method, String path, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(REQUEST_TIMEOUT)
        .method(method, HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The bodies of the audit log's events of {@code type}, oldest first. */
  List<String> events(String type) {
    List<String> out = new ArrayList<>();
    long after = 0;
    for (List<StoredEvent> page = store.events().read(0, 1000); !page.isEmpty(); page = store.events().read(after, 1000)) {
      for (StoredEvent e : page) {
        if (e.type().equals(type)) {
          out.add(e.body());
        }
        after = e.seq();
      }
    }
    return out;
  }

  /** Asserts the status and reads the JSON body. */
  static JsonNode json(HttpResponse<String> r, int status) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  /** The message of an {@code invalid_argument} error of {@code status}. */
  static String message(HttpResponse<String> r, int status) throws IOException {
    return error(r, status, "invalid_argument").path("message").asText();
  }

  /** Asserts a JSON error of {@code status} with {@code code}, and no trace of the server's insides. */
  static JsonNode error(HttpResponse<String> r, int status, String code) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).contains("application/json");
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception", "\tat ", "dev.bulwark.");
    return error;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    directory.close();
    scheduler.shutdownNow();
    store.close();
  }
}
