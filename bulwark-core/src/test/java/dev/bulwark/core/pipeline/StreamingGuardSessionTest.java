package dev.bulwark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.core.Action;
import dev.bulwark.core.ScanStatus;
import dev.bulwark.core.Verdict;
import dev.bulwark.core.pipeline.TestStages.Broken;
import dev.bulwark.core.pipeline.TestStages.Trigger;
import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingGuardSessionTest {
  private static final Conversation PROMPT = Conversation.ofUser("m", "hello");
  private static final Channel TEXT = new Channel(0, 0, ContentKind.TEXT);
  private static final Policy STANDARD = Policy.builder("standard").build();

  private static StreamingGuardSession open(Policy policy, StreamingStage... stages) {
    return new StreamingGuard(List.of(stages), System::nanoTime).open(PROMPT, policy);
  }

  @Test
  void releasable_partialTrigger_holdsBackExactlyThePartialMatch() {
    StreamingGuardSession s = open(STANDARD, new Trigger("t", "secret", Action.HALT));

    assertThat(s.append(TEXT, "the sec")).isEqualTo(Action.ALLOW);
    assertThat(s.releasable(TEXT)).isEqualTo("the ".length());
    assertThat(s.append(TEXT, "ond")).isEqualTo(Action.ALLOW);
    assertThat(s.releasable(TEXT)).isEqualTo("the second".length());
  }

  @Test
  void releasable_twoStages_usesTheLargestHoldback() {
    StreamingGuardSession s = open(STANDARD, new Trigger("a", "xy", Action.HALT), new Trigger("b", "abcd", Action.HALT));

    s.append(TEXT, "..abc");

    assertThat(s.releasable(TEXT)).isEqualTo(2);
  }

  @Test
  void append_triggerCompleted_haltsAndForbidsFurtherRelease() {
    StreamingGuardSession s = open(STANDARD, new Trigger("t", "secret", Action.HALT));
    s.append(TEXT, "sec");

    assertThat(s.append(TEXT, "ret")).isEqualTo(Action.HALT);
    assertThat(s.halted()).isTrue();
    assertThat(s.haltedBy()).map(Verdict::stage).contains("t");
    assertThatThrownBy(() -> s.releasable(TEXT)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.append(TEXT, "more")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void append_blockFromStreamingStage_isTreatedAsHalt() {
    StreamingGuardSession s = open(STANDARD, new Trigger("t", "x", Action.BLOCK));

    assertThat(s.append(TEXT, "x")).isEqualTo(Action.HALT);
    assertThat(s.finish().verdicts().get(0).action()).isEqualTo(Action.HALT);
  }

  @Test
  void append_monitorOnlyStage_flagsAndKeepsStreaming() {
    Policy monitor = Policy.builder("p").stage("t", new StagePolicy(StageMode.MONITOR, FailureMode.CLOSED, Duration.ofSeconds(1))).build();
    StreamingGuardSession s = open(monitor, new Trigger("t", "secret", Action.HALT));

    assertThat(s.append(TEXT, "secret")).isEqualTo(Action.FLAG);
    assertThat(s.append(TEXT, " more")).isEqualTo(Action.FLAG);
    Verdict v = s.finish().verdicts().get(0);
    assertThat(v.action()).isEqualTo(Action.FLAG);
    assertThat(v.proposed()).isEqualTo(Action.HALT);
  }

  @Test
  void endChannel_afterPartialTrigger_releasesEverything() {
    StreamingGuardSession s = open(STANDARD, new Trigger("t", "secret", Action.HALT));
    s.append(TEXT, "a sec");

    assertThat(s.endChannel(TEXT)).isEqualTo(Action.ALLOW);
    assertThat(s.releasable(TEXT)).isEqualTo(5);
    assertThatThrownBy(() -> s.append(TEXT, "x")).hasMessageContaining("has ended");
  }

  @Test
  void append_brokenStageByDefault_haltsFailedClosed() {
    StreamingGuardSession s = open(STANDARD, new Broken());

    assertThat(s.append(TEXT, "hello")).isEqualTo(Action.HALT);
    Verdict v = s.finish().verdicts().get(0);
    assertThat(v.status()).isEqualTo(ScanStatus.FAILED_CLOSED);
    assertThat(v.reason()).isEqualTo("error: IllegalStateException");
  }

  @Test
  void append_brokenStageFailOpen_continuesAndRecordsFailedOpen() {
    Policy open = Policy.builder("p").stage("broken", new StagePolicy(StageMode.ENFORCE, FailureMode.OPEN, Duration.ofSeconds(1))).build();
    StreamingGuardSession s = open(open, new Broken(), new Trigger("t", "secret", Action.HALT));

    assertThat(s.append(TEXT, "hello")).isEqualTo(Action.ALLOW);
    assertThat(s.releasable(TEXT)).isEqualTo(5);
    assertThat(s.append(TEXT, " secret")).isEqualTo(Action.HALT);
    assertThat(s.finish().verdicts()).extracting(Verdict::status).containsExactly(ScanStatus.FAILED_OPEN, ScanStatus.SCANNED);
  }

  @Test
  void open_stageOff_recordsSkipped() {
    Policy off = Policy.builder("p").stage("t", new StagePolicy(StageMode.OFF, FailureMode.CLOSED, Duration.ofSeconds(1))).build();
    StreamingGuardSession s = open(off, new Trigger("t", "secret", Action.HALT));

    assertThat(s.append(TEXT, "secret")).isEqualTo(Action.ALLOW);
    assertThat(s.finish().verdicts().get(0).status()).isEqualTo(ScanStatus.SKIPPED);
  }

  @Test
  void releasable_unknownChannel_isZero() {
    assertThat(open(STANDARD).releasable(TEXT)).isZero();
  }

  @Test
  void recheck_backgroundResultClears_releasesTheHeldText() {
    DeferredStreamingStage stage = new DeferredStreamingStage();
    StreamingGuardSession s = open(STANDARD, stage);
    int[] wakeUps = {0};
    s.wakeUpWith(() -> wakeUps[0]++);
    s.append(TEXT, "hello there");
    assertThat(s.releasable(TEXT)).isZero();

    stage.settle(Action.ALLOW);

    assertThat(wakeUps[0]).isEqualTo(1);
    assertThat(s.recheck()).isEqualTo(Action.ALLOW);
    assertThat(s.releasable(TEXT)).isEqualTo("hello there".length());
  }

  @Test
  void recheck_backgroundResultHalts_haltsWithNothingReleased() {
    DeferredStreamingStage stage = new DeferredStreamingStage();
    StreamingGuardSession s = open(STANDARD, stage);
    s.wakeUpWith(() -> {});
    s.append(TEXT, "hello there");

    stage.settle(Action.HALT);

    assertThat(s.recheck()).isEqualTo(Action.HALT);
    assertThat(s.halted()).isTrue();
    assertThat(s.haltedBy().orElseThrow().stage()).isEqualTo("deferred");
    assertThatThrownBy(() -> s.releasable(TEXT)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void recheck_nothingHeldBack_asksNoStage() {
    DeferredStreamingStage stage = new DeferredStreamingStage();
    StreamingGuardSession s = open(STANDARD, stage, new Trigger("t", "secret", Action.HALT));
    stage.settle(Action.ALLOW);
    s.append(TEXT, "plain text");
    int before = stage.appends.get();

    assertThat(s.recheck()).isEqualTo(Action.ALLOW);

    assertThat(stage.appends.get()).isEqualTo(before);
    assertThat(s.releasable(TEXT)).isEqualTo("plain text".length());
  }

  @Test
  void recheck_heldByAnotherStageOnly_keepsThatStagesHoldback() {
    DeferredStreamingStage stage = new DeferredStreamingStage();
    StreamingGuardSession s = open(STANDARD, stage, new Trigger("t", "secret", Action.HALT));
    s.append(TEXT, "the sec");
    stage.settle(Action.ALLOW);

    assertThat(s.recheck()).isEqualTo(Action.ALLOW);

    // The deferred stage cleared everything; the trigger still holds back its partial match.
    assertThat(s.releasable(TEXT)).isEqualTo("the ".length());
  }

  @Test
  void endChannel_backgroundStageStillOut_holdsUntilRecheckEndsItAgain() {
    DeferredStreamingStage stage = new DeferredStreamingStage();
    StreamingGuardSession s = open(STANDARD, stage);
    s.wakeUpWith(() -> {});
    s.append(TEXT, "hello there");

    assertThat(s.endChannel(TEXT)).isEqualTo(Action.ALLOW);
    assertThat(s.releasable(TEXT)).isZero();
    assertThat(s.settled()).isFalse();

    stage.settle(Action.ALLOW);
    assertThat(s.recheck()).isEqualTo(Action.ALLOW);

    assertThat(stage.endChannels).hasValue(2); // asked to end again, not fed an empty chunk
    assertThat(s.releasable(TEXT)).isEqualTo("hello there".length());
    assertThat(s.settled()).isTrue();
  }

  @Test
  void endChannel_backgroundResultHaltsAfterTheEnd_haltsOnRecheck() {
    DeferredStreamingStage stage = new DeferredStreamingStage();
    StreamingGuardSession s = open(STANDARD, stage);
    s.append(TEXT, "hello there");
    s.endChannel(TEXT);

    stage.settle(Action.HALT);

    assertThat(s.recheck()).isEqualTo(Action.HALT);
    assertThat(s.halted()).isTrue();
  }

  @Test
  void settled_synchronousStagesAfterEnd_isTrue() {
    StreamingGuardSession s = open(STANDARD, new Trigger("t", "secret", Action.HALT));
    s.append(TEXT, "the sec");
    assertThat(s.settled()).isFalse();

    s.endChannel(TEXT);

    assertThat(s.settled()).isTrue();
  }
}
