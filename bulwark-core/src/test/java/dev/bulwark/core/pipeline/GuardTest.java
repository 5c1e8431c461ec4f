package dev.bulwark.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import dev.bulwark.core.ScanStatus;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.Verdict;
import dev.bulwark.core.pipeline.TestStages.Blocking;
import dev.bulwark.core.pipeline.TestStages.FixedPrompt;
import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GuardTest {
  private static final Conversation PROMPT = Conversation.ofUser("m", "hello");
  private static final Policy STANDARD = Policy.builder("standard").build();

  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = () -> nanos.addAndGet(1_000);
  private final StageRunner runner = new StageRunner(pool, ticker);

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  private Decision check(List<PromptStage> stages, Policy policy) throws Exception {
    return Guard.forPrompts(stages, runner).check(PROMPT, policy).get(5, TimeUnit.SECONDS);
  }

  @Test
  void check_noStages_allowsWithNoVerdicts() throws Exception {
    assertThat(check(List.of(), STANDARD)).isEqualTo(Decision.EMPTY);
  }

  @Test
  void check_allAllow_runsEveryStageInOrder() throws Exception {
    Decision d = check(List.of(FixedPrompt.answering("a", Action.ALLOW), FixedPrompt.answering("b", Action.FLAG)), STANDARD);

    assertThat(d.action()).isEqualTo(Action.FLAG);
    assertThat(d.verdicts()).extracting(Verdict::stage).containsExactly("a", "b");
    assertThat(d.verdicts()).allSatisfy(v -> assertThat(v.status()).isEqualTo(ScanStatus.SCANNED));
    assertThat(d.verdicts().get(0).latencyNanos()).isPositive();
  }

  @Test
  void check_firstStageBlocks_shortCircuitsTheRest() throws Exception {
    FixedPrompt second = FixedPrompt.answering("b", Action.ALLOW);

    Decision d = check(List.of(FixedPrompt.answering("a", Action.BLOCK), second), STANDARD);

    assertThat(d.action()).isEqualTo(Action.BLOCK);
    assertThat(d.decisive()).map(Verdict::stage).contains("a");
    assertThat(second.seen).isEmpty();
  }

  @Test
  void check_streamingStyleHaltFromPromptStage_becomesBlock() throws Exception {
    Decision d = check(List.of(FixedPrompt.answering("a", Action.HALT)), STANDARD);

    assertThat(d.action()).isEqualTo(Action.BLOCK);
  }

  @Test
  void check_monitorOnlyStageBlocks_flagsAndRecordsProposedBlock() throws Exception {
    Policy monitor =
        Policy.builder("p").stage("a", new StagePolicy(StageMode.MONITOR, FailureMode.CLOSED, Duration.ofSeconds(1))).build();
    FixedPrompt second = FixedPrompt.answering("b", Action.ALLOW);

    Decision d = check(List.of(FixedPrompt.answering("a", Action.BLOCK), second), monitor);

    assertThat(d.action()).isEqualTo(Action.FLAG);
    assertThat(d.verdicts().get(0).proposed()).isEqualTo(Action.BLOCK);
    assertThat(second.seen).hasSize(1);
  }

  @Test
  void check_stageOff_recordsSkippedWithoutRunningIt() throws Exception {
    Policy off = Policy.builder("p").stage("a", new StagePolicy(StageMode.OFF, FailureMode.CLOSED, Duration.ofSeconds(1))).build();
    FixedPrompt a = FixedPrompt.answering("a", Action.BLOCK);

    Decision d = check(List.of(a), off);

    assertThat(d.action()).isEqualTo(Action.ALLOW);
    assertThat(d.verdicts().get(0).status()).isEqualTo(ScanStatus.SKIPPED);
    assertThat(a.seen).isEmpty();
  }

  @Test
  void check_stageUnderAnotherStagesPolicyName_followsThatStagesSettings() throws Exception {
    // A patch beside the classifier runs under the classifier's tier settings, not its own name's.
    PromptStage patch = new PromptStage() {
      @Override
      public String name() {
        return "patch";
      }

      @Override
      public String version() {
        return "v1";
      }

      @Override
      public String policyName() {
        return "a";
      }

      @Override
      public Assessment assess(Conversation prompt) {
        return new Assessment(Action.BLOCK, CategoryScores.of("test", 1.0), "patch-rule");
      }
    };
    Policy monitorA =
        Policy.builder("p").stage("a", new StagePolicy(StageMode.MONITOR, FailureMode.CLOSED, Duration.ofSeconds(1))).build();
    Policy offA = Policy.builder("p").stage("a", new StagePolicy(StageMode.OFF, FailureMode.CLOSED, Duration.ofSeconds(1))).build();

    assertThat(check(List.of(patch), STANDARD).action()).isEqualTo(Action.BLOCK);
    Decision monitored = check(List.of(patch), monitorA);
    assertThat(monitored.action()).isEqualTo(Action.FLAG);
    assertThat(monitored.verdicts()).extracting(Verdict::stage).containsExactly("patch");
    Decision off = check(List.of(patch), offA);
    assertThat(off.action()).isEqualTo(Action.ALLOW);
    assertThat(off.verdicts().get(0).status()).isEqualTo(ScanStatus.SKIPPED);
  }

  @Test
  void check_stageThrowsByDefault_failsClosed() throws Exception {
    FixedPrompt crashing = new FixedPrompt("a", c -> { throw new IllegalStateException("boom"); });

    Decision d = check(List.of(crashing), STANDARD);

    assertThat(d.action()).isEqualTo(Action.BLOCK);
    Verdict v = d.verdicts().get(0);
    assertThat(v.status()).isEqualTo(ScanStatus.FAILED_CLOSED);
    assertThat(v.reason()).isEqualTo("error: IllegalStateException");
  }

  @Test
  void check_stageThrowsUnderFailOpen_allowsAndRecordsFailedOpen() throws Exception {
    Policy open = Policy.builder("p").stage("a", new StagePolicy(StageMode.ENFORCE, FailureMode.OPEN, Duration.ofSeconds(1))).build();
    FixedPrompt crashing = new FixedPrompt("a", c -> { throw new IllegalStateException("boom"); });

    Decision d = check(List.of(crashing, FixedPrompt.answering("b", Action.ALLOW)), open);

    assertThat(d.action()).isEqualTo(Action.ALLOW);
    assertThat(d.verdicts()).extracting(Verdict::status).containsExactly(ScanStatus.FAILED_OPEN, ScanStatus.SCANNED);
  }

  @Test
  void check_offloadedStageTimesOut_failsClosedWithTimeoutReason() throws Exception {
    Policy fast = Policy.builder("p").stage("slow", new StagePolicy(StageMode.ENFORCE, FailureMode.CLOSED, Duration.ofMillis(50))).build();
    Blocking slow = new Blocking();
    try {
      Decision d = check(List.of(slow), fast);

      assertThat(d.action()).isEqualTo(Action.BLOCK);
      assertThat(d.verdicts().get(0).status()).isEqualTo(ScanStatus.FAILED_CLOSED);
      assertThat(d.verdicts().get(0).reason()).isEqualTo("timeout after 50 ms");
    } finally {
      slow.release.countDown();
    }
  }

  @Test
  void check_offloadedStageRunsOnThePool() throws Exception {
    FixedPrompt offloaded =
        new FixedPrompt("a", c -> new Assessment(Thread.currentThread().getName().startsWith("pool") ? Action.FLAG : Action.ALLOW, dev.bulwark.core.CategoryScores.none(), null), Stage.Execution.OFFLOAD);

    assertThat(check(List.of(offloaded), STANDARD).action()).isEqualTo(Action.FLAG);
  }

  @Test
  void forCompletions_blockingStage_halts() throws Exception {
    CompletionStage stage =
        new CompletionStage() {
          @Override
          public String name() {
            return "c";
          }

          @Override
          public String version() {
            return "v1";
          }

          @Override
          public Assessment assess(Conversation prompt, Completion completion) {
            return completion.parts().get(0).text().contains("bad") ? Assessment.block(dev.bulwark.core.CategoryScores.none(), "bad") : Assessment.ALLOW;
          }
        };
    Completion completion = new Completion(List.of(new Completion.Part(new Channel(0, 0, ContentKind.TEXT), "a bad answer")));

    Decision d = Guard.forCompletions(List.of(stage), runner).check(new Guard.Exchange(PROMPT, completion), STANDARD).get(5, TimeUnit.SECONDS);

    assertThat(d.action()).isEqualTo(Action.HALT);
  }
}
