package dev.bulwark.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
  @Test
  void defaults_areLocalEphemeralEchoWithoutDelay() {
    SimulatorConfig c = SimulatorConfig.defaults();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isZero();
    assertThat(c.ttft()).isEqualTo(Duration.ZERO);
    assertThat(c.tokensPerSecond()).isZero();
    assertThat(c.chunkTokens()).isEqualTo(1);
    assertThat(c.script().entries()).isEmpty();
    assertThat(c.requiredApiKey()).isNull();
    assertThat(c.instances()).isEqualTo(1);
  }

  @Test
  void builder_badValues_areRefusedNamingTheField() {
    SimulatorConfig.Builder b = SimulatorConfig.builder();
    assertThatThrownBy(() -> b.port(70000)).hasMessage("port must be 0-65535, was 70000");
    assertThatThrownBy(() -> b.ttft(Duration.ofMillis(-1)))
        .hasMessage("ttft must be >= 0, was -1ms");
    assertThatThrownBy(() -> b.tokensPerSecond(Double.NaN))
        .hasMessageStartingWith("tokensPerSecond must be");
    assertThatThrownBy(() -> b.chunkTokens(0)).hasMessage("chunkTokens must be >= 1, was 0");
    assertThatThrownBy(() -> b.modelNames(List.of())).hasMessage("modelNames must not be empty");
    assertThatThrownBy(() -> b.maxBodyBytes(10)).hasMessage("maxBodyBytes must be >= 1024, was 10");
    assertThatThrownBy(() -> b.requiredApiKey(" ")).hasMessage("requiredApiKey must not be blank");
    assertThatThrownBy(() -> b.instances(0)).hasMessage("instances must be 1-64, was 0");
  }

  @Test
  void toString_masksApiKey() {
    SimulatorConfig c = SimulatorConfig.builder().requiredApiKey("sk-secret-value").build();
    assertThat(c.toString()).doesNotContain("secret").contains("<masked>");
  }

  @Test
  void toBuilder_copiesEverySetting() {
    SimulatorConfig c =
        SimulatorConfig.builder()
            .port(1234)
            .ttft(Duration.ofMillis(5))
            .tokensPerSecond(7)
            .chunkTokens(2)
            .modelNames(List.of("m"))
            .build();
    SimulatorConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
  }
}
