package dev.bulwark.protocol;

import static dev.bulwark.protocol.StreamTesting.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.protocol.anthropic.AnthropicCodec;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.StreamEvent.BlockDelta;
import dev.bulwark.protocol.model.StreamEvent.BlockStart;
import dev.bulwark.protocol.model.StreamEvent.BlockStop;
import dev.bulwark.protocol.model.StreamEvent.ChoiceStop;
import dev.bulwark.protocol.model.StreamEvent.MessageStart;
import dev.bulwark.protocol.model.StreamEvent.MessageStop;
import dev.bulwark.protocol.model.StreamEvent.Ping;
import dev.bulwark.protocol.model.StreamEvent.SignatureDelta;
import dev.bulwark.protocol.model.StreamEvent.StreamError;
import dev.bulwark.protocol.model.StreamEvent.UsageUpdate;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.openai.OpenAiCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Canonical events encoded with one protocol's encoder and decoded by the same protocol's decoder
 * come back the same, and across protocols come back with the documented differences.
 */
class StreamRoundTripTest {
  private static final ProtocolCodec OPENAI = new OpenAiCodec(StreamTesting.CLOCK);
  private static final ProtocolCodec ANTHROPIC = new AnthropicCodec(StreamTesting.CLOCK);

  /**
   * Two choices, reasoning, text and two tool calls. OpenAI has no block stop, so its decoder stops
   * a block when the choice's next block or finish arrives; the stops here sit just there, and usage
   * (which OpenAI sends last) just before the end.
   */
  private static final List<StreamEvent> OPENAI_SHAPED =
      List.of(
          new MessageStart("chatcmpl-abc", "gpt-x", NOW, Usage.ZERO),
          new BlockStart(0, 0, BlockType.THINKING, null, null, null),
          new BlockDelta(0, 0, BlockType.THINKING, "Plan: "),
          new BlockDelta(0, 0, BlockType.THINKING, "call tools."),
          new BlockStart(1, 0, BlockType.TEXT, null, null, null),
          new BlockDelta(1, 0, BlockType.TEXT, "Other \"choice\"\n"),
          new BlockStop(0, 0),
          new BlockStart(0, 1, BlockType.TEXT, null, null, null),
          new BlockDelta(0, 1, BlockType.TEXT, "Hello "),
          new BlockDelta(0, 1, BlockType.TEXT, "wörld 🎉"),
          new BlockStop(0, 1),
          new BlockStart(0, 2, BlockType.TOOL_USE, "call_1", "weather", null),
          new BlockDelta(0, 2, BlockType.TOOL_USE, "{\"city\":"),
          new BlockDelta(0, 2, BlockType.TOOL_USE, "\"Paris\"}"),
          new BlockStop(0, 2),
          new BlockStart(0, 3, BlockType.TOOL_USE, "call_2", "time", null),
          new BlockDelta(0, 3, BlockType.TOOL_USE, "{}"),
          new BlockStop(0, 3),
          new ChoiceStop(0, StopReason.TOOL_USE, null),
          new BlockStop(1, 0),
          new ChoiceStop(1, StopReason.MAX_TOKENS, null),
          new UsageUpdate(new Usage(12, 34)),
          new MessageStop());

  private static final List<StreamEvent> ANTHROPIC_SHAPED =
      List.of(
          new MessageStart("msg_abc", "claude-x", NOW, new Usage(35, 1)),
          new BlockStart(0, 0, BlockType.THINKING, null, null, null),
          new Ping(),
          new BlockDelta(0, 0, BlockType.THINKING, "Let me think."),
          new SignatureDelta(0, 0, "c2lnbmF0dXJl"),
          new BlockStop(0, 0),
          new BlockStart(0, 1, BlockType.REDACTED_THINKING, null, null, "ZW5jcnlwdGVk"),
          new BlockStop(0, 1),
          new BlockStart(0, 2, BlockType.TEXT, null, null, null),
          new BlockDelta(0, 2, BlockType.TEXT, "Checking \"Paris\"\n"),
          new BlockStop(0, 2),
          new BlockStart(0, 3, BlockType.TOOL_USE, "toolu_1", "weather", null),
          new BlockDelta(0, 3, BlockType.TOOL_USE, "{\"city\": \"Par"),
          new BlockDelta(0, 3, BlockType.TOOL_USE, "is\"}"),
          new BlockStop(0, 3),
          new ChoiceStop(0, StopReason.TOOL_USE, null),
          new UsageUpdate(new Usage(35, 50)),
          new MessageStop());

  @Test
  void openAi_encodeThenDecode_sameEvents() throws Exception {
    String sse = StreamTesting.encode(OPENAI, StreamTesting.request(OPENAI, 2, true), OPENAI_SHAPED);
    assertThat(StreamTesting.decode(OPENAI, sse)).isEqualTo(OPENAI_SHAPED);
  }

