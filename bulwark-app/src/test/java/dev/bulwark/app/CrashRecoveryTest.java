package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.simulator.RecordedRequest;
import dev.bulwark.simulator.SimulatedUpstream;
import dev.bulwark.simulator.SimulatorConfig;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.StoredEvent;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a gateway under load: on restart the audit chain verifies, every request that reached the
 * upstream has its record, and the ones that were cut off are recorded as abandoned.
 */
class CrashRecoveryTest {
  private static final Pattern TRACE = Pattern.compile("\"trace_id\":\"([0-9a-f]{32})\"");

  @TempDir Path dir;

  @Test
  void killDashNineUnderLoad_restartVerifiesAndEveryForwardedRequestHasItsRecord() throws Exception {
    Vertx vertx = Vertx.vertx();
    SimulatedUpstream sim = SimulatedUpstream.start(vertx,
        SimulatorConfig.builder().tokensPerSecond(40).build()).await();
    Path config = dir.resolve("bulwark.yaml");
    Files.writeString(config, """
        server: {port: 0, key_poll_interval: 100ms}
        admin: {listen: "127.0.0.1:0"}
        store: {url: "jdbc:sqlite:%s"}
        upstreams:
          sim: {protocol: openai, base_url: "%s"}
        routes:
          - {model: m, upstream: sim}
        """.formatted(dir.resolve("b.db"), sim.baseUrl()));
    Cli created = Cli.run("keys", "create", "--org", "load", "--tier", "standard", "--json", "-c", config.toString());
    String key = new ObjectMapper().readTree(created.out()).path("key").asText();

    Process gateway = startGateway(config);
    int port = awaitPort(gateway);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(16);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int c = 0; c < 16; c++) {
      int client = c;
      clients.submit(() -> {
        int n = 0;
        while (!stop.get()) {
          String body = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"client "
              + client + " request " + (n++) + " asks for a few words back\"}]}";
          try {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            answered.incrementAndGet();
          } catch (Exception e) {
            return; // the gateway was killed
          }
        }
      });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (answered.get() < 20 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    gateway.destroyForcibly().waitFor();
    stop.set(true);
    clients.shutdown();
    assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    assertThat(answered.get()).as("requests answered before the kill").isGreaterThanOrEqualTo(20);

    Cli verified = Cli.run("audit", "verify", "-c", config.toString());
    assertThat(verified.exit()).as(verified.out()).isZero();

    Set<String> forwarded = new HashSet<>();
    for (RecordedRequest r : sim.requests()) {
      String traceparent = r.header("traceparent");
      assertThat(traceparent).isNotNull();
      forwarded.add(traceparent.split("-")[1]);
    }
    Map<String, String> receivedByTrace = new HashMap<>();
    try (Store store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("b.db")).build())) {
      for (StoredEvent e : allEvents(store)) {
        if (e.type().equals("request.received")) {
          Matcher m = TRACE.matcher(e.body());
          assertThat(m.find()).isTrue();
          receivedByTrace.put(m.group(1), e.requestId());
        }
      }
    }
    assertThat(forwarded).isNotEmpty();
    assertThat(receivedByTrace.keySet()).as("every request the upstream saw has its record").containsAll(forwarded);

    Process restarted = startGateway(config);
    List<String> banner = readBanner(restarted);
    restarted.destroy();
    assertThat(restarted.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(String.join("\n", banner)).contains("recovered");
    assertThat(Cli.run("audit", "verify", "-c", config.toString()).exit()).isZero();
    try (Store store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("b.db")).build())) {
      assertThat(store.events().unfinishedRequests("request.received", BulwarkServer.REQUEST_END_TYPES)).isEmpty();
    }
    sim.close().await();
    vertx.close().await();
  }

  private static List<StoredEvent> allEvents(Store store) {
    List<StoredEvent> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<StoredEvent> page = store.events().read(after, 1000);
      if (page.isEmpty()) {
        return all;
      }
      all.addAll(page);
      after = page.get(page.size() - 1).seq();
    }
  }

  private static Process startGateway(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "-c", config.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static int awaitPort(Process p) throws Exception {
    for (String line : readBanner(p)) {
      Matcher m = Pattern.compile("listening\\s+http://[^:]+:(\\d+)").matcher(line);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("the gateway printed no listening line");
  }

  /** Reads the banner up to its last line (metrics), or fails if the process ends first. */
  private static List<String> readBanner(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(line);
      if (line.trim().startsWith("metrics")) {
        return lines;
      }
    }
    throw new AssertionError("the gateway exited before it finished starting: " + lines);
  }
}
