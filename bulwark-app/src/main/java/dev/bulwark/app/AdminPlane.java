package dev.bulwark.app;

import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.admin.AdminServer;
import dev.bulwark.app.config.AdminConfig;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.monitor.incident.Incidents;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin API of {@code bulwark serve}, wired apart so that the server's own wiring stays short. */
final class AdminPlane {
  private static final Logger log = LoggerFactory.getLogger(AdminPlane.class);

  private AdminPlane() {}

  /**
   * Starts the admin API on its own address, or returns null when {@code admin.enabled} is false.
   * Its writes refresh {@code keys} at once, so a grant or a revocation made through it applies to
   * the next request of this process.
   */
  static @Nullable AdminServer start(BulwarkConfig config, Vertx vertx, Store store, KeyDirectory keys, Clock clock) {
    AdminConfig admin = config.admin();
    if (!admin.enabled()) {
      return null;
    }
    DueDiligence dd = DueDiligence.builder()
        .store(store)
        .rules(admin.rules())
        .clock(clock)
        .onChange(keys::refresh)
        .build();
    AdminServer server = AdminServer.builder()
        .vertx(vertx)
        .settings(admin.listen())
        .store(store)
        .diligence(dd)
        .directory(keys)
        .policies(new PolicyResolver(keys, config.policies()))
        .clock(clock)
        .routes(List.of(new IncidentRoutes(new Incidents(store, clock)), new ReviewRoutes(reviews(store, clock),
            store.diligence())))
        .build();
    server.start().await();
    log.info("admin API listening on http://{}:{}/admin/v1", admin.listen().host(), server.port());
    return server;
  }

  /** The review queue as {@code bulwark review} builds it; its SLA timer is the response runtime's. */
  private static ReviewQueue reviews(Store store, Clock clock) {
    return new ReviewQueue(new ResponseStore(store), new Audit(store.events(), clock), new Redactor(),
        ReviewQueue.Settings.defaults());
  }
}