  @Test
  void anthropic_encodeThenDecode_sameEvents() throws Exception {
    String sse =
        StreamTesting.encode(ANTHROPIC, StreamTesting.request(ANTHROPIC, 1, true), ANTHROPIC_SHAPED);
    assertThat(StreamTesting.decode(ANTHROPIC, sse)).isEqualTo(ANTHROPIC_SHAPED);
  }

  @Test
  void anthropicEventsThroughOpenAi_loseOnlyWhatOpenAiCannotCarry() throws Exception {
    String sse =
        StreamTesting.encode(OPENAI, StreamTesting.request(OPENAI, 1, true), ANTHROPIC_SHAPED);
    // No usage before the end, no ping, no signature, no redacted thinking; the rest renumbered.
    assertThat(StreamTesting.decode(OPENAI, sse))
        .containsExactly(
            new MessageStart("chatcmpl-msg_abc", "claude-x", NOW, Usage.ZERO),
            new BlockStart(0, 0, BlockType.THINKING, null, null, null),
            new BlockDelta(0, 0, BlockType.THINKING, "Let me think."),
            new BlockStop(0, 0),
            new BlockStart(0, 1, BlockType.TEXT, null, null, null),
            new BlockDelta(0, 1, BlockType.TEXT, "Checking \"Paris\"\n"),
            new BlockStop(0, 1),
            new BlockStart(0, 2, BlockType.TOOL_USE, "toolu_1", "weather", null),
            new BlockDelta(0, 2, BlockType.TOOL_USE, "{\"city\": \"Par"),
            new BlockDelta(0, 2, BlockType.TOOL_USE, "is\"}"),
            new BlockStop(0, 2),
            new ChoiceStop(0, StopReason.TOOL_USE, null),
            new UsageUpdate(new Usage(35, 50)),
            new MessageStop());
  }

  @Test
  void openAiEventsThroughAnthropic_keepChoiceZeroOnly() throws Exception {
    String sse =
        StreamTesting.encode(ANTHROPIC, StreamTesting.request(ANTHROPIC, 1, true), OPENAI_SHAPED);
    List<StreamEvent> expected = new ArrayList<>();
    for (StreamEvent e : OPENAI_SHAPED) {
      boolean otherChoice =
          (e instanceof BlockStart b && b.choice() != 0)
              || (e instanceof BlockDelta d && d.choice() != 0)
              || (e instanceof BlockStop s && s.choice() != 0)
              || (e instanceof ChoiceStop c && c.choice() != 0);
      if (!otherChoice) {
        expected.add(e instanceof MessageStart
            ? new MessageStart("msg_chatcmpl-abc", "gpt-x", NOW, Usage.ZERO)
            : e);
      }
    }
    assertThat(StreamTesting.decode(ANTHROPIC, sse)).isEqualTo(expected);
  }

  @Test
  void upstreamOpenAiStreamToAnthropicClient_translatesWholeStream() throws Exception {
    String upstream =
        StreamTesting.encode(OPENAI, StreamTesting.request(OPENAI, 1, true), OPENAI_SHAPED);
    List<StreamEvent> canonical = StreamTesting.decode(OPENAI, upstream);
    String toClient =
        StreamTesting.encode(ANTHROPIC, StreamTesting.request(ANTHROPIC, 1, true), canonical);
    assertThat(toClient).contains("\"stop_reason\":\"tool_use\"").contains("\"output_tokens\":34");
    assertThat(StreamTesting.decode(ANTHROPIC, toClient)).endsWith(new MessageStop());
  }

  @Test
  void streamError_roundTripsThroughBothProtocols() throws Exception {
    List<StreamEvent> events =
        List.of(
            new MessageStart("x", "m", NOW, Usage.ZERO),
            new StreamError("overloaded_error", "Overloaded"),
            new MessageStop());
    assertThat(StreamTesting.decode(ANTHROPIC,
            StreamTesting.encode(ANTHROPIC, StreamTesting.request(ANTHROPIC, 1, true), events)))
        .containsExactly(new MessageStart("msg_x", "m", NOW, Usage.ZERO), new StreamError("overloaded_error", "Overloaded"));
    assertThat(StreamTesting.decode(OPENAI,
            StreamTesting.encode(OPENAI, StreamTesting.request(OPENAI, 1, true), events)))
        .containsExactly(
            new MessageStart("chatcmpl-x", "m", NOW, Usage.ZERO),
            // OpenAI's error types are coarser: overloaded is a server_error, read back as api_error.
            new StreamError("api_error", "Overloaded"));
  }
}
