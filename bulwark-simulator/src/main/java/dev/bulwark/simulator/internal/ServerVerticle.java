package dev.bulwark.simulator.internal;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * One HTTP server on one event loop. Several instances may serve the same port; Vert.x then spreads
 * connections over them. Undeploying it closes the server, its connections and its timers.
 */
public final class ServerVerticle extends VerticleBase {
  private final SimulatorState state;
  private final int port;
  private volatile int actualPort = -1;

  /**
   * @param port the port to bind: the configured one for the first instance, the bound one after
   */
  public ServerVerticle(SimulatorState state, int port) {
    this.state = requireNonNull(state, "state");
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(state.config.host())
            .setPort(port)
            // HTTP/1.1 only: cancellation (the client closing the connection) then means one thing,
            // and the gateway's upstream client speaks HTTP/1.1.
            .setHttp2ClearTextEnabled(false)
            .setCompressionSupported(false)
            // curl sends "Expect: 100-continue" for larger bodies and would otherwise wait a
            // second.
            .setHandle100ContinueAutomatically(true)
            .setTcpNoDelay(true);
    HttpServer server = vertx.createHttpServer(options);
    return server
        .requestHandler(new SimulatorHandler(vertx, state))
        .listen()
        .map(
            s -> {
              actualPort = s.actualPort();
              return s;
            });
  }

  /** The port bound, once started. */
  public int actualPort() {
    return actualPort;
  }
}
