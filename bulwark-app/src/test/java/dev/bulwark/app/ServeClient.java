package dev.bulwark.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A client of a running {@code serve} for tests: a key from the CLI, a one-turn chat completion. */
final class ServeClient {
  private ServeClient() {}

  /** A new key of organization {@code demo} on tier {@code standard}, made by {@code bulwark keys create}. */
  static String key(Path config) throws Exception {
    return new ObjectMapper().readTree(Cli.run("keys", "create", "--org", "demo", "--tier", "standard", "--json", "-c",
        config.toString()).out()).path("key").asText();
  }

  /** One user turn to the OpenAI chat completions route, not streamed. */
  static HttpResponse<String> chat(BulwarkServer server, String key, String prompt) throws Exception {
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
        + new ObjectMapper().writeValueAsString(prompt) + "}]}";
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
        .header("authorization", "Bearer " + key).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
