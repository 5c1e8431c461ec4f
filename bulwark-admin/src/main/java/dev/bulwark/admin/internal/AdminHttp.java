package dev.bulwark.admin.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.access.diligence.AdminCredentials;
import dev.bulwark.store.diligence.Person;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's HTTP server: one Vert.x server on its own address. The event loop only reads the
 * body and writes the answer; authentication and handlers read the store, so they run on a worker
 * thread. Every answer is JSON, errors included ({@code {"error": {"code", "message"}}}); an
 * unexpected failure answers 500 with a fixed message and goes to the log, never to the client.
 */
public final class AdminHttp {
  /** The largest request body read. */
  static final int MAX_BODY = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(AdminHttp.class);
  private static final Logger access = LoggerFactory.getLogger("bulwark.admin");

  private final Vertx vertx;
  private final String host;
  private final int requestedPort;
  private final AdminApi api;
  private final AdminCredentials credentials;
  private volatile @Nullable HttpServer server;

  public AdminHttp(Vertx vertx, String host, int port, AdminApi api, AdminCredentials credentials) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.host = requireNonNull(host, "host");
    this.requestedPort = port;
    this.api = requireNonNull(api, "api");
    this.credentials = requireNonNull(credentials, "credentials");
  }

  public Future<Void> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(requestedPort)
        .setCompressionSupported(false)
        .setMaxInitialLineLength(8192)
        .setMaxHeaderSize(16 * 1024);
    return vertx.createHttpServer(options).requestHandler(this::handle).listen()
        .onSuccess(s -> server = s)
        .mapEmpty();
  }

  /** The bound port. */
  public int port() {
    HttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("the admin server has not started");
    }
    return s.actualPort();
  }

  public Future<Void> stop() {
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.close();
  }

  private void handle(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    String method = req.method().name();
    String path = req.path();
    if (!path.equals(AdminApi.PREFIX) && !path.startsWith(AdminApi.PREFIX + "/")) {
      drainThenAnswer(req, new ApiException(404, "not_found", "the admin API lives under " + AdminApi.PREFIX));
      return;
    }
    if (!method.equals("GET") && !method.equals("POST") && !method.equals("PATCH")) {
      drainThenAnswer(req, new ApiException(405, "method_not_allowed", method + " is not supported"));
      return;
    }
    String declared = req.getHeader("content-length");
    if (declared != null && declared.trim().matches("\\d{1,18}") && Long.parseLong(declared.trim()) > MAX_BODY) {
      error(resp, new ApiException(413, "body_too_large", "the request body is larger than " + MAX_BODY + " bytes"));
      return;
    }
    String bearer = bearer(req.getHeader("authorization"));
    Map<String, String> query = new LinkedHashMap<>();
    req.params().forEach(e -> query.putIfAbsent(e.getKey(), e.getValue()));
    String sub = path.substring(AdminApi.PREFIX.length());
    Buffer body = Buffer.buffer();
    boolean[] tooLarge = new boolean[1];
    req.handler(chunk -> {
      if (tooLarge[0]) {
        return;
      }
      if (body.length() + chunk.length() > MAX_BODY) {
        tooLarge[0] = true;
        error(resp, new ApiException(413, "body_too_large", "the request body is larger than " + MAX_BODY + " bytes"));
        return;
      }
      body.appendBuffer(chunk);
    });
    req.exceptionHandler(t -> log.debug("admin request failed while reading", t));
    req.endHandler(v -> {
      if (tooLarge[0]) {
        return;
      }
      byte[] bytes = body.getBytes();
      String[] who = new String[1];
      vertx.executeBlocking(() -> process(method, sub, query, bearer, bytes, who), false)
          .onComplete(ar -> {
            if (ar.succeeded()) {
              AdminApi.Reply reply = ar.result();
              write(resp, reply.status(), reply.body());
              access.info("admin {} {} {} by {}", method, path, reply.status(), who[0]);
            } else if (ar.cause() instanceof ApiException e) {
              error(resp, e);
              access.info("admin {} {} {} {} by {}", method, path, e.status(), e.code(), who[0]);
            } else {
              log.error("admin request {} {} failed", method, path, ar.cause());
              error(resp, new ApiException(500, "internal", "internal error; the server's log has the detail"));
            }
          });
    });
  }

  private AdminApi.Reply process(
      String method, String sub, Map<String, String> query, @Nullable String bearer, byte[] bytes, String[] who) {
    AdminCredentials.Result auth = credentials.authenticate(bearer);
    if (auth instanceof AdminCredentials.Denied d) {
      throw new ApiException(401, "unauthenticated", d.reason().message());
    }
    Person caller = ((AdminCredentials.Granted) auth).person();
    who[0] = caller.id();
    Supplier<JsonBody> body = () -> parse(bytes);
    return api.handle(method, sub, query, caller, body);
  }

  private static JsonBody parse(byte[] bytes) {
    if (bytes.length == 0) {
      return JsonBody.root(null);
    }
    try {
      return JsonBody.root(Render.JSON.readTree(bytes));
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      throw new ApiException(400, "invalid_json", "the request body is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new ApiException(400, "invalid_json", "the request body cannot be read");
    }
  }

  private static @Nullable String bearer(@Nullable String header) {
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return null;
  }

  private void drainThenAnswer(HttpServerRequest req, ApiException e) {
    // Read and drop the body, so the connection stays usable for the client's next request.
    req.handler(chunk -> {});
    req.endHandler(v -> error(req.response(), e));
  }

  private static void error(HttpServerResponse resp, ApiException e) {
    if (resp.ended()) {
      return;
    }
    ObjectNode body = Render.object();
    body.putObject("error").put("code", e.code()).put("message", e.getMessage());
    if (e.status() == 401) {
      resp.putHeader("www-authenticate", "Bearer realm=\"bulwark-admin\"");
    }
    write(resp, e.status(), body);
  }

  private static void write(HttpServerResponse resp, int status, JsonNode body) {
    if (resp.ended()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = Render.JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      bytes = "{\"error\":{\"code\":\"internal\",\"message\":\"cannot write the answer\"}}".getBytes(
          java.nio.charset.StandardCharsets.UTF_8);
      status = 500;
    }
    resp.setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(Buffer.buffer(bytes));
  }
}
