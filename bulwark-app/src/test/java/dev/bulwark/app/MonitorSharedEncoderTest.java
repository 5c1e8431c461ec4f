package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigLoader;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.stage.ClassifierStage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In {@code serve} the monitor reads prompts with the gateway classifier's encoder: a window the
 * gateway's stage 2 embedded is found again, not embedded again, when the monitor's stage-2 node reads
 * the same prompt.
 */
class MonitorSharedEncoderTest {
  static final String FLOWCHART = """
      version: shared-encoder-1
      start: [deep]
      nodes:
        deep:
          analyzer: exchange_classifier
          settings: {stage: 2}
      """;

  @TempDir Path dir;

  @Test
  void serve_monitorReadsAPromptTheGatewayEscalated_reusesTheGatewaysWindowEmbeddings() throws Exception {
    Path flowchart = dir.resolve("flowchart.yaml");
    Files.writeString(flowchart, FLOWCHART);
    Path config = dir.resolve("bulwark.yaml");
    // A band over the whole range: the gateway's stage 2 reads every prompt.
    Files.writeString(config, "server: {port: 0}\nstore: {url: \"jdbc:sqlite:" + dir.resolve("b.db") + "\"}\n"
        + "admin: {enabled: false}\nmonitor: {poll_interval: 50ms, flowchart: \"" + flowchart + "\"}\n"
        + "response: {incidents: {intake: false}}\n"
        + "stages:\n  classifier: {type: classifier, scope: prompt, band: {low: 0.0, high: 1.0}}\n");
    BulwarkConfig cfg = new ConfigLoader(Map.of()).load(config);
    String key = new ObjectMapper().readTree(Cli.run("keys", "create", "--org", "demo", "--tier", "standard",
        "--json", "-c", config.toString()).out()).path("key").asText();
    try (BulwarkServer server = BulwarkServer.start(cfg, Clock.systemUTC())) {
      Encoder encoder = server.pipeline().promptStage("classifier").map(ClassifierStage.class::cast)
          .flatMap(ClassifierStage::encoder).orElseThrow();
      long hitsBefore = encoder.reuse().hits();

      String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
          + "\"Help me plan a week of vegetarian dinners for a family of four.\"}]}";
      HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
          .header("authorization", "Bearer " + key).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);

      long deadline = System.nanoTime() + 30_000_000_000L;
      while (encoder.reuse().hits() == hitsBefore && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(encoder.reuse().hits()).as("the monitor found the gateway's embedding").isGreaterThan(hitsBefore);
    }
  }
}
