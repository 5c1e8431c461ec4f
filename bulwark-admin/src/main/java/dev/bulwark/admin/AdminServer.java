package dev.bulwark.admin;

import static java.util.Objects.requireNonNull;

import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.diligence.AdminCredentials;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.admin.internal.AdminApi;
import dev.bulwark.admin.internal.AdminHttp;
import dev.bulwark.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The admin API, {@code /admin/v1}, on its own listen address. Build with {@link #builder()}, then
 * {@link #start()}; {@link #close()} stops listening.
 *
 * <p>The admin plane is kept off the data plane's port so that it can be bound to a private
 * interface (the default is the loopback) and firewalled apart, and so that an API key never
 * reaches it: its bearer tokens are admin tokens ({@code bwa_...}), checked against the store on
 * every request.
 */
public final class AdminServer implements AutoCloseable {
  private final AdminHttp http;
  private final AdminApi api;

  private AdminServer(Builder b) {
    Store store = requireNonNull(b.store, "store");
    DueDiligence dd = requireNonNull(b.diligence, "diligence");
    KeyDirectory directory = requireNonNull(b.directory, "directory");
    this.api = new AdminApi(dd, store.keys(), directory, requireNonNull(b.policies, "policies"));
    for (AdminRoutes routes : b.routes) {
      routes.register(api::add);
    }
    this.http = new AdminHttp(requireNonNull(b.vertx, "vertx"), b.settings.host(), b.settings.port(), api,
        new AdminCredentials(store.diligence(), b.clock));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds the address and starts serving. */
  public Future<Void> start() {
    return http.start();
  }

  /** The bound port (useful when the settings asked for 0). */
  public int port() {
    return http.port();
  }

  /** Every endpoint, as {@code METHOD /admin/v1/path}. */
  public java.util.List<String> endpoints() {
    return api.describe();
  }

  public Future<Void> stop() {
    return http.stop();
  }

  @Override
  public void close() {
    http.stop().await();
  }

  /** Builds an {@link AdminServer}. */
  public static final class Builder {
    private @Nullable Vertx vertx;
    private AdminSettings settings = AdminSettings.defaults();
    private @Nullable Store store;
    private @Nullable DueDiligence diligence;
    private @Nullable KeyDirectory directory;
    private @Nullable PolicyResolver policies;
    private Clock clock = Clock.systemUTC();
    private java.util.List<AdminRoutes> routes = java.util.List.of();

    private Builder() {}

    /**
     * Endpoints other modules add (incidents, the review queue), registered after the built-in ones,
     * in this order. Building fails if one of them takes a method and path already taken.
     */
    public Builder routes(java.util.List<AdminRoutes> routes) {
      this.routes = java.util.List.copyOf(requireNonNull(routes, "routes"));
      return this;
    }

    public Builder vertx(Vertx vertx) {
      this.vertx = requireNonNull(vertx, "vertx");
      return this;
    }

    public Builder settings(AdminSettings settings) {
      this.settings = requireNonNull(settings, "settings");
      return this;
    }

    /** The store: keys for the effective-policy view, admin tokens for authentication. */
    public Builder store(Store store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /** The workflow every write goes through. */
    public Builder diligence(DueDiligence diligence) {
      this.diligence = requireNonNull(diligence, "diligence");
      return this;
    }

    /** The directory whose snapshot the effective-policy view reads (the gateway's own). */
    public Builder directory(KeyDirectory directory) {
      this.directory = requireNonNull(directory, "directory");
      return this;
    }

    /** Tier to policy, for the effective-policy view. */
    public Builder policies(PolicyResolver policies) {
      this.policies = requireNonNull(policies, "policies");
      return this;
    }

    /** The clock tokens' expiry is checked against. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public AdminServer build() {
      return new AdminServer(this);
    }
  }
}
