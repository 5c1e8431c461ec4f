package dev.bulwark.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.Retention;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.protocol.model.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir Path dir;

  private final ConfigLoader loader = new ConfigLoader(Map.of("OPENAI_KEY", "sk-test", "DB_PASS", "pw"));

  private BulwarkConfig load(String yaml) throws Exception {
    Path f = dir.resolve("bulwark.yaml");
    Files.writeString(f, yaml);
    return loader.load(f);
  }

  @Test
  void load_noFile_embeddedDefaultsRunTheSimulatedModel() throws Exception {
    BulwarkConfig c = loader.load(null);

    assertThat(c.source()).isEqualTo("embedded defaults");
    assertThat(c.server().port()).isEqualTo(8080);
    assertThat(c.server().host()).isEqualTo("127.0.0.1");
    assertThat(c.upstreams()).isEmpty();
    assertThat(c.routes()).singleElement().satisfies(r -> assertThat(r.upstream()).isEqualTo("simulated"));
    assertThat(c.tiers()).containsEntry("standard", "standard");
    assertThat(c.stages()).extracting(BulwarkConfig.StageSpec::name).containsExactly("phrases", "classifier");
    assertThat(c.stages().get(1)).isInstanceOfSatisfying(BulwarkConfig.Classifier.class, k -> {
      assertThat(k.model()).isEqualTo("builtin");
      assertThat(k.scope()).isEqualTo("both");
      assertThat(k.bandLow()).isNull();
    });
    assertThat(c.policies().get("standard").defaultStage().onFailure()).isEqualTo(FailureMode.CLOSED);
  }

  @Test
  void load_fileWithSomeSections_keepsTheDefaultsOfTheOthers() throws Exception {
    BulwarkConfig c = load("""
        server: {port: 9999}
        upstreams:
          openai: {protocol: openai, base_url: "https://api.openai.com/v1", api_key_env: OPENAI_KEY, read_timeout: 30s}
        routes:
          - {model: gpt-4o-mini, upstream: openai}
        """);

    assertThat(c.server().port()).isEqualTo(9999);
    assertThat(c.upstreams()).singleElement().satisfies(u -> {
      assertThat(u.protocol()).isEqualTo(Protocol.OPENAI);
      assertThat(u.baseUrl().toString()).isEqualTo("https://api.openai.com");
      assertThat(u.apiKey()).isEqualTo("sk-test");
      assertThat(u.readTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(u.toString()).doesNotContain("sk-test");
    });
    assertThat(c.routes().get(0).upstreamModel()).isEqualTo("gpt-4o-mini");
    assertThat(c.stages()).hasSize(2);
  }

  @Test
  void load_classifierThresholdsAndMonitorCategories_applyPerTier() throws Exception {
    BulwarkConfig c = load("""
        policies:
          research:
            stages:
              classifier: {thresholds: {cbrn.biological: 0.3, jailbreak: 0.9}, monitor_categories: [harmful.other]}
        tiers: {research: research}
        """);

    var stage = c.policies().get("research").stage("classifier");
    assertThat(stage.threshold("cbrn.biological", 0.5)).isEqualTo(0.3);
    assertThat(stage.threshold("cbrn.nuclear", 0.5)).isEqualTo(0.5);
    assertThat(stage.monitorsOnly("harmful.other")).isTrue();
    assertThat(stage.monitorsOnly("jailbreak")).isFalse();
  }

  @Test
  void load_classifierBand_readsBothBounds() throws Exception {
    BulwarkConfig c = load("""
        stages:
          k: {type: classifier, scope: prompt, band: {low: 0.2, high: 0.7}, stage2: false}
        """);

    assertThat(c.stages()).singleElement().isInstanceOfSatisfying(BulwarkConfig.Classifier.class, k -> {
      assertThat(k.scope()).isEqualTo("prompt");
      assertThat(k.bandLow()).isEqualTo(0.2);
      assertThat(k.bandHigh()).isEqualTo(0.7);
      assertThat(k.stage2()).isFalse();
    });
  }

  @Test
  void load_policyOverrides_applyPerStage() throws Exception {
    BulwarkConfig c = load("""
        policies:
          research:
            version: 3
            retention: full
            limits: {requests_per_minute: 10, max_concurrent: 2}
            stages:
              default: {mode: enforce, on_failure: closed, timeout: 500ms}
              phrases: {mode: monitor, on_failure: open}
        tiers: {research: research}
        """);

    var p = c.policies().get("research");
    assertThat(p.version()).isEqualTo(3);
    assertThat(p.retention()).isEqualTo(Retention.FULL);
    assertThat(p.limits().requestsPerMinute()).isEqualTo(10);
    assertThat(p.stage("phrases").mode()).isEqualTo(StageMode.MONITOR);
    assertThat(p.stage("phrases").onFailure()).isEqualTo(FailureMode.OPEN);
    assertThat(p.stage("phrases").timeout()).isEqualTo(Duration.ofMillis(500));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      server: {port: http}                                   | server.port: must be an integer in [0, 65535], was 'http'
      server: {port: 70000}                                  | server.port: must be an integer in [0, 65535], was 70000
      server: {prot: 1}                                      | server.prot: unknown field; allowed fields here:
      servr: {}                                              | servr: unknown field; allowed fields here:
      store: {url: "mysql://x"}                              | store.url:
      store: {durability: eventually}                        | store.durability: must be one of normal, full, was 'eventually'
      store: {password_env: NOPE}                            | store.password_env: environment variable NOPE is not set
      upstreams: {a: {protocol: grpc, base_url: "http://x"}} | upstreams.a.protocol: must be one of openai, anthropic, was 'grpc'
      upstreams: {a: {protocol: openai}}                     | upstreams.a.base_url: is required
      upstreams: {a: {base_url: "ftp://x"}}                  | upstreams.a.base_url: must be an http or https URL
      upstreams: {a: {base_url: "http://x", api_key_env: MISSING}} | upstreams.a.api_key_env: environment variable MISSING is not set
      upstreams: {a: {base_url: "http://x", read_timeout: soon}}   | upstreams.a.read_timeout: must be a duration such as 500ms, 5s, 2m, 1h or 14d, was 'soon'
      upstreams: {a: {base_url: "http://x", headers: {Authorization: x}}} | upstreams.a.headers.Authorization: credentials do not belong in the file
      routes: [{model: m, upstream: nowhere}]                | routes[0].upstream: names upstream 'nowhere', but no upstreams are defined
      upstreams: {a: {base_url: "http://x"}}                 | routes[0].upstream: names upstream 'simulated', which is not defined; defined upstreams: a
      stages: {p: {type: magic}}                             | stages.p.type: must be one of phrase_list, classifier, was 'magic'
      stages: {k: {type: classifier, model: /no/such.bwma}}  | stages.k.model: must be 'builtin' or the path of a model archive
      stages: {k: {type: classifier, scope: tools}}          | stages.k.scope: must be one of prompt, completion, both, was 'tools'
      stages: {k: {type: classifier, digest: md5}}           | stages.k.digest: must be sha256: followed by 64 lower-case hex digits
      stages: {k: {type: classifier, band: {low: 0.9, high: 0.1}}} | stages.k.band.low: must not exceed band.high
      stages: {k: {type: classifier, band: {low: 0.1}}}      | stages.k.band: give both low and high
      policies: {standard: {stages: {classifier: {thresholds: {cbrn.bio: 0.5}}}}} | policies.standard.stages.classifier.thresholds.cbrn.bio: unknown category 'cbrn.bio'
      policies: {standard: {stages: {classifier: {thresholds: {jailbreak: 1.5}}}}} | policies.standard.stages.classifier.thresholds.jailbreak: must be a number in
      policies: {standard: {stages: {classifier: {monitor_categories: [nope]}}}} | policies.standard.stages.classifier.monitor_categories: unknown category 'nope'
      stages: {p: {type: phrase_list, rules: [{id: r, category: c, pattern: "(", max_length: 5}]}} | stages.p.rules[0]: rule r: pattern does not compile
      stages: {p: {type: phrase_list, rules: [{id: r, category: c, phrase: x, action: halt}]}} | stages.p.rules[0].action: must be one of block, flag, was 'halt'
      policies: {standard: {stages: {nosuch: {mode: enforce}}}} | policies.standard.stages.nosuch: no stage is named 'nosuch'
      policies: {standard: {stages: {default: {mode: loud}}}} | policies.standard.stages.default.mode: must be one of enforce, monitor, off, was 'loud'
      policies: {standard: {limits: {requests_per_minute: -1}}} | policies.standard.limits.requests_per_minute: must be an integer in [0, 100000000], was -1
      tiers: {gold: platinum}                                | tiers.gold: names policy 'platinum', which is not defined
      '[1, 2]'                                               | the configuration must be a YAML mapping
      'server: {port: [1'                                    | is not valid YAML at line
      """)
  void load_badField_namesTheFieldAndWhatIsAllowed(String yaml, String message) {
    assertThatThrownBy(() -> load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void load_missingFile_saysSo() {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void load_storeUrlFromEnvironment_overridesTheFile() throws Exception {
    BulwarkConfig c = new ConfigLoader(Map.of("BULWARK_STORE_URL", "jdbc:postgresql://127.0.0.1:5432/test"))
        .load(null);

    assertThat(c.store().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
  }
}
