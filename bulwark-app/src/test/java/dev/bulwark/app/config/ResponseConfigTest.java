package dev.bulwark.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code response} section. */
class ResponseConfigTest {
  @TempDir Path dir;

  private BulwarkConfig load(String yaml) throws Exception {
    Path f = dir.resolve("bulwark.yaml");
    Files.writeString(f, yaml);
    return new ConfigLoader(Map.of()).load(f);
  }

  @Test
  void defaults_intakeOnEveryFiveSecondsWithoutAutomaticPatching() throws Exception {
    ResponseConfig r = new ConfigLoader(Map.of()).load(null).response();

    assertThat(r.incidents().enabled()).isTrue();
    assertThat(r.incidents().autoPatch()).isFalse();
    assertThat(r.incidents().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.data()).isEqualTo(Path.of("..", "shared", "data"));
    assertThat(r.embeddingCache()).as("the folder bulwark train fills by default")
        .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "bulwark", "embeddings"));
  }

  @Test
  void embeddingCache_pathHomeOrNone_read() throws Exception {
    assertThat(load("response: {embedding_cache: /srv/cache}\n").response().embeddingCache())
        .isEqualTo(Path.of("/srv/cache"));
    assertThat(load("response: {embedding_cache: ~/cache/emb}\n").response().embeddingCache())
        .isEqualTo(Path.of(System.getProperty("user.home"), "cache", "emb"));
    assertThat(load("response: {embedding_cache: none}\n").response().embeddingCache()).isNull();
  }

  @Test
  void embeddingCache_blankOrBoolean_refusedNamingTheField() {
    assertThatThrownBy(() -> load("response: {embedding_cache: \" \"}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.embedding_cache");
    assertThatThrownBy(() -> load("response: {embedding_cache: false}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.embedding_cache");
    assertThatThrownBy(() -> load("response: {embedding_cache: [a]}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.embedding_cache");
  }

  @Test
  void fullSection_read() throws Exception {
    ResponseConfig r = load("response: {incidents: {intake: false, interval: 30s, auto_patch: true}, data: /srv/data}\n")
        .response();

    assertThat(r.incidents().enabled()).isFalse();
    assertThat(r.incidents().autoPatch()).isTrue();
    assertThat(r.incidents().mode()).isEqualTo("auto_patch");
    assertThat(r.incidents().interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.data()).isEqualTo(Path.of("/srv/data"));
  }

  @Test
  void gate_default_noShadowPeriod() throws Exception {
    ResponseConfig r = new ConfigLoader(Map.of()).load(null).response();

    assertThat(r.gate().shadowPeriod()).isZero();
    assertThat(r.gate()).isEqualTo(dev.bulwark.response.gate.ValidationGate.Settings.defaults());
  }

  @Test
  void gate_shadowKeys_read() throws Exception {
    var g = load("response: {gate: {shadow_period: 10m, max_shadow_disagreement: 0.02, min_shadow_samples: 50}}\n")
        .response().gate();
    var withExtension = load("response: {gate: {shadow_period: 30s, shadow_extension: 2h}}\n").response().gate();

    assertThat(g.shadowPeriod()).isEqualTo(Duration.ofMinutes(10));
    assertThat(g.maxShadowDisagreement()).isEqualTo(0.02);
    assertThat(g.minShadowSamples()).isEqualTo(50);
    assertThat(g.shadowExtension()).as("4 periods by default").isEqualTo(Duration.ofMinutes(40));
    assertThat(g.minFamilyBlockRate()).as("offline thresholds stay the defaults").isEqualTo(0.95);
    assertThat(withExtension.shadowPeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(withExtension.shadowExtension()).isEqualTo(Duration.ofHours(2));
    assertThat(withExtension.minShadowSamples()).isEqualTo(20);
  }

  @Test
  void gate_badValues_refusedNamingTheField() {
    assertThatThrownBy(() -> load("response: {gate: {shadow_period: ten minutes}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate.shadow_period");
    assertThatThrownBy(() -> load("response: {gate: {shadow_period: -5m}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate.shadow_period");
    assertThatThrownBy(() -> load("response: {gate: {max_shadow_disagreement: 1.5}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate.max_shadow_disagreement");
    assertThatThrownBy(() -> load("response: {gate: {max_shadow_disagreement: lots}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate.max_shadow_disagreement");
    assertThatThrownBy(() -> load("response: {gate: {min_shadow_samples: 0}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate.min_shadow_samples");
    assertThatThrownBy(() -> load("response: {gate: {min_shadow_samples: 2.5}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate.min_shadow_samples");
    assertThatThrownBy(() -> load("response: {gate: {shadow_extension: 1h}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate.shadow_extension");
    assertThatThrownBy(() -> load("response: {gate: {shadow: 10m}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate.shadow");
    assertThatThrownBy(() -> load("response: {gate: 10m}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.gate");
  }

  @Test
  void badValues_refusedNamingTheField() {
    assertThatThrownBy(() -> load("response: {incidents: {auto_patch: sometimes}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.incidents.auto_patch");
    assertThatThrownBy(() -> load("response: {incidents: {interval: 0s}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("response.incidents.interval");
    assertThatThrownBy(() -> load("response: {incidents: {autopatch: true}}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("autopatch");
  }
}
