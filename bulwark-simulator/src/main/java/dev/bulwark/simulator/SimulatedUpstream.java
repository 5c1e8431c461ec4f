package dev.bulwark.simulator;

import static java.util.Objects.requireNonNull;

import dev.bulwark.simulator.internal.ServerVerticle;
import dev.bulwark.simulator.internal.SimulatorState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running simulated model server. Start one with {@link #start}; it serves:
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions} (OpenAI) and {@code POST /v1/messages} (Anthropic),
 *       answered from the {@link Script}, streamed or whole;
 *   <li>{@code GET /v1/models}: OpenAI's list shape, or Anthropic's when the request carries an
 *       {@code anthropic-version} header;
 *   <li>{@code GET /healthz};
 *   <li>{@code GET /_sim/stats}, {@code GET /_sim/requests} (the last 200 requests, secrets
 *       masked), {@code POST /_sim/reset}, and {@code POST /_sim/script} (a YAML script body, or
 *       JSON lines with {@code ?format=jsonl}, replacing the script).
 * </ul>
 *
 * <p>Concurrency: thread-safe. The server runs on Vert.x event loops ({@link
 * SimulatorConfig#instances()} of them); the methods here may be called from any thread.
 */
public final class SimulatedUpstream {
  private final Vertx vertx;
  private final SimulatorState state;
  private final int port;
  private final String deploymentId;

  private SimulatedUpstream(Vertx vertx, SimulatorState state, int port, String deploymentId) {
    this.vertx = vertx;
    this.state = state;
    this.port = port;
    this.deploymentId = deploymentId;
  }

  /**
   * Starts a simulator.
   *
   * @return a future that completes once the port is bound, or fails if it cannot be
   */
  public static Future<SimulatedUpstream> start(Vertx vertx, SimulatorConfig config) {
    requireNonNull(vertx, "vertx");
    requireNonNull(config, "config");
    SimulatorState state = new SimulatorState(config);
    // Vert.x shares one listening socket between servers of the same address, round-robin. Port 0
    // would give each instance its own random port; a negative port is Vert.x's way to ask for one
    // random port shared by all of them.
    int port = config.port() == 0 && config.instances() > 1 ? -1 : config.port();
    List<ServerVerticle> servers = new CopyOnWriteArrayList<>();
    return vertx
        .deployVerticle(
            () -> {
              ServerVerticle v = new ServerVerticle(state, port);
              servers.add(v);
              return v;
            },
            new DeploymentOptions().setInstances(config.instances()))
        .map(id -> new SimulatedUpstream(vertx, state, servers.get(0).actualPort(), id));
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  /** The address it listens on. */
  public String host() {
    return state.config().host();
  }

  /** {@code http://host:port}, with no trailing slash. */
  public String baseUrl() {
    String host = host();
    return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  public SimulatorConfig config() {
    return state.config();
  }

  /** The script in use. */
  public Script script() {
    return state.script();
  }

  /** Replaces the script; requests already being answered keep the entry they got. */
  public void updateScript(Script script) {
    state.script(script);
  }

  /** What has been served since start or the last {@link #reset()}. */
  public SimulatorStats stats() {
    return state.stats();
  }

  /** The last 200 requests, oldest first, secrets masked. */
  public List<RecordedRequest> requests() {
    return state.requests();
  }

  /** Zeroes the counters (but in-flight) and empties the request log; the script stays. */
  public void reset() {
    state.reset();
  }

  /** Stops listening and drops every connection; streams in progress count as cancelled. */
  public Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }

  @Override
  public String toString() {
    return "SimulatedUpstream{" + baseUrl() + "}";
  }
}
