package dev.bulwark.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Action;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.DeferredStreamingStage;
import dev.bulwark.core.pipeline.StreamingGuard;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A stage that judges in the background holds text back; when its result comes in, the relay is woken
 * and {@link StreamRelay#recheck} releases the text (or halts) without waiting for the next chunk.
 */
class StreamRelayRecheckTest {
  private final DeferredStreamingStage stage = new DeferredStreamingStage();
  private final List<StreamEvent> client = new ArrayList<>();
  private final boolean[] cancelled = new boolean[1];
  private final int[] wakeUps = new int[1];
  private final StreamRelay relay = new StreamRelay(
      new StreamingGuard(List.of(stage), Ticker.system()).open(Conversation.ofUser("m", "q"), Policy.builder("p").build()),
      client::add,
      new StreamRelay.Listener() {
        @Override
        public void firstContentReleased() {}

        @Override
        public void halted() {
          cancelled[0] = true;
        }
      },
      new StreamEvent.MessageStart("msg_1", "m", 0, Usage.ZERO), 1, 1 << 20, false);

  private void streamHello() {
    relay.wakeUpWith(() -> wakeUps[0]++);
    relay.accept(new StreamEvent.MessageStart("up", "m", 0, Usage.ZERO));
    relay.accept(new StreamEvent.BlockStart(0, 0, BlockType.TEXT, null, null, null));
    relay.accept(new StreamEvent.BlockDelta(0, 0, BlockType.TEXT, "hello there"));
  }

  private String releasedText() {
    StringBuilder sb = new StringBuilder();
    for (StreamEvent e : client) {
      if (e instanceof StreamEvent.BlockDelta d) {
        sb.append(d.text());
      }
    }
    return sb.toString();
  }

  @Test
  void recheck_backgroundResultClears_releasesHeldTextWithoutAnotherChunk() {
    streamHello();
    assertThat(releasedText()).isEmpty();

    stage.settle(Action.ALLOW);

    assertThat(wakeUps[0]).isEqualTo(1);
    assertThat(relay.recheck()).isEqualTo(StreamRelay.Status.STREAMING);
    assertThat(releasedText()).isEqualTo("hello there");
  }

  @Test
  void recheck_backgroundResultHalts_refusesWithNothingReleased() {
    streamHello();

    stage.settle(Action.HALT);

    assertThat(relay.recheck()).isEqualTo(StreamRelay.Status.HALTED);
    assertThat(cancelled[0]).isTrue();
    assertThat(releasedText()).isEmpty();
    assertThat(client).contains(new StreamEvent.ChoiceStop(0, StopReason.REFUSAL, null));
  }

  @Test
  void recheck_nothingSettled_releasesNothing() {
    streamHello();

    assertThat(relay.recheck()).isEqualTo(StreamRelay.Status.STREAMING);

    assertThat(releasedText()).isEmpty();
  }

  @Test
  void accept_upstreamEndsWhileStageStillJudges_drainsThenDone() {
    streamHello();
    relay.accept(new StreamEvent.BlockStop(0, 0));
    relay.accept(new StreamEvent.ChoiceStop(0, StopReason.END_TURN, null));

    assertThat(relay.accept(new StreamEvent.MessageStop())).isEqualTo(StreamRelay.Status.DRAINING);
    assertThat(releasedText()).isEmpty();
    assertThat(relay.recheck()).isEqualTo(StreamRelay.Status.DRAINING);

    stage.settle(Action.ALLOW);

    assertThat(relay.recheck()).isEqualTo(StreamRelay.Status.UPSTREAM_DONE);
    assertThat(releasedText()).isEqualTo("hello there");
    relay.finishStreaming();
    relay.complete();
    assertThat(client).last().isInstanceOf(StreamEvent.MessageStop.class);
  }

  @Test
  void recheck_drainingStageHalts_refusesWithNothingReleased() {
    streamHello();
    relay.accept(new StreamEvent.BlockStop(0, 0));
    relay.accept(new StreamEvent.MessageStop());

    stage.settle(Action.HALT);

    assertThat(relay.recheck()).isEqualTo(StreamRelay.Status.HALTED);
    assertThat(releasedText()).isEmpty();
    assertThat(client).contains(new StreamEvent.ChoiceStop(0, StopReason.REFUSAL, null));
  }

  @Test
  void accept_upstreamBreaksWhileStageStillJudges_errorFollowsTheReleasedText() {
    streamHello();
    StreamEvent.StreamError error = new StreamEvent.StreamError("api_error", "the model's stream broke off");

    assertThat(relay.accept(error)).isEqualTo(StreamRelay.Status.DRAINING);
    assertThat(client).doesNotContain(error);
    stage.settle(Action.ALLOW);

    assertThat(relay.recheck()).isEqualTo(StreamRelay.Status.FAILED);
    assertThat(releasedText()).isEqualTo("hello there");
    assertThat(client).last().isEqualTo(error);
  }

  @Test
  void recheck_afterUpstreamDone_changesNothing() {
    stage.settle(Action.ALLOW);
    streamHello();
    relay.accept(new StreamEvent.BlockStop(0, 0));
    relay.accept(new StreamEvent.ChoiceStop(0, StopReason.END_TURN, null));
    assertThat(relay.accept(new StreamEvent.MessageStop())).isEqualTo(StreamRelay.Status.UPSTREAM_DONE);
    int events = client.size();

    assertThat(relay.recheck()).isEqualTo(StreamRelay.Status.UPSTREAM_DONE);
    assertThat(client).hasSize(events);
  }
}
