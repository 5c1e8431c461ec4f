package dev.bulwark.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamTesting;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiResponsesTest {
  private static final OpenAiCodec CODEC = new OpenAiCodec(StreamTesting.CLOCK);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parseResponse_severalChoices_mapsContentRefusalReasoningToolCallsAndUsage()
      throws Exception {
    ChatResponse r =
        CODEC.parseResponse(
            utf8(
                """
                {"id":"chatcmpl-1","object":"chat.completion","created":1712,"model":"gpt-x",
                 "choices":[
                  {"index":0,"message":{"role":"assistant","content":"Hi","refusal":null,
                    "reasoning_content":"think"},"logprobs":null,"finish_reason":"stop"},
                  {"index":1,"message":{"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},
                   "finish_reason":"tool_calls"},
                  {"index":2,"message":{"role":"assistant","content":null,"refusal":"No."},
                   "finish_reason":"content_filter"},
                  {"index":3,"message":{"role":"assistant","content":"Long"},"finish_reason":"length"}],
                 "usage":{"prompt_tokens":11,"completion_tokens":22,"total_tokens":33}}
                """));
    assertThat(r.id()).isEqualTo("chatcmpl-1");
    assertThat(r.model()).isEqualTo("gpt-x");
    assertThat(r.created()).isEqualTo(1712);
    assertThat(r.usage()).isEqualTo(new Usage(11, 22));
    assertThat(r.choices())
        .containsExactly(
            new ChatResponse.Choice(
                0,
                List.of(new ContentPart.Thinking("think", null), new ContentPart.Text("Hi")),
                StopReason.END_TURN,
                null,
                null),
            new ChatResponse.Choice(
                1, List.of(new ContentPart.ToolUse("call_1", "f", "{\"a\":1}")), StopReason.TOOL_USE, null, null),
            new ChatResponse.Choice(2, List.of(), StopReason.REFUSAL, null, "No."),
            new ChatResponse.Choice(3, List.of(new ContentPart.Text("Long")), StopReason.MAX_TOKENS, null, null));
  }

  @Test
  void parseResponse_noUsageNoCreated_defaults() throws Exception {
    ChatResponse r =
        CODEC.parseResponse(
            utf8("{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}"));
    assertThat(r.usage()).isEqualTo(Usage.ZERO);
    assertThat(r.created()).isEqualTo(StreamTesting.NOW);
  }

  @Test
  void parseResponse_notJsonOrErrorOrNoChoices_badGateway() {
    for (String body :
        List.of("<html>", "{\"error\":{\"message\":\"boom\"}}", "{\"id\":\"x\"}", "[]")) {
      assertThatThrownBy(() -> CODEC.parseResponse(utf8(body)))
          .isInstanceOfSatisfying(
              ProtocolException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_GATEWAY));
    }
  }

  @Test
  void encodeResponse_prefixesIdAndWritesEveryField() throws Exception {
    ChatResponse r =
        new ChatResponse(
            "msg_1",
            "gpt-x",
            99,
            List.of(
                new ChatResponse.Choice(
                    0,
                    List.of(
                        new ContentPart.Thinking("t", "sig"),
                        new ContentPart.Text("a"),
                        new ContentPart.Text("b"),
                        new ContentPart.ToolUse("c1", "f", "{}")),
                    StopReason.TOOL_USE,
                    null,
                    null)),
            new Usage(1, 2));
    JsonNode json = JSON.readTree(CODEC.encodeResponse(r));
    assertThat(json.toString())
        .isEqualTo(
            "{\"id\":\"chatcmpl-msg_1\",\"object\":\"chat.completion\",\"created\":99,\"model\":\"gpt-x\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ab\","
                + "\"refusal\":null,\"reasoning_content\":\"t\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}");
  }

  @Test
  void encodeResponse_refusalWithoutText_contentNullAndContentFilter() throws Exception {
    ChatResponse r =
        new ChatResponse(
            "chatcmpl-1", "m", 1,
            List.of(new ChatResponse.Choice(0, List.of(), StopReason.REFUSAL, null, "Not allowed.")),
            Usage.ZERO);
    JsonNode choice = JSON.readTree(CODEC.encodeResponse(r)).get("choices").get(0);
    assertThat(choice.get("message").get("content").isNull()).isTrue();
    assertThat(choice.get("message").get("refusal").asText()).isEqualTo("Not allowed.");
    assertThat(choice.get("finish_reason").asText()).isEqualTo("content_filter");
    assertThat(JSON.readTree(CODEC.encodeResponse(r)).get("id").asText()).isEqualTo("chatcmpl-1");
  }

  @Test
  void errorBody_hasOpenAiShape() throws Exception {
    assertThat(new String(CODEC.errorBody(ErrorKind.RATE_LIMIT, "slow down", null), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":null}}");
    assertThat(JSON.readTree(CODEC.errorBody(ErrorKind.INVALID_REQUEST, "bad", "messages[0]")).get("error").get("param").asText())
        .isEqualTo("messages[0]");
  }

  @Test
  void parseErrorMessage_knownShapes_messageElseNull() {
    assertThat(CODEC.parseErrorMessage(utf8("{\"error\":{\"message\":\"Rate limit\\nreached\",\"type\":\"x\"}}")))
        .isEqualTo("Rate limit reached");
    assertThat(CODEC.parseErrorMessage(utf8("{\"error\":\"plain\"}"))).isEqualTo("plain");
    assertThat(CODEC.parseErrorMessage(utf8("{\"object\":\"error\",\"message\":\"vllm says\",\"code\":400}")))
        .isEqualTo("vllm says");
    assertThat(CODEC.parseErrorMessage(utf8("<html>502</html>"))).isNull();
    assertThat(CODEC.parseErrorMessage(utf8("{\"detail\":\"x\"}"))).isNull();
    assertThat(CODEC.parseErrorMessage(utf8("{\"error\":{\"message\":\"" + "x".repeat(5000) + "\"}}")))
        .hasSize(1000);
  }

  @Test
  void encoder_nChoices_roleChunkPerChoiceAndNoUsageUnlessAsked() throws Exception {
    ChatRequest request = StreamTesting.request(CODEC, 3, false);
    String sse =
        StreamTesting.encode(
            CODEC,
            request,
            List.of(
                new StreamEvent.MessageStart("id1", "m", 7, Usage.ZERO),
                new StreamEvent.UsageUpdate(new Usage(1, 1)),
                new StreamEvent.MessageStop()));
    assertThat(sse)
        .isEqualTo(
            "data: {\"id\":\"chatcmpl-id1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"chatcmpl-id1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\","
                + "\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"chatcmpl-id1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\","
                + "\"choices\":[{\"index\":2,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: [DONE]\n\n");
  }

  @Test
  void encoder_usageChunk_hasEmptyChoicesAndTotals() throws Exception {
    String sse =
        StreamTesting.encode(
            CODEC,
            StreamTesting.request(CODEC, 1, true),
            List.of(
                new StreamEvent.MessageStart("id1", "m", 7, Usage.ZERO),
                new StreamEvent.UsageUpdate(new Usage(3, 4)),
                new StreamEvent.MessageStop()));
    assertThat(sse)
        .endsWith(
            "data: {\"id\":\"chatcmpl-id1\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"m\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}\n\n"
                + "data: [DONE]\n\n");
  }

  @Test
  void encoder_streamError_errorFrameThenNothing() throws Exception {
    String sse =
        StreamTesting.encode(
            CODEC,
            StreamTesting.request(CODEC, 1, true),
            List.of(
                new StreamEvent.MessageStart("id1", "m", 7, Usage.ZERO),
                new StreamEvent.StreamError("rate_limit_error", "slow"),
                new StreamEvent.MessageStop()));
    assertThat(sse)
        .endsWith(
            "data: {\"error\":{\"message\":\"slow\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":null}}\n\n");
  }

  @Test
  void encoder_blockBeforeMessageStart_illegalState() {
    var encoder = CODEC.newEncoder(parseMinimal());
    assertThatThrownBy(() -> encoder.encode(new StreamEvent.BlockStop(0, 0), new StringBuilder()))
        .isInstanceOf(IllegalStateException.class);
  }

  private static ChatRequest parseMinimal() {
    try {
      return StreamTesting.request(CODEC, 1, false);
    } catch (ProtocolException e) {
      throw new AssertionError(e);
    }
  }
}
