package dev.bulwark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.simulator.SimulatedUpstream;
import dev.bulwark.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator against an in-process simulated upstream, which echoes the prompt. */
class LoadGeneratorTest {
  private static Vertx vertx;
  private static SimulatedUpstream open;
  private static SimulatedUpstream locked;

  @BeforeAll
  static void startSimulators() {
    vertx = Vertx.vertx();
    open = SimulatedUpstream.start(vertx, SimulatorConfig.builder().port(0).build()).await();
    locked = SimulatedUpstream.start(vertx, SimulatorConfig.builder().port(0).requiredApiKey("sk-right").build()).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static LoadSpec.Builder spec(SimulatedUpstream sim) {
    return LoadSpec.builder(URI.create(sim.baseUrl()))
        .system("direct")
        .concurrency(4)
        .eventLoops(2)
        .warmup(Duration.ofMillis(200))
        .duration(Duration.ofMillis(800));
  }

  @Test
  void run_streamingAgainstSimulator_recordsEveryRequestWithFirstTokenBeforeTheEnd() throws Exception {
    LoadGenerator.Result r = LoadGenerator.run(spec(open).stream(true).build());

    assertThat(r.requests()).isPositive();
    assertThat(r.errors()).isZero();
    assertThat(r.ttftMillis(50)).isPositive().isLessThanOrEqualTo(r.totalMillis(50));
    ObjectNode json = r.json();
    assertThat(json.path("throughput_rps").asDouble()).isPositive();
    // The simulator echoes the prompt word by word: one content event per word.
    int words = LoadGenerator.DEFAULT_PROMPT.split("\\s+").length;
    assertThat(json.path("sample").path("content_events").asInt()).isEqualTo(words);
    assertThat(json.path("sample").path("refused").asLong()).isZero();
    assertThat(json.path("sample").path("errors").size()).isZero();
    assertThat(json.path("cpu").has("load_generator")).isTrue();
  }

  @Test
  void run_notStreaming_firstTokenIsTheWholeBody() throws Exception {
    LoadGenerator.Result r = LoadGenerator.run(spec(open).stream(false).build());

    assertThat(r.requests()).isPositive();
    assertThat(r.errors()).isZero();
    assertThat(r.ttftMillis(99)).isEqualTo(r.totalMillis(99));
  }

  @Test
  void run_anthropicShape_findsContent() throws Exception {
    LoadGenerator.Result r = LoadGenerator.run(spec(open).shape(ApiShape.ANTHROPIC).build());

    assertThat(r.requests()).isPositive();
    assertThat(r.errors()).isZero();
    assertThat(r.json().path("sample").path("content_events").asInt()).isPositive();
  }

  @Test
  void run_openLoop_issuesAtTheRateWhateverTheConnections() throws Exception {
    LoadGenerator.Result r = LoadGenerator.run(
        spec(open).rate(200).concurrency(8).warmup(Duration.ofSeconds(1)).duration(Duration.ofSeconds(1)).build());

    assertThat(r.errors()).isZero();
    // A cold JVM may fall behind in the warm-up and catch up in the window: an open loop does not drop
    // what was due, so the window may carry up to the warm-up's share too (200/s x 2 s in 1 s), never more.
    assertThat(r.throughput()).isBetween(150.0, 400.0);
    assertThat(r.json().path("loop").asText()).isEqualTo("open");
    assertThat(r.json().path("rate_rps").asDouble()).isEqualTo(200.0);
    assertThat(r.json().path("schedule_lag_ms").path("p50").asDouble()).isLessThan(50.0);
  }

  @Test
  void run_serverRefusesKey_countsErrorsByStatusAndRecordsNoLatency() throws Exception {
    LoadGenerator.Result r = LoadGenerator.run(spec(locked).header("authorization", "Bearer sk-wrong").build());

    assertThat(r.requests()).isZero();
    assertThat(r.json().path("errors").path("http_401").asLong()).isPositive();
  }

  @Test
  void run_nothingListening_countsConnectionErrors() throws Exception {
    LoadGenerator.Result r = LoadGenerator.run(
        LoadSpec.builder(URI.create("http://127.0.0.1:1")).concurrency(1).eventLoops(1)
            .warmup(Duration.ZERO).duration(Duration.ofMillis(300)).build());

    assertThat(r.requests()).isZero();
    assertThat(r.errors()).isPositive();
    assertThat(r.json().path("errors").fieldNames().next()).startsWith("io_");
  }
}
