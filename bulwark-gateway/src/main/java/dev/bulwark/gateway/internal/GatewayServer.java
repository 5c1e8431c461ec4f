package dev.bulwark.gateway.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.RateLimiter;
import dev.bulwark.core.Ticker;
import dev.bulwark.gateway.GatewaySettings;
import dev.bulwark.gateway.Route;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.gateway.UpstreamSpec;
import dev.bulwark.protocol.Codecs;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.store.EventLog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP server: one server instance per event loop sharing the port, each dispatching to the
 * shared handlers. Routing is a switch on method and path rather than a router, because the set of
 * endpoints is small and fixed and the chat endpoints are the hot path.
 */
public final class GatewayServer {
  private static final JsonFactory JSON = new JsonFactory();

  private final Vertx vertx;
  private final GatewayContext context;
  private final PrometheusMeterRegistry registry;
  private final ChatHandler openai;
  private final ChatHandler anthropic;
  private final List<String> deployments = new ArrayList<>();
  private volatile boolean stopping;
  private volatile int port = -1;

  public GatewayServer(
      Vertx vertx,
      GatewaySettings settings,
      SafeguardPipeline pipeline,
      KeyDirectory keys,
      RateLimiter limiter,
      EventLog events,
      PrometheusMeterRegistry registry,
      Clock clock,
      Ticker ticker) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.registry = requireNonNull(registry, "registry");
    Map<String, UpstreamClient> upstreams = new LinkedHashMap<>();
    for (UpstreamSpec spec : settings.upstreams().values()) {
      upstreams.put(spec.name(), new UpstreamClient(vertx, spec));
    }
    this.context = new GatewayContext(
        settings, upstreams, pipeline, keys, limiter, events, new GatewayMetrics(registry), clock, ticker);
    this.openai = new ChatHandler(context, Protocol.OPENAI);
    this.anthropic = new ChatHandler(context, Protocol.ANTHROPIC);
  }

  public Future<Void> start() {
    GatewaySettings s = context.settings;
    HttpServerOptions options = new HttpServerOptions()
        .setHost(s.host())
        .setPort(s.port())
        .setTcpNoDelay(true)
        .setCompressionSupported(false)
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(32 * 1024);
    // One server per event loop, all deployed together: Vert.x shares one listening socket between
    // them (port 0 included, which then picks one free port for all) and spreads connections.
    return deploy(options, s.eventLoops());
  }

  private Future<Void> deploy(HttpServerOptions options, int instances) {
    return vertx
        .deployVerticle(() -> new ServerVerticle(options), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> {
          synchronized (deployments) {
            deployments.add(id);
          }
        })
        .mapEmpty();
  }

  /** One HTTP server on one event loop. */
  private final class ServerVerticle extends VerticleBase {
    private final HttpServerOptions options;

    ServerVerticle(HttpServerOptions options) {
      this.options = options;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(options)
          .requestHandler(GatewayServer.this::dispatch)
          .listen()
          .onSuccess(server -> {
            synchronized (deployments) {
              if (port < 0) {
                port = server.actualPort();
              }
            }
          });
    }
  }

  public int port() {
    if (port < 0) {
      throw new IllegalStateException("the gateway has not started");
    }
    return port;
  }

  public void swapPipeline(SafeguardPipeline pipeline) {
    context.pipeline.set(pipeline);
  }

  public Future<Void> stop() {
    stopping = true;
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (deployments) {
      for (String id : deployments) {
        closing.add(vertx.undeploy(id));
      }
      deployments.clear();
    }
    return Future.join(closing)
        .eventually(() -> {
          context.upstreams.values().forEach(UpstreamClient::close);
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  private void dispatch(HttpServerRequest req) {
    String path = req.path();
    HttpMethod method = req.method();
    switch (path) {
      case "/v1/chat/completions" -> post(req, method, openai);
      case "/v1/messages" -> post(req, method, anthropic);
      case "/v1/models" -> get(req, method, this::models);
      case "/healthz" -> get(req, method, r -> json(r, 200, "{\"status\":\"ok\"}"));
      case "/readyz" -> get(req, method, this::ready);
      case "/metrics" -> get(req, method, r -> r.response()
          .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
          .end(registry.scrape()));
      default -> error(req, 404, ErrorKind.NOT_FOUND, "no such endpoint: " + method + " " + path);
    }
  }

  private void post(HttpServerRequest req, HttpMethod method, Handler<HttpServerRequest> handler) {
    if (method != HttpMethod.POST) {
      req.response().putHeader("allow", "POST");
      error(req, 405, ErrorKind.INVALID_REQUEST, "use POST for " + req.path());
      return;
    }
    if (stopping) {
      error(req, 503, ErrorKind.OVERLOADED, "the gateway is shutting down");
      return;
    }
    handler.handle(req);
  }

  private void get(HttpServerRequest req, HttpMethod method, Handler<HttpServerRequest> handler) {
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      req.response().putHeader("allow", "GET");
      error(req, 405, ErrorKind.INVALID_REQUEST, "use GET for " + req.path());
      return;
    }
    handler.handle(req);
  }

  private void ready(HttpServerRequest req) {
    boolean ready = !stopping;
    String body = writeJson(g -> {
      g.writeStringField("status", ready ? "ready" : "stopping");
      g.writeNumberField("event_log_head", context.events.headSeq());
      g.writeNumberField("event_log_queue", context.events.stats().queueDepth());
    });
    json(req, ready ? 200 : 503, body);
  }

  /** Models in OpenAI's list shape, or Anthropic's when the client sends {@code anthropic-version}. */
  private void models(HttpServerRequest req) {
    boolean anthropicShape = req.getHeader("anthropic-version") != null;
    GatewaySettings s = context.settings;
    long created = 0;
    String body = writeJson(g -> {
      if (anthropicShape) {
        g.writeArrayFieldStart("data");
      } else {
        g.writeStringField("object", "list");
        g.writeArrayFieldStart("data");
      }
      String first = null;
      String last = null;
      for (Route r : s.routes()) {
        UpstreamSpec up = s.upstreams().get(r.upstream());
        g.writeStartObject();
        g.writeStringField("id", r.model());
        if (anthropicShape) {
          g.writeStringField("type", "model");
          g.writeStringField("display_name", r.model());
          g.writeStringField("created_at", "1970-01-01T00:00:00Z");
        } else {
          g.writeStringField("object", "model");
          g.writeNumberField("created", created);
          g.writeStringField("owned_by", s.simulatedUpstream() ? "bulwark-simulated-upstream" : up.name());
        }
        g.writeObjectFieldStart("bulwark");
        g.writeStringField("upstream", up.name());
        g.writeStringField("upstream_protocol", up.protocol().wireName());
        g.writeStringField("upstream_model", r.upstreamModel());
        g.writeBooleanField("simulated", s.simulatedUpstream());
        if (s.simulatedUpstream()) {
          g.writeStringField("note", "No upstream model is configured: this is Bulwark's built-in simulated model, "
              + "which echoes the last user message. Configure upstreams and routes to serve a real model.");
        }
        g.writeEndObject();
        g.writeEndObject();
        first = first == null ? r.model() : first;
        last = r.model();
      }
      g.writeEndArray();
      if (anthropicShape) {
        g.writeBooleanField("has_more", false);
        g.writeStringField("first_id", first);
        g.writeStringField("last_id", last);
      }
    });
    json(req, 200, body);
  }

  private void error(HttpServerRequest req, int status, ErrorKind kind, String message) {
    Protocol protocol = req.path().startsWith("/v1/messages") || req.getHeader("anthropic-version") != null
        ? Protocol.ANTHROPIC : Protocol.OPENAI;
    req.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(Buffer.buffer(Codecs.of(protocol).errorBody(kind, message, null)));
  }

  private static void json(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  private interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  private static String writeJson(JsonBody body) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
