package dev.bulwark.gateway;

import static java.util.Objects.requireNonNull;

import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.RateLimiter;
import dev.bulwark.core.Ticker;
import dev.bulwark.gateway.internal.GatewayServer;
import dev.bulwark.store.EventLog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * A running gateway. Build with {@link #builder()}, then {@link #start()}; {@link #close()} stops
 * accepting, lets nothing new reach upstreams, and closes the upstream pools.
 */
public final class Gateway implements AutoCloseable {
  private final GatewayServer server;

  private Gateway(Builder b) {
    this.server =
        new GatewayServer(
            requireNonNull(b.vertx, "vertx"),
            requireNonNull(b.settings, "settings"),
            requireNonNull(b.pipeline, "pipeline"),
            requireNonNull(b.keys, "keys"),
            new RateLimiter(b.ticker),
            requireNonNull(b.events, "events"),
            requireNonNull(b.registry, "registry"),
            b.clock,
            b.ticker);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds the port and starts serving. */
  public Future<Void> start() {
    return server.start();
  }

  /** The bound port (useful when the settings asked for 0). */
  public int port() {
    return server.port();
  }

  /** Replaces the safeguard pipeline for requests that start from now on; requests in flight keep theirs. */
  public void swapPipeline(SafeguardPipeline pipeline) {
    server.swapPipeline(requireNonNull(pipeline, "pipeline"));
  }

  /** Stops the server and closes upstream connections. */
  public Future<Void> stop() {
    return server.stop();
  }

  @Override
  public void close() {
    server.stop().await();
  }

  /** Builds a {@link Gateway}. */
  public static final class Builder {
    private @Nullable Vertx vertx;
    private @Nullable GatewaySettings settings;
    private @Nullable SafeguardPipeline pipeline;
    private @Nullable KeyDirectory keys;
    private @Nullable EventLog events;
    private @Nullable PrometheusMeterRegistry registry;
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.system();

    private Builder() {}

    public Builder vertx(Vertx vertx) {
      this.vertx = requireNonNull(vertx, "vertx");
      return this;
    }

    public Builder settings(GatewaySettings settings) {
      this.settings = requireNonNull(settings, "settings");
      return this;
    }

    public Builder pipeline(SafeguardPipeline pipeline) {
      this.pipeline = requireNonNull(pipeline, "pipeline");
      return this;
    }

    /** The key directory requests authenticate against. */
    public Builder keys(KeyDirectory keys) {
      this.keys = requireNonNull(keys, "keys");
      return this;
    }

    /** Where every request's records go. */
    public Builder events(EventLog events) {
      this.events = requireNonNull(events, "events");
      return this;
    }

    /** The registry behind {@code GET /metrics}. */
    public Builder metrics(PrometheusMeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    public Gateway build() {
      return new Gateway(this);
    }
  }
}
