package dev.bulwark.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options every admin-API command shares, and the call itself: {@code --admin-url}, the admin
 * token (from {@code BULWARK_ADMIN_TOKEN} or {@code --token-file}; never an option of its own, so it
 * stays out of shell history and process lists), and {@code --json}.
 *
 * <p>Exit codes: 0 done; 1 the server refused or failed (the message and code it gave are printed),
 * or could not be reached; 2 bad usage, including a value the server rejected as invalid (400).
 */
public final class AdminOptions {
  static final String TOKEN_ENV = "BULWARK_ADMIN_TOKEN";
  static final String URL_ENV = "BULWARK_ADMIN_URL";
  static final String DEFAULT_URL = "http://127.0.0.1:8081";
  static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--admin-url", paramLabel = "URL",
      description = "The admin API (default: $" + URL_ENV + ", else " + DEFAULT_URL + ")")
  @Nullable String url;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "A file holding the admin token (default: $" + TOKEN_ENV + ")")
  @Nullable Path tokenFile;

  @Option(names = "--json", description = "Print the API's JSON instead of text")
  boolean json;

  /** The server's JSON answer, or its refusal. */
  record Answer(int status, JsonNode body) {}

  /** The work of one command: calls through {@code client} and prints. */
  @FunctionalInterface
  interface Work {
    int run(Client client, PrintWriter out) throws IOException, InterruptedException;
  }

  /** The server said no. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    Refused(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** Runs {@code work} against the admin API, mapping every failure to a message and an exit code. */
  int call(CommandSpec spec, Work work) {
    return call(spec, System.getenv(), work);
  }

  int call(CommandSpec spec, Map<String, String> env, Work work) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String token;
    try {
      token = token(env);
    } catch (IllegalArgumentException e) {
      err.println("bulwark: " + e.getMessage());
      return Main.BAD_CONFIG;
    }
    String base = url != null ? url : env.getOrDefault(URL_ENV, DEFAULT_URL);
    URI uri;
    try {
      uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new IllegalArgumentException("not http");
      }
    } catch (IllegalArgumentException e) {
      err.println("bulwark: --admin-url: must be an http or https URL, was '" + base + "'");
      return Main.BAD_CONFIG;
    }
    Client client = new Client(uri, token);
    try {
      return work.run(client, out);
    } catch (RefusedUnchecked r) {
      Refused e = r.refused;
      err.println("bulwark: " + e.getMessage() + " (" + e.code + ", HTTP " + e.status + ")");
      return e.status == 400 ? Main.BAD_CONFIG : Main.FAILED;
    } catch (ConnectException e) {
      err.println("bulwark: cannot reach the admin API at " + uri + ": is 'bulwark serve' running with"
          + " admin.enabled, and is --admin-url right?");
      return Main.FAILED;
    } catch (IOException e) {
      err.println("bulwark: talking to the admin API at " + uri + " failed: " + e.getMessage());
      return Main.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Main.FAILED;
    }
  }

  private String token(Map<String, String> env) {
    if (tokenFile != null) {
      try {
        String t = Files.readString(tokenFile).trim();
        if (t.isEmpty()) {
          throw new IllegalArgumentException("--token-file: " + tokenFile + " is empty");
        }
        return t;
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("--token-file: " + tokenFile + " does not exist");
      } catch (IOException e) {
        throw new IllegalArgumentException("--token-file: cannot read " + tokenFile + ": " + e.getMessage());
      }
    }
    String t = env.get(TOKEN_ENV);
    if (t == null || t.isBlank()) {
      throw new IllegalArgumentException("no admin token: set " + TOKEN_ENV + " or pass --token-file"
          + " (create one with 'bulwark admins create')");
    }
    return t.trim();
  }

  /** Carries a {@link Refused} through {@link Work} lambdas. */
  static final class RefusedUnchecked extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Refused refused;

    RefusedUnchecked(Refused refused) {
      super(refused.getMessage(), refused, false, false);
      this.refused = refused;
    }
  }

  /** A small client of the admin API; every answer that is not 2xx becomes a refusal. */
  static final class Client {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final String token;

    Client(URI base, String token) {
      this.base = base;
      this.token = token;
    }

    JsonNode get(String path, Map<String, @Nullable String> query) throws IOException, InterruptedException {
      StringBuilder q = new StringBuilder();
      for (Map.Entry<String, @Nullable String> e : query.entrySet()) {
        if (e.getValue() != null) {
          q.append(q.length() == 0 ? "?" : "&").append(e.getKey()).append('=')
              .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
      }
      return send("GET", path + q, null);
    }

    JsonNode get(String path) throws IOException, InterruptedException {
      return get(path, Map.of());
    }

    JsonNode post(String path, ObjectNode body) throws IOException, InterruptedException {
      return send("POST", path, JSON.writeValueAsString(body));
    }

    private JsonNode send(String method, String path, @Nullable String body) throws IOException, InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/admin/v1" + path))
          .timeout(Duration.ofSeconds(30))
          .header("authorization", "Bearer " + token)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        b.header("content-type", "application/json");
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json;
      try {
        json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
      } catch (IOException e) {
        throw new IOException("the server at " + base + " did not answer JSON (HTTP " + r.statusCode()
            + "); is --admin-url the admin API's address, not the gateway's?");
      }
      if (r.statusCode() / 100 != 2) {
        JsonNode error = json.path("error");
        throw new RefusedUnchecked(new Refused(r.statusCode(), error.path("code").asText("http_" + r.statusCode()),
            error.path("message").asText("the admin API answered HTTP " + r.statusCode())));
      }
      return json;
    }
  }

  /** A query map that keeps nulls out. */
  static Map<String, @Nullable String> query(@Nullable String... pairs) {
    Map<String, @Nullable String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      m.put(java.util.Objects.requireNonNull(pairs[i], "key"), pairs[i + 1]);
    }
    return m;
  }

  /** Prints {@code json} as the API gave it, indented. */
  static void printJson(PrintWriter out, JsonNode json) throws IOException {
    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
  }
}
