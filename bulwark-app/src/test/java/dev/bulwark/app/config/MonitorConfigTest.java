package dev.bulwark.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code monitor} section. */
class MonitorConfigTest {
  @TempDir Path dir;

  private BulwarkConfig load(String yaml, Map<String, String> env) throws Exception {
    Path f = dir.resolve("bulwark.yaml");
    Files.writeString(f, yaml);
    return new ConfigLoader(env).load(f);
  }

  @Test
  void defaults_enabledWithTheBuiltInFlowchartAndNoJudge() throws Exception {
    MonitorConfig m = new ConfigLoader(Map.of()).load(null).monitor();
    assertThat(m.enabled()).isTrue();
    assertThat(m.flowchart()).isNull();
    assertThat(m.judge()).isNull();
    assertThat(m.settings().batchSize()).isEqualTo(256);
    assertThat(m.settings().lease()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fullSection_readWithTheJudgeFromAnUpstream() throws Exception {
    MonitorConfig m = load("""
        upstreams:
          openai: {protocol: openai, base_url: "https://api.example.com", api_key_env: OPENAI_KEY}
        routes: [{model: "*", upstream: openai}]
        monitor:
          enabled: false
          flowchart: /etc/bulwark/flowchart.yaml
          reload_interval: 2s
          batch_size: 64
          lease: 10s
          max_attempts: 3
          backoff: {initial: 2s, max: 1m}
          threads: 4
          history: {window: 30m, limit: 20}
          judge: {upstream: openai, model: gpt-4o-mini, timeout: 5s, max_tokens: 100, retries: 1, tokens_per_minute: 50000}
        """, Map.of("OPENAI_KEY", "sk-test")).monitor();
    assertThat(m.enabled()).isFalse();
    assertThat(m.flowchart()).isEqualTo(Path.of("/etc/bulwark/flowchart.yaml"));
    assertThat(m.settings().batchSize()).isEqualTo(64);
    assertThat(m.settings().backoff(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(m.settings().historyWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(m.judge()).isNotNull();
    assertThat(m.judge().apiKey()).isEqualTo("sk-test");
    assertThat(m.judge().model()).isEqualTo("gpt-4o-mini");
    assertThat(m.judge().tokensPerMinute()).isEqualTo(50_000);
    assertThat(m.judge().toString()).doesNotContain("sk-test");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      monitor: {batch_size: 0}                                   | monitor.batch_size
      monitor: {lease: 10ms}                                     | monitor.lease
      monitor: {threads: many}                                   | monitor.threads
      monitor: {backoff: {initial: 5s, max: 1s}}                 | monitor.backoff.max
      monitor: {poll: 1s}                                        | monitor.poll: unknown field
      monitor: {judge: {upstream: nope, model: m}}               | monitor.judge.upstream: names 'nope'
      monitor: {judge: {model: m}}                               | name an 'upstream' or give a 'base_url'
      monitor: {judge: {base_url: "http://x", model: m, api_key_env: NOPE}} | environment variable NOPE is not set
      monitor: {judge: {base_url: "http://x"}}                   | monitor.judge.model
      """)
  void badSection_refusedNamingTheField(String yaml, String message) {
    assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  @Test
  void judge_anthropicUpstream_refused() {
    assertThatThrownBy(() -> load("""
        upstreams:
          claude: {protocol: anthropic, base_url: "https://api.example.com"}
        routes: [{model: "*", upstream: claude}]
        monitor: {judge: {upstream: claude, model: m}}
        """, Map.of())).hasMessageContaining("speaks the OpenAI protocol");
  }
}
