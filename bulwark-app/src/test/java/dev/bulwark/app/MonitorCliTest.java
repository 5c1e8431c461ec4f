package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigLoader;
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

/** {@code serve} runs the monitor; {@code bulwark monitor} and {@code bulwark incidents} read what it did. */
class MonitorCliTest {
  @TempDir Path dir;

  @Test
  void serve_exchange_isMonitoredAndExplained() throws Exception {
    Path config = dir.resolve("bulwark.yaml");
    Files.writeString(config, "server: {port: 0}\nstore: {url: \"jdbc:sqlite:" + dir.resolve("b.db") + "\"}\n"
        + "admin: {enabled: false}\nmonitor: {poll_interval: 50ms}\n");
    BulwarkConfig cfg = new ConfigLoader(Map.of()).load(config);
    String key = new ObjectMapper().readTree(
        Cli.run("keys", "create", "--org", "demo", "--tier", "standard", "--json", "-c", config.toString()).out())
        .path("key").asText();
    String requestId;
    try (BulwarkServer server = BulwarkServer.start(cfg, Clock.systemUTC())) {
      HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
          .header("authorization", "Bearer " + key).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(resp.statusCode()).isEqualTo(200);
      requestId = new ObjectMapper().readTree(resp.body()).path("id").asText().replace("chatcmpl-", "");
      long deadline = System.nanoTime() + 30_000_000_000L;
      Cli explained;
      do {
        Thread.sleep(50);
        explained = Cli.run("monitor", "explain", requestId, "-c", config.toString());
      } while (explained.exit() != 0 && System.nanoTime() < deadline);
      assertThat(explained.exit()).as(explained.err()).isZero();
      assertThat(explained.out()).contains("flowchart default-1@", "1. triage", "exchange_classifier", "account demo");
    }
    Cli status = Cli.run("monitor", "status", "-c", config.toString());
    assertThat(status.out()).contains("queue: 0 waiting", "runs: 1 in all");
    assertThat(Cli.run("monitor", "costs", "-c", config.toString()).out()).contains("1 exchanges", "triage", "100.00%");
    assertThat(Cli.run("incidents", "list", "-c", config.toString()).out()).contains("no incidents");
    Cli missing = Cli.run("monitor", "explain", "999999", "-c", config.toString());
    assertThat(missing.exit()).isEqualTo(Main.FAILED);
    assertThat(missing.err()).contains("no monitor run recorded for 999999");
  }

  @Test
  void validate_invalidFlowchart_exitTwoNamingTheNode() throws Exception {
    Path config = dir.resolve("bulwark.yaml");
    Files.writeString(config, "store: {url: \"jdbc:sqlite:" + dir.resolve("b.db") + "\"}\n");
    Path flowchart = dir.resolve("flowchart.yaml");
    Files.writeString(flowchart, """
        start: [a]
        nodes:
          a: {analyzer: rules, next: [{to: b}]}
          b: {analyzer: stage3}
        """);
    Cli bad = Cli.run("monitor", "validate", flowchart.toString(), "-c", config.toString());
    assertThat(bad.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(bad.err()).contains("node 'b'", "unknown analyzer 'stage3'");
    Files.writeString(flowchart, """
        version: mine-1
        start: [a]
        nodes:
          a: {analyzer: rules}
        """);
    Cli good = Cli.run("monitor", "validate", flowchart.toString(), "-c", config.toString());
    assertThat(good.exit()).as(good.err()).isZero();
    assertThat(good.out()).contains("flowchart mine-1@", "valid", "a ", "rules");
  }

  @Test
  void incidentsUpdate_unknownIncidentOrBadStatus_refused() throws Exception {
    Path config = dir.resolve("bulwark.yaml");
    Files.writeString(config, "store: {url: \"jdbc:sqlite:" + dir.resolve("b.db") + "\"}\n");
    Cli unknown = Cli.run("incidents", "update", "inc_1", "--as", "ana", "--status", "resolved", "-c", config.toString());
    assertThat(unknown.exit()).isEqualTo(Main.FAILED);
    assertThat(unknown.err()).contains("no incident inc_1");
    Cli bad = Cli.run("incidents", "update", "inc_1", "--as", "ana", "--status", "done", "-c", config.toString());
    assertThat(bad.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(bad.err()).contains("--status");
  }
}
