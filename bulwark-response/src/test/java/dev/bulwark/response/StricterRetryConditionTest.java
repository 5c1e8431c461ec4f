package dev.bulwark.response;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.response.gate.GateResult;
import dev.bulwark.response.gate.ValidationGate;
import dev.bulwark.response.registry.ReleasePipelines;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When a refused classifier patch earns its one stricter retry: only when the detector's own benign
 * false positives are what broke the 0.1-point limit. A stricter detector cannot undo a false positive
 * that the exemplars or the signature stop, nor a missed variant.
 */
class StricterRetryConditionTest {
  private static final int BENIGN = 1000;
  private static final String DETECTOR = ReleasePipelines.CLASSIFIER_STAGE;
  private static final String EXEMPLARS = ReleasePipelines.EXEMPLAR_STAGE;

  private static GateResult refusedForBenign(Map<String, Integer> newlyBlockedBy) {
    int rise = newlyBlockedBy.values().stream().mapToInt(Integer::intValue).sum();
    return result(new GateResult.Check("family_blocked", true, 1.0, 0.95, "all"), benign(rise, newlyBlockedBy));
  }

  private static GateResult.Check benign(int rise, Map<String, Integer> newlyBlockedBy) {
    double value = (double) rise / BENIGN;
    return new GateResult.Check(ValidationGate.BENIGN_FPR_RISE, value <= 0.001, value, 0.001, "rise", newlyBlockedBy);
  }

  private static GateResult result(GateResult.Check... checks) {
    boolean passed = List.of(checks).stream().allMatch(GateResult.Check::passed);
    return new GateResult("", "rel-1", "fam-1", "base", Instant.EPOCH, passed, List.of(checks));
  }

  @Test
  void detectorAloneRefused_detectorsFalsePositivesOnly_true() {
    assertThat(RapidResponse.detectorAloneRefused(refusedForBenign(Map.of(DETECTOR, 3)), BENIGN)).isTrue();
  }

  @Test
  void detectorAloneRefused_exemplarsOverTheLimitThemselves_false() {
    assertThat(RapidResponse.detectorAloneRefused(refusedForBenign(Map.of(DETECTOR, 1, EXEMPLARS, 2)), BENIGN)).isFalse();
    assertThat(RapidResponse.detectorAloneRefused(refusedForBenign(Map.of(EXEMPLARS, 3)), BENIGN)).isFalse();
  }

  @Test
  void detectorAloneRefused_exemplarsWithinTheLimit_true() {
    // 1 of 1,000 is 0.1 point: allowed. The detector's two more are what the limit refused.
    assertThat(RapidResponse.detectorAloneRefused(refusedForBenign(Map.of(DETECTOR, 2, EXEMPLARS, 1)), BENIGN)).isTrue();
  }

  @Test
  void detectorAloneRefused_anotherCheckFailedToo_false() {
    GateResult g = result(new GateResult.Check("family_blocked", false, 0.5, 0.95, "half"),
        benign(2, Map.of(DETECTOR, 2)));
    assertThat(RapidResponse.detectorAloneRefused(g, BENIGN)).isFalse();
  }

  @Test
  void detectorAloneRefused_passed_false() {
    assertThat(RapidResponse.detectorAloneRefused(result(benign(1, Map.of(DETECTOR, 1))), BENIGN)).isFalse();
  }

  @Test
  void detectorAloneRefused_noBreakdownStored_false() {
    // A result recorded before the gate named stages: nothing says a stricter detector would help.
    GateResult g = result(new GateResult.Check(ValidationGate.BENIGN_FPR_RISE, false, 0.003, 0.001, "rise"));
    assertThat(RapidResponse.detectorAloneRefused(g, BENIGN)).isFalse();
  }
}
