package dev.bulwark.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.core.Action;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.StreamAssessment;
import dev.bulwark.core.pipeline.StreamSession;
import dev.bulwark.core.pipeline.StreamingGuard;
import dev.bulwark.core.pipeline.StreamingStage;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The streaming guarantee over random chunkings of the upstream stream, for every kind of streamed
 * content: a halt releases no character that a stage had not scored, and no character of the text that
 * caused it; an allowed stream arrives with exactly the upstream's content.
 */
class StreamRelayProperties {
  private static final String TRIGGER = "forbidden phrase";
  private static final Policy POLICY = Policy.builder("p").build();

  @Property(tries = 400)
  void anyChunking_releasesOnlyScoredTextAndNothingOfTheTrigger(
      @ForAll("text") String text,
      @ForAll("kinds") BlockType kind,
      @ForAll boolean withTrigger,
      @ForAll @IntRange(min = 0, max = 40) int triggerAt,
      @ForAll @IntRange(min = 1, max = 12) int maxChunk,
      @ForAll long seed) {
    int at = Math.min(triggerAt, text.length());
    String content = withTrigger ? text.substring(0, at) + TRIGGER + text.substring(at) : text;
    Counting counting = new Counting();
    PhraseStage phrases = new PhraseStage("phrases",
        List.of(PhraseRule.phrase("t", "test", Action.BLOCK, TRIGGER, PhraseRule.Scope.BOTH)));
    StreamingGuard guard = new StreamingGuard(List.of(counting, phrases), Ticker.system());
    List<StreamEvent> released = new ArrayList<>();
    boolean[] cancelled = new boolean[1];
    StreamRelay relay = new StreamRelay(
        guard.open(Conversation.ofUser("m", "q"), POLICY),
        e -> {
          if (e instanceof StreamEvent.BlockDelta d) {
            Channel ch = StreamRelay.channel(d.choice(), d.block(), d.type());
            int releasedSoFar = counting.released.merge(ch, d.text().length(), Integer::sum);
            assertThat(releasedSoFar).as("released chars never exceed scored chars")
                .isLessThanOrEqualTo(counting.scored.getOrDefault(ch, 0));
          }
          released.add(e);
        },
        new StreamRelay.Listener() {
          @Override
          public void firstContentReleased() {}

          @Override
          public void halted() {
            cancelled[0] = true;
          }
        },
        new StreamEvent.MessageStart("msg_1", "m", 0, Usage.ZERO), 1, 1 << 20, false);

    List<StreamEvent> upstream = upstreamEvents(content, kind, maxChunk, new Random(seed));
    StreamRelay.Status status = StreamRelay.Status.STREAMING;
    for (StreamEvent e : upstream) {
      status = relay.accept(e);
      if (status != StreamRelay.Status.STREAMING) {
        break;
      }
    }

    String releasedText = releasedText(released);
    if (withTrigger) {
      assertThat(status).isEqualTo(StreamRelay.Status.HALTED);
      assertThat(cancelled[0]).isTrue();
      assertThat(releasedText.length()).as("nothing of the trigger was released").isLessThanOrEqualTo(at);
      assertThat(content).startsWith(releasedText);
      assertThat(released).anySatisfy(e -> assertThat(e).isEqualTo(new StreamEvent.ChoiceStop(0, StopReason.REFUSAL, null)));
      assertThat(released.get(released.size() - 1)).isInstanceOf(StreamEvent.MessageStop.class);
      assertBalancedBlocks(released);
    } else {
      assertThat(status).isEqualTo(StreamRelay.Status.UPSTREAM_DONE);
      assertThat(relay.finishStreaming().stops()).isFalse();
      relay.complete();
      assertThat(releasedText(released)).isEqualTo(content);
      assertThat(released).contains(new StreamEvent.ChoiceStop(0, StopReason.END_TURN, null));
      assertThat(released.get(released.size() - 1)).isInstanceOf(StreamEvent.MessageStop.class);
      assertBalancedBlocks(released);
    }
  }

