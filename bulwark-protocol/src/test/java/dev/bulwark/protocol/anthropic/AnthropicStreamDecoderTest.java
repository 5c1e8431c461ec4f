package dev.bulwark.protocol.anthropic;

import static dev.bulwark.protocol.StreamTesting.NOW;
import static dev.bulwark.protocol.StreamTesting.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.StreamTesting;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StopReason;
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
import dev.bulwark.protocol.sse.SseEvent;
import org.junit.jupiter.api.Test;

class AnthropicStreamDecoderTest {
  private static final AnthropicCodec CODEC = new AnthropicCodec(StreamTesting.CLOCK);

  private static final String MESSAGE_START =
      "event: message_start\n"
          + "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFD\",\"type\":\"message\","
          + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
          + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,"
          + "\"cache_read_input_tokens\":10,\"output_tokens\":1}}}\n\n";

  private static String event(String name, String data) {
    return "event: " + name + "\ndata: " + data + "\n\n";
  }

  private static final String THINKING_TEXT_TOOL =
      MESSAGE_START
          + event("content_block_start",
              "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}")
          + event("ping", "{\"type\": \"ping\"}")
          + event("content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me check \"}}")
          + event("content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"the weather.\"}}")
          + event("content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3h\"}}")
          + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
          + event("content_block_start",
              "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
          + event("content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking Paris \u2014 one moment.\"}}")
          + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
          + event("content_block_start",
              "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01T1x\",\"name\":\"get_weather\",\"input\":{}}}")
          + event("content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}")
          + event("content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Par\"}}")
          + event("content_block_delta",
              "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"is\\\"}\"}}")
          + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
          + event("message_delta",
              "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}")
          + event("message_stop", "{\"type\":\"message_stop\"}");

  @Test
  void decode_thinkingSignatureTextToolUse_oneToOne() throws Exception {
    assertThat(decode(CODEC, THINKING_TEXT_TOOL))
        .containsExactly(
            new MessageStart("msg_01XFD", "claude-sonnet-4-5", NOW, new Usage(35, 1)),
            new BlockStart(0, 0, BlockType.THINKING, null, null, null),
            new Ping(),
            new BlockDelta(0, 0, BlockType.THINKING, "Let me check "),
            new BlockDelta(0, 0, BlockType.THINKING, "the weather."),
            new SignatureDelta(0, 0, "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"),
            new BlockStop(0, 0),
            new BlockStart(0, 1, BlockType.TEXT, null, null, null),
            new BlockDelta(0, 1, BlockType.TEXT, "Checking Paris \u2014 one moment."),
            new BlockStop(0, 1),
            new BlockStart(0, 2, BlockType.TOOL_USE, "toolu_01T1x", "get_weather", null),
            new BlockDelta(0, 2, BlockType.TOOL_USE, "{\"city\": \"Par"),
            new BlockDelta(0, 2, BlockType.TOOL_USE, "is\"}"),
            new BlockStop(0, 2),
            new ChoiceStop(0, StopReason.TOOL_USE, null),
            new UsageUpdate(new Usage(35, 89)),
            new MessageStop());
  }

  @Test
  void decode_redactedThinkingAndUnknownBlock_redactedKeptUnknownSkippedAndRenumbered()
      throws Exception {
    String sse =
        MESSAGE_START
            + event("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgB\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
            + event("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}}")
            + event("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
            + event("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
            + event("content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}")
            + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
            + event("message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\"},"
                    + "\"usage\":{\"input_tokens\":30,\"output_tokens\":3}}")
            + event("message_stop", "{\"type\":\"message_stop\"}");
    assertThat(decode(CODEC, sse))
        .containsExactly(
            new MessageStart("msg_01XFD", "claude-sonnet-4-5", NOW, new Usage(35, 1)),
            new BlockStart(0, 0, BlockType.REDACTED_THINKING, null, null, "EmwKAhgB"),
            new BlockStop(0, 0),
            new BlockStart(0, 1, BlockType.TEXT, null, null, null),
            new BlockDelta(0, 1, BlockType.TEXT, "Hi"),
            new BlockStop(0, 1),
            new ChoiceStop(0, StopReason.STOP_SEQUENCE, "END"),
            new UsageUpdate(new Usage(30, 3)),
            new MessageStop());
  }

  @Test
  void decode_refusalAndPauseTurn_mapOneToOne() throws Exception {
    for (String[] c : new String[][] {{"refusal", "REFUSAL"}, {"pause_turn", "PAUSE_TURN"},
        {"max_tokens", "MAX_TOKENS"}, {"end_turn", "END_TURN"}}) {
      String sse =
          MESSAGE_START
              + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + c[0]
                  + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":0}}")
              + event("message_stop", "{\"type\":\"message_stop\"}");
      assertThat(decode(CODEC, sse)).contains(new ChoiceStop(0, StopReason.valueOf(c[1]), null));
    }
  }

  @Test
  void decode_errorEvent_streamErrorAndNothingAfter() throws Exception {
    String sse =
        MESSAGE_START
            + event("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")
            + event("message_stop", "{\"type\":\"message_stop\"}");
    assertThat(decode(CODEC, sse))
        .containsExactly(
            new MessageStart("msg_01XFD", "claude-sonnet-4-5", NOW, new Usage(35, 1)),
            new StreamError("overloaded_error", "Overloaded"));
  }

  @Test
  void end_withoutMessageStop_streamError() throws Exception {
    assertThat(decode(CODEC, MESSAGE_START))
        .endsWith(new StreamError("api_error", "upstream stream ended early"));
  }

  @Test
  void decode_complete_onlyAfterMessageStop() throws Exception {
    StreamDecoder d = CODEC.newDecoder();
    d.decode(new SseEvent("message_start", MESSAGE_START.substring(MESSAGE_START.indexOf('{'), MESSAGE_START.length() - 2)), e -> {});
    assertThat(d.complete()).isFalse();
    d.decode(new SseEvent("message_stop", "{\"type\":\"message_stop\"}"), e -> {});
    assertThat(d.complete()).isTrue();
  }

  @Test
  void decode_malformedJson_badGateway() {
    StreamDecoder d = CODEC.newDecoder();
    assertThatThrownBy(() -> d.decode(new SseEvent("message_start", "{nope"), e -> {}))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_GATEWAY));
  }

  @Test
  void decode_blockBeforeMessageStart_badGateway() {
    StreamDecoder d = CODEC.newDecoder();
    assertThatThrownBy(
            () -> d.decode(new SseEvent("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"), e -> {}))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void decode_unknownEventType_ignored() throws Exception {
    String sse = MESSAGE_START + event("future_event", "{\"type\":\"future_event\"}")
        + event("message_stop", "{\"type\":\"message_stop\"}");
    assertThat(decode(CODEC, sse)).hasSize(2);
  }
}
