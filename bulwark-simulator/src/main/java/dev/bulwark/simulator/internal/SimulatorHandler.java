package dev.bulwark.simulator.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolCodec;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.simulator.RecordedRequest;
import dev.bulwark.simulator.Script;
import dev.bulwark.simulator.ScriptException;
import dev.bulwark.simulator.SimulatorStats;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes requests: the two model APIs, the model list, health, and the {@code /_sim/} diagnostics.
 * Runs on one event loop; everything it shares lives in {@link SimulatorState}.
 */
final class SimulatorHandler implements Handler<HttpServerRequest> {
  private static final Logger log = LoggerFactory.getLogger(SimulatorHandler.class);

  static final String JSON = "application/json";

  private final Vertx vertx;
  private final SimulatorState state;
  private final ProtocolCodec openAi;
  private final ProtocolCodec anthropic;

  SimulatorHandler(Vertx vertx, SimulatorState state) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.state = requireNonNull(state, "state");
    this.openAi = CodecLookup.of(Protocol.OPENAI);
    this.anthropic = CodecLookup.of(Protocol.ANTHROPIC);
  }

  @Override
  public void handle(HttpServerRequest req) {
    String path = req.path();
    HttpMethod method = req.method();
    state.stats.request(path);
    // A client that leaves or sends garbage is routine for a test server; nothing to log.
    req.exceptionHandler(t -> {});
    req.response().exceptionHandler(t -> {});
    switch (path) {
      case Routes.OPENAI -> {
        if (allow(req, HttpMethod.POST, openAi)) {
          model(req, openAi);
        }
      }
      case Routes.ANTHROPIC -> {
        if (allow(req, HttpMethod.POST, anthropic)) {
          model(req, anthropic);
        }
      }
      case Routes.MODELS -> {
        if (allow(req, HttpMethod.GET, openAi)) {
          record(req, Buffer.buffer());
          models(req);
        }
      }
      case Routes.HEALTH -> {
        if (allow(req, HttpMethod.GET, openAi)) {
          sendJson(req.response(), 200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
        }
      }
      case Routes.SIM_STATS -> {
        if (allow(req, HttpMethod.GET, openAi)) {
          sendJson(req.response(), 200, Json.bytes(statsJson(state.stats())));
        }
      }
      case Routes.SIM_REQUESTS -> {
        if (allow(req, HttpMethod.GET, openAi)) {
          sendJson(req.response(), 200, Json.bytes(requestsJson(state.requests())));
        }
      }
      case Routes.SIM_RESET -> {
        if (allow(req, HttpMethod.POST, openAi)) {
          state.reset();
          sendJson(req.response(), 200, "{\"reset\":true}".getBytes(StandardCharsets.UTF_8));
        }
      }
      case Routes.SIM_SCRIPT -> {
        if (allow(req, HttpMethod.POST, openAi)) {
          readBody(req, openAi, body -> replaceScript(req, body));
        }
      }
      default -> {
        record(req, Buffer.buffer());
        sendError(
            req.response(),
            openAi,
            404,
            ErrorKind.NOT_FOUND,
            "no route for " + method + " " + path);
      }
    }
  }

  /** Whether the method is the route's; if not, answers 405. */
  private boolean allow(HttpServerRequest req, HttpMethod expected, ProtocolCodec codec) {
    if (req.method().equals(expected)) {
      return true;
    }
    req.response().putHeader("allow", expected.name());
    sendError(
        req.response(),
        codec,
        405,
        ErrorKind.INVALID_REQUEST,
        req.method() + " is not allowed on " + req.path() + "; use " + expected.name());
    return false;
  }

  private void model(HttpServerRequest req, ProtocolCodec codec) {
    readBody(
        req,
        codec,
        body -> {
          long seq = record(req, body);
          String problem = authProblem(req);
          if (problem != null) {
            sendError(req.response(), codec, 401, ErrorKind.AUTHENTICATION, problem);
            return;
          }
          ChatRequest request;
          try {
            request = codec.parseRequest(body.getBytes());
          } catch (ProtocolException e) {
            ErrorKind kind = e.kind();
            req.response()
                .setStatusCode(kind.status())
                .putHeader("content-type", JSON)
                .end(
                    Buffer.buffer(
                        codec.errorBody(kind, requireNonNull(e.getMessage()), e.param())));
            return;
          }
          Plan plan;
          try {
            plan = Planner.plan(request, codec.protocol(), state.script(), state.config, seq);
          } catch (RuntimeException e) {
            // A bug here must not hang the client: answer 500 and say why in the log.
            log.error("planning an answer failed", e);
            sendError(
                req.response(),
                codec,
                500,
                ErrorKind.API_ERROR,
                "the simulator failed to plan an answer");
            return;
          }
          new Exchange(vertx, req, state.stats, codec, plan, seq).start();
        });
  }

  private void models(HttpServerRequest req) {
    String problem = authProblem(req);
    boolean anthropicShape = req.getHeader("anthropic-version") != null;
    if (problem != null) {
      sendError(
          req.response(),
          anthropicShape ? anthropic : openAi,
          401,
          ErrorKind.AUTHENTICATION,
          problem);
      return;
    }
    long created = state.config.clock().instant().getEpochSecond();
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode data = root.putArray("data");
    List<String> names = state.config.modelNames();
    for (String name : names) {
      ObjectNode m = data.addObject();
      m.put("id", name);
      if (anthropicShape) {
        m.put("type", "model");
        m.put("display_name", name);
        m.put("created_at", state.config.clock().instant().toString());
      } else {
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "bulwark-simulator");
      }
    }
    if (anthropicShape) {
      root.put("has_more", false);
      root.put("first_id", names.get(0));
      root.put("last_id", names.get(names.size() - 1));
    } else {
      root.put("object", "list");
    }
    sendJson(req.response(), 200, Json.bytes(root));
  }

  private void replaceScript(HttpServerRequest req, Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8);
    String type = req.getHeader("content-type");
    String lowerType = type == null ? "" : type.toLowerCase(Locale.ROOT);
    boolean jsonl =
        "jsonl".equals(req.getParam("format"))
            || lowerType.contains("jsonl")
            || lowerType.contains("ndjson");
    try {
      Script script =
          jsonl ? Script.parseJsonl(text, "request body") : Script.parseYaml(text, "request body");
      state.script(script);
      sendJson(
          req.response(),
          200,
          ("{\"entries\":" + script.entries().size() + "}").getBytes(StandardCharsets.UTF_8));
    } catch (ScriptException e) {
      sendError(
          req.response(), openAi, 400, ErrorKind.INVALID_REQUEST, requireNonNull(e.getMessage()));
    }
  }

  /**
   * Reads the whole body, refusing one over the configured limit with 413 before reading it all
   * when the client declared its length.
   */
  private void readBody(HttpServerRequest req, ProtocolCodec codec, Consumer<Buffer> then) {
    int max = state.config.maxBodyBytes();
    String declared = req.getHeader("content-length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
      if (length > max) {
        tooLarge(req, codec, max);
        return;
      }
    }
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(
        chunk -> {
          if (over[0]) {
            return;
          }
          if (body.length() + chunk.length() > max) {
            over[0] = true;
            tooLarge(req, codec, max);
            return;
          }
          body.appendBuffer(chunk);
        });
    req.endHandler(
        v -> {
          if (!over[0]) {
            then.accept(body);
          }
        });
  }

  private void tooLarge(HttpServerRequest req, ProtocolCodec codec, int max) {
    record(req, Buffer.buffer());
    HttpServerResponse resp = req.response();
    // The rest of the body is not read, so the connection cannot be reused.
    resp.putHeader("connection", "close");
    sendError(
        resp,
        codec,
        413,
        ErrorKind.REQUEST_TOO_LARGE,
        "request body is larger than " + max + " bytes");
  }

  /** Why the request's credentials are refused, or null if they are accepted. */
  private @Nullable String authProblem(HttpServerRequest req) {
    String required = state.config.requiredApiKey();
    if (required == null) {
      return null;
    }
    String presented = req.getHeader("x-api-key");
    if (presented == null) {
      String auth = req.getHeader("authorization");
      if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        presented = auth.substring(7).trim();
      }
    }
    if (presented == null) {
      return "no API key; send Authorization: Bearer <key> or x-api-key";
    }
    boolean same =
        MessageDigest.isEqual(
            presented.getBytes(StandardCharsets.UTF_8), required.getBytes(StandardCharsets.UTF_8));
    return same ? null : "invalid API key";
  }

  /**
   * Adds the request to the log (diagnostic and health requests excepted, which would crowd out the
   * requests under test) and returns its number, which the response id also carries.
   */
  private long record(HttpServerRequest req, Buffer body) {
    long seq = state.nextSeq();
    String path = req.path();
    if (path.startsWith("/_sim/") || path.equals(Routes.HEALTH)) {
      return seq;
    }
    MultiMap headers = req.headers();
    Map<String, String> recorded = new HashMap<>(headers.size() * 2);
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String value = RequestLog.recordedValue(name, h.getValue());
      recorded.merge(name, value, (a, b) -> a + ", " + b);
    }
    int length = Math.min(body.length(), RequestLog.BODY_LIMIT);
    String text = length == 0 ? "" : body.getString(0, length, "UTF-8");
    state.log.add(new RecordedRequest(seq, req.method().name(), path, recorded, text));
    return seq;
  }

  static void sendJson(HttpServerResponse resp, int status, byte[] body) {
    resp.setStatusCode(status).putHeader("content-type", JSON).end(Buffer.buffer(body));
  }

  static void sendError(
      HttpServerResponse resp, ProtocolCodec codec, int status, ErrorKind kind, String message) {
    sendJson(resp, status, codec.errorBody(kind, message, null));
  }

  static ObjectNode statsJson(SimulatorStats s) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode paths = root.putObject("requests_by_path");
    long total = 0;
    for (Map.Entry<String, Long> e : new TreeMap<>(s.requestsByPath()).entrySet()) {
      paths.put(e.getKey(), e.getValue());
      total += e.getValue();
    }
    root.put("requests_total", total);
    root.put("streams_started", s.streamsStarted());
    root.put("streams_completed", s.streamsCompleted());
    root.put("streams_cancelled", s.streamsCancelled());
    root.put("requests_abandoned", s.requestsAbandoned());
    root.put("faults_injected", s.faultsInjected());
    root.put("in_flight", s.inFlight());
    return root;
  }

  static ObjectNode requestsJson(List<RecordedRequest> requests) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode list = root.putArray("requests");
    for (RecordedRequest r : requests) {
      ObjectNode o = list.addObject();
      o.put("seq", r.seq());
      o.put("method", r.method());
      o.put("path", r.path());
      ObjectNode headers = o.putObject("headers");
      new TreeMap<>(r.headers()).forEach(headers::put);
      o.set("body", bodyJson(r.body()));
    }
    return root;
  }

  /** The body as JSON when it is JSON, else as a string (null when empty). */
  private static JsonNode bodyJson(String body) {
    if (body.isEmpty()) {
      return JsonNodeFactory.instance.nullNode();
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return TextNode.valueOf(body);
    }
  }
}