  @Property(tries = 200)
  void toolNameWithTrigger_haltsBeforeTheBlockStartIsReleased(@ForAll @IntRange(min = 1, max = 5) int maxChunk, @ForAll long seed) {
    StreamingGuard guard = new StreamingGuard(List.of(new PhraseStage("phrases",
        List.of(PhraseRule.phrase("t", "test", Action.BLOCK, TRIGGER, PhraseRule.Scope.BOTH)))), Ticker.system());
    List<StreamEvent> released = new ArrayList<>();
    StreamRelay relay = new StreamRelay(guard.open(Conversation.ofUser("m", "q"), POLICY), released::add,
        new StreamRelay.Listener() {
          @Override
          public void firstContentReleased() {}

          @Override
          public void halted() {}
        },
        new StreamEvent.MessageStart("msg_1", "m", 0, Usage.ZERO), 1, 1 << 20, false);
    relay.accept(new StreamEvent.MessageStart("up", "m", 0, Usage.ZERO));
    StreamRelay.Status s = relay.accept(new StreamEvent.BlockStart(0, 0, BlockType.TOOL_USE, "call_1", "run " + TRIGGER, null));

    assertThat(s).isEqualTo(StreamRelay.Status.HALTED);
    assertThat(released).noneMatch(e -> e instanceof StreamEvent.BlockStart);
  }

  private static void assertBalancedBlocks(List<StreamEvent> events) {
    Map<Integer, Integer> open = new HashMap<>();
    for (StreamEvent e : events) {
      if (e instanceof StreamEvent.BlockStart b) {
        open.merge(b.choice(), 1, Integer::sum);
      } else if (e instanceof StreamEvent.BlockStop b) {
        open.merge(b.choice(), -1, Integer::sum);
      }
    }
    assertThat(open.values()).allMatch(n -> n == 0);
  }

  private static String releasedText(List<StreamEvent> events) {
    StringBuilder sb = new StringBuilder();
    for (StreamEvent e : events) {
      if (e instanceof StreamEvent.BlockDelta d) {
        sb.append(d.text());
      }
    }
    return sb.toString();
  }

  private static List<StreamEvent> upstreamEvents(String content, BlockType kind, int maxChunk, Random random) {
    List<StreamEvent> events = new ArrayList<>();
    events.add(new StreamEvent.MessageStart("up", "m", 0, new Usage(3, 0)));
    events.add(new StreamEvent.BlockStart(0, 0, kind, kind == BlockType.TOOL_USE ? "call_1" : null,
        kind == BlockType.TOOL_USE ? "lookup" : null, null));
    int i = 0;
    while (i < content.length()) {
      int n = 1 + random.nextInt(maxChunk);
      events.add(new StreamEvent.BlockDelta(0, 0, kind, content.substring(i, Math.min(content.length(), i + n))));
      if (random.nextInt(10) == 0) {
        events.add(new StreamEvent.Ping());
      }
      i += n;
    }
    if (kind == BlockType.THINKING) {
      events.add(new StreamEvent.SignatureDelta(0, 0, "sig"));
    }
    events.add(new StreamEvent.BlockStop(0, 0));
    events.add(new StreamEvent.ChoiceStop(0, StopReason.END_TURN, null));
    events.add(new StreamEvent.UsageUpdate(new Usage(3, 9)));
    events.add(new StreamEvent.MessageStop());
    return events;
  }

  @Provide
  Arbitrary<String> text() {
    // Built from the trigger's own letters, so partial matches are frequent.
    return Arbitraries.strings().withChars("forbiden phas .\n").ofMaxLength(60)
        .filter(s -> !s.toLowerCase().replaceAll("\\s+", " ").contains(TRIGGER));
  }

  @Provide
  Arbitrary<BlockType> kinds() {
    return Arbitraries.of(BlockType.TEXT, BlockType.THINKING, BlockType.TOOL_USE);
  }

  /** A stage that counts what it scored per channel and never objects. */
  private static final class Counting implements StreamingStage {
    final Map<Channel, Integer> scored = new HashMap<>();
    final Map<Channel, Integer> released = new HashMap<>();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public String version() {
      return "v1";
    }

    @Override
    public StreamSession open(Conversation prompt) {
      return new StreamSession() {
        @Override
        public StreamAssessment append(Channel channel, CharSequence delta) {
          scored.merge(channel, delta.length(), Integer::sum);
          return StreamAssessment.CLEAR;
        }

        @Override
        public StreamAssessment endChannel(Channel channel) {
          return StreamAssessment.CLEAR;
        }

        @Override
        public Assessment finish() {
          return Assessment.ALLOW;
        }
      };
    }
  }
}
