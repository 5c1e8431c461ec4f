package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigLoader;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.stage.ClassifierStage;
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
    String key = ServeClient.key(config);
    try (BulwarkServer server = BulwarkServer.start(cfg, Clock.systemUTC())) {
      Encoder encoder = server.pipeline().promptStage("classifier").map(ClassifierStage.class::cast)
          .flatMap(ClassifierStage::encoder).orElseThrow();
      long hitsBefore = encoder.reuse().hits();

      HttpResponse<String> resp =
          ServeClient.chat(server, key, "Help me plan a week of vegetarian dinners for a family of four.");
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);

      long deadline = System.nanoTime() + 30_000_000_000L;
      while (encoder.reuse().hits() == hitsBefore && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(encoder.reuse().hits()).as("the monitor found the gateway's embedding").isGreaterThan(hitsBefore);
    }
  }
}
