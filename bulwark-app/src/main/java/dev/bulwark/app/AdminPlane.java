package dev.bulwark.app;

import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.admin.AdminServer;
import dev.bulwark.app.config.AdminConfig;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.monitor.incident.Incidents;
import dev.bulwark.response.ResponseRuntime;
import dev.bulwark.response.intake.Intake;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
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
  static @Nullable AdminServer start(BulwarkConfig config, Vertx vertx, Store store, KeyDirectory keys, Clock clock,
      ResponseRuntime response) {
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
            store.diligence()), responseRoutes(store, clock, response)))
        .build();
    server.start().await();
    log.info("admin API listening on http://{}:{}/admin/v1", admin.listen().host(), server.port());
    return server;
  }

  /**
   * Rapid response's routes: reports go through an intake of their own (intake keeps up with the
   * store), patches through the server's responder (built on first use), and a deployment change made
   * here is applied by this server at once.
   */
  private static ResponseRoutes responseRoutes(Store store, Clock clock, ResponseRuntime response) {
    Supplier<Encoder> encoder = memo(Encoder::minilm);
    Supplier<Embedder> embedder = memo(() -> Embedder.minilm(encoder.get(), Canonicalizer.defaults(), Embedder.DEFAULT_MAX_WINDOWS));
    Embedder lazy = new Embedder() {
      @Override
      public String encoderId() {
        return embedder.get().encoderId();
      }

      @Override
      public List<float[]> embed(String text) {
        return embedder.get().embed(text);
      }
    };
    Intake intake = Intake.withDefaults(new ResponseStore(store), Canonicalizer.defaults(), lazy,
        new Audit(store.events(), clock));
    return new ResponseRoutes(store, clock, intake, response::responder, response::builtResponder,
        response.watcher()::refresh, "Bulwark deployment");
  }

  private static <T> Supplier<T> memo(Supplier<T> s) {
    return new Supplier<>() {
      private @Nullable T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }

  /** The review queue as {@code bulwark review} builds it; its SLA timer is the response runtime's. */
  private static ReviewQueue reviews(Store store, Clock clock) {
    return new ReviewQueue(new ResponseStore(store), new Audit(store.events(), clock), new Redactor(),
        ReviewQueue.Settings.defaults());
  }
}
