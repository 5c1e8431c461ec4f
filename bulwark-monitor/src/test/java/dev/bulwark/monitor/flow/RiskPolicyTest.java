package dev.bulwark.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RiskPolicyTest {
  final RiskPolicy policy = new RiskPolicy(Duration.ofHours(2), Map.of(), List.of());

  @Test
  void decay_halvesEveryHalfLifeAndNeverGrows() {
    assertThat(policy.decay(16, Duration.ofHours(2))).isCloseTo(8, within(1e-9));
    assertThat(policy.decay(16, Duration.ofHours(4))).isCloseTo(4, within(1e-9));
    assertThat(policy.decay(16, Duration.ZERO)).isEqualTo(16);
    assertThat(policy.decay(16, Duration.ofHours(-1))).as("out-of-order times do not inflate").isEqualTo(16);
  }

  @Test
  void constructor_nonPositiveHalfLife_refused() {
    assertThatThrownBy(() -> new RiskPolicy(Duration.ZERO, Map.of(), List.of())).hasMessageContaining("half_life");
  }
}
