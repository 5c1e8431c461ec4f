package dev.bulwark.gateway;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.policy.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's start-up settings: listen address, limits, upstreams, routes and policies. Immutable;
 * validated as a whole by {@link Builder#build()} (every route names a configured upstream, and so on).
 */
public final class GatewaySettings {
  private final String host;
  private final int port;
  private final int eventLoops;
  private final int maxBodyBytes;
  private final int maxResponseBytes;
  private final int defaultMaxTokens;
  private final int maxHeldChars;
  private final String refusalMessage;
  private final Map<String, UpstreamSpec> upstreams;
  private final List<Route> routes;
  private final Map<String, Policy> policies;
  private final boolean simulatedUpstream;

  private GatewaySettings(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.eventLoops = b.eventLoops;
    this.maxBodyBytes = b.maxBodyBytes;
    this.maxResponseBytes = b.maxResponseBytes;
    this.defaultMaxTokens = b.defaultMaxTokens;
    this.maxHeldChars = b.maxHeldChars;
    this.refusalMessage = b.refusalMessage;
    this.upstreams = Map.copyOf(b.upstreams);
    this.routes = List.copyOf(b.routes);
    this.policies = Map.copyOf(b.policies);
    this.simulatedUpstream = b.simulatedUpstream;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String host() {
    return host;
  }

  /** The port; 0 picks a free one (see {@link Gateway#port()}). */
  public int port() {
    return port;
  }

  /** HTTP server instances, one per event loop. */
  public int eventLoops() {
    return eventLoops;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The largest whole (non-streamed) upstream response read; also bounds one SSE event. */
  public int maxResponseBytes() {
    return maxResponseBytes;
  }

  /** The output limit sent to upstreams that require one when the client gave none. */
  public int defaultMaxTokens() {
    return defaultMaxTokens;
  }

  /** The most characters a stream may hold back before it is halted fail-closed. */
  public int maxHeldChars() {
    return maxHeldChars;
  }

  /** What a refused client reads (OpenAI {@code message.refusal}). */
  public String refusalMessage() {
    return refusalMessage;
  }

  public Map<String, UpstreamSpec> upstreams() {
    return upstreams;
  }

  public List<Route> routes() {
    return routes;
  }

  public Map<String, Policy> policies() {
    return policies;
  }

  /** Whether the only upstream is the built-in simulated model (said in the banner and /v1/models). */
  public boolean simulatedUpstream() {
    return simulatedUpstream;
  }

  /** The route for a client's model name: an exact route, else the {@code *} route, else none. */
  public Optional<Route> route(String model) {
    Route any = null;
    for (Route r : routes) {
      if (r.model().equals(model)) {
        return Optional.of(r);
      }
      if (Route.ANY.equals(r.model())) {
        any = r;
      }
    }
    return Optional.ofNullable(any);
  }

  /** Builds {@link GatewaySettings}. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int maxBodyBytes = 4 * 1024 * 1024;
    private int maxResponseBytes = 32 * 1024 * 1024;
    private int defaultMaxTokens = 4096;
    private int maxHeldChars = 1 << 20;
    private String refusalMessage =
        "This request was declined by the deployment's safeguards.";
    private final Map<String, UpstreamSpec> upstreams = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private boolean simulatedUpstream;

    private Builder() {}

    public Builder host(String host) {
      requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("server.host must not be blank");
      }
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("server.port must be in [0, 65535], was " + port);
      }
      this.port = port;
      return this;
    }

    public Builder eventLoops(int n) {
      if (n < 1 || n > 256) {
        throw new IllegalArgumentException("server.event_loops must be in [1, 256], was " + n);
      }
      this.eventLoops = n;
      return this;
    }

    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("server.max_body_bytes must be >= 1024, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    public Builder maxResponseBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("server.max_response_bytes must be >= 1024, was " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    public Builder defaultMaxTokens(int tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("server.default_max_tokens must be >= 1, was " + tokens);
      }
      this.defaultMaxTokens = tokens;
      return this;
    }

    public Builder maxHeldChars(int chars) {
      if (chars < 1024) {
        throw new IllegalArgumentException("server.max_held_chars must be >= 1024, was " + chars);
      }
      this.maxHeldChars = chars;
      return this;
    }

    public Builder refusalMessage(String message) {
      requireNonNull(message, "message");
      if (message.isBlank()) {
        throw new IllegalArgumentException("server.refusal_message must not be blank");
      }
      this.refusalMessage = message;
      return this;
    }

    public Builder upstream(UpstreamSpec spec) {
      requireNonNull(spec, "spec");
      if (upstreams.putIfAbsent(spec.name(), spec) != null) {
        throw new IllegalArgumentException("upstream '" + spec.name() + "' is defined twice");
      }
      return this;
    }

    public Builder route(Route route) {
      requireNonNull(route, "route");
      for (Route r : routes) {
        if (r.model().equals(route.model())) {
          throw new IllegalArgumentException("model '" + route.model() + "' is routed twice");
        }
      }
      routes.add(route);
      return this;
    }

    public Builder policy(Policy policy) {
      requireNonNull(policy, "policy");
      if (policies.putIfAbsent(policy.name(), policy) != null) {
        throw new IllegalArgumentException("policy '" + policy.name() + "' is defined twice");
      }
      return this;
    }

    public Builder simulatedUpstream(boolean simulated) {
      this.simulatedUpstream = simulated;
      return this;
    }

    /**
     * Builds the settings.
     *
     * @throws IllegalArgumentException if a route names an unknown upstream, or nothing is routed
     */
    public GatewaySettings build() {
      if (routes.isEmpty()) {
        throw new IllegalArgumentException("routes: at least one route is required");
      }
      for (Route r : routes) {
        if (!upstreams.containsKey(r.upstream())) {
          throw new IllegalArgumentException(
              "routes: model '" + r.model() + "' names upstream '" + r.upstream()
                  + "', which is not defined; defined upstreams: " + String.join(", ", upstreams.keySet()));
        }
      }
      if (policies.isEmpty()) {
        throw new IllegalArgumentException("policies: at least one policy is required");
      }
      return new GatewaySettings(this);
    }
  }
}
