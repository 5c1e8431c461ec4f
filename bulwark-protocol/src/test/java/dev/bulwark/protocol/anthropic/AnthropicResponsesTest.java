package dev.bulwark.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamTesting;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicResponsesTest {
  private static final AnthropicCodec CODEC = new AnthropicCodec(StreamTesting.CLOCK);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parseResponse_allBlockTypes_mapToParts() throws Exception {
    ChatResponse r =
        CODEC.parseResponse(
            utf8(
                """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
                 "content":[
                   {"type":"thinking","thinking":"t","signature":"s"},
                   {"type":"redacted_thinking","data":"d"},
                   {"type":"text","text":"Hi","citations":null},
                   {"type":"server_tool_use","id":"srv","name":"web_search","input":{}},
                   {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":[1,2]}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":5,"cache_creation_input_tokens":2,"cache_read_input_tokens":3,"output_tokens":9}}
                """));
    assertThat(r.id()).isEqualTo("msg_1");
    assertThat(r.created()).isEqualTo(StreamTesting.NOW);
    assertThat(r.usage()).isEqualTo(new Usage(10, 9));
    assertThat(r.choices())
        .containsExactly(
            new ChatResponse.Choice(
                0,
                List.of(
                    new ContentPart.Thinking("t", "s"),
                    new ContentPart.RedactedThinking("d"),
                    new ContentPart.Text("Hi"),
                    new ContentPart.ToolUse("toolu_1", "f", "{\"a\":[1,2]}")),
                StopReason.TOOL_USE,
                null,
                null));
  }

  @Test
  void parseResponse_stopSequence_kept() throws Exception {
    ChatResponse r =
        CODEC.parseResponse(
            utf8("{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"m\",\"content\":[],"
                + "\"stop_reason\":\"stop_sequence\",\"stop_sequence\":\"END\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}"));
    assertThat(r.choices().get(0).stopReason()).isEqualTo(StopReason.STOP_SEQUENCE);
    assertThat(r.choices().get(0).stopSequence()).isEqualTo("END");
  }

  @Test
  void parseResponse_errorOrNotMessage_badGateway() {
    for (String body :
        List.of("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"x\"}}", "{}", "nope")) {
      assertThatThrownBy(() -> CODEC.parseResponse(utf8(body)))
          .isInstanceOfSatisfying(
              ProtocolException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_GATEWAY));
    }
  }

  @Test
  void encodeResponse_choiceZeroWithPrefixedId() throws Exception {
    ChatResponse r =
        new ChatResponse(
            "chatcmpl-1",
            "m",
            1,
            List.of(
                new ChatResponse.Choice(
                    0,
                    List.of(new ContentPart.Text("Hi"), new ContentPart.ToolUse("c", "f", "not json")),
                    StopReason.MAX_TOKENS,
                    null,
                    null),
                new ChatResponse.Choice(1, List.of(new ContentPart.Text("other")), StopReason.END_TURN, null, null)),
            new Usage(1, 2));
    assertThat(new String(CODEC.encodeResponse(r), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"id\":\"msg_chatcmpl-1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"},{\"type\":\"tool_use\",\"id\":\"c\",\"name\":\"f\","
                + "\"input\":{\"_raw\":\"not json\"}}],\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":1,\"output_tokens\":2}}");
  }

  @Test
  void encodeResponse_openAiRefusal_becomesTextWithRefusalStop() throws Exception {
    ChatResponse r =
        new ChatResponse(
            "msg_1", "m", 1,
            List.of(new ChatResponse.Choice(0, List.of(), StopReason.REFUSAL, null, "I can't.")),
            Usage.ZERO);
    JsonNode json = JSON.readTree(CODEC.encodeResponse(r));
    assertThat(json.get("id").asText()).isEqualTo("msg_1");
    assertThat(json.get("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"I can't.\"}]");
    assertThat(json.get("stop_reason").asText()).isEqualTo("refusal");
  }

  @Test
  void errorBody_hasAnthropicShapeWithParamInMessage() {
    assertThat(new String(CODEC.errorBody(ErrorKind.OVERLOADED, "Overloaded", null), StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    assertThat(new String(CODEC.errorBody(ErrorKind.INVALID_REQUEST, "must be set", "model"), StandardCharsets.UTF_8))
        .contains("\"message\":\"model: must be set\"");
    assertThat(new String(CODEC.errorBody(ErrorKind.INVALID_REQUEST, "model is required", "model"), StandardCharsets.UTF_8))
        .contains("\"message\":\"model is required\"");
  }

  @Test
  void parseErrorMessage_anthropicShape_messageElseNull() {
    assertThat(CODEC.parseErrorMessage(utf8("{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"Overloaded\"}}")))
        .isEqualTo("Overloaded");
    assertThat(CODEC.parseErrorMessage(utf8("upstream connect error"))).isNull();
    assertThat(CODEC.parseErrorMessage(utf8("{\"type\":\"error\"}"))).isNull();
  }

  @Test
  void encoder_holdsStopAndUsageUntilMessageStop() {
    String sse =
        StreamTesting.encode(
            CODEC,
            minimalRequest(),
            List.of(
                new StreamEvent.MessageStart("abc", "m", 1, new Usage(5, 1)),
                new StreamEvent.BlockStart(0, 0, BlockType.TEXT, null, null, null),
                new StreamEvent.BlockStart(1, 0, BlockType.TEXT, null, null, null),
                new StreamEvent.BlockDelta(0, 0, BlockType.TEXT, "Hi"),
                new StreamEvent.BlockStop(0, 0),
                new StreamEvent.ChoiceStop(0, StopReason.STOP_SEQUENCE, "END"),
                new StreamEvent.ChoiceStop(1, StopReason.END_TURN, null),
                new StreamEvent.UsageUpdate(new Usage(5, 7)),
                new StreamEvent.MessageStop()));
    assertThat(sse)
        .isEqualTo(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_abc\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":[],\"model\":\"m\",\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
                + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"stop_sequence\","
                + "\"stop_sequence\":\"END\"},\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
  }

  @Test
  void encoder_streamErrorAndPing_framesThenNothing() {
    String sse =
        StreamTesting.encode(
            CODEC,
            minimalRequest(),
            List.of(
                new StreamEvent.MessageStart("abc", "m", 1, Usage.ZERO),
                new StreamEvent.Ping(),
                new StreamEvent.StreamError("overloaded_error", "Overloaded"),
                new StreamEvent.MessageStop()));
    assertThat(sse)
        .endsWith(
            "event: ping\ndata: {\"type\":\"ping\"}\n\n"
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}\n\n");
  }

  private static dev.bulwark.protocol.model.ChatRequest minimalRequest() {
    try {
      return StreamTesting.request(CODEC, 1, true);
    } catch (ProtocolException e) {
      throw new AssertionError(e);
    }
  }
}
