package dev.bulwark.protocol.openai;

import static dev.bulwark.protocol.StreamTesting.dataFrames;
import static dev.bulwark.protocol.StreamTesting.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.StreamTesting;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.StreamEvent.BlockDelta;
import dev.bulwark.protocol.model.StreamEvent.BlockStart;
import dev.bulwark.protocol.model.StreamEvent.BlockStop;
import dev.bulwark.protocol.model.StreamEvent.ChoiceStop;
import dev.bulwark.protocol.model.StreamEvent.MessageStart;
import dev.bulwark.protocol.model.StreamEvent.MessageStop;
import dev.bulwark.protocol.model.StreamEvent.StreamError;
import dev.bulwark.protocol.model.StreamEvent.UsageUpdate;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.sse.SseEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiStreamDecoderTest {
  private static final OpenAiCodec CODEC = new OpenAiCodec(StreamTesting.CLOCK);
  private static final String HEAD =
      "{\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"created\":1712345678,"
          + "\"model\":\"gpt-4o-2024-08-06\",\"system_fingerprint\":\"fp_1\",";

  /** A chunk with the common head and {@code rest} (choices, usage). */
  private static String chunk(String rest) {
    return HEAD + rest + "}";
  }

  private static String choice(int index, String delta, String finish) {
    return "\"choices\":[{\"index\":" + index + ",\"delta\":" + delta + ",\"logprobs\":null,"
        + "\"finish_reason\":" + finish + "}],\"usage\":null";
  }

  private static final MessageStart START =
      new MessageStart("chatcmpl-9x", "gpt-4o-2024-08-06", 1712345678, Usage.ZERO);

  @Test
  void decode_twoChoicesInterleavedWithUsage_separateBlocksPerChoice() throws Exception {
    String sse =
        dataFrames(
            chunk(choice(0, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null")),
            chunk(choice(1, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null")),
            chunk(choice(0, "{\"content\":\"Hel\"}", "null")),
            chunk(choice(1, "{\"content\":\"Hi\"}", "null")),
            chunk(choice(0, "{\"content\":\"lo\"}", "null")),
            chunk(choice(1, "{}", "\"stop\"")),
            chunk(choice(0, "{}", "\"length\"")),
            chunk("\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}"),
            "[DONE]");
    assertThat(decode(CODEC, sse))
        .containsExactly(
            START,
            new BlockStart(0, 0, BlockType.TEXT, null, null, null),
            new BlockDelta(0, 0, BlockType.TEXT, "Hel"),
            new BlockStart(1, 0, BlockType.TEXT, null, null, null),
            new BlockDelta(1, 0, BlockType.TEXT, "Hi"),
            new BlockDelta(0, 0, BlockType.TEXT, "lo"),
            new BlockStop(1, 0),
            new ChoiceStop(1, StopReason.END_TURN, null),
            new BlockStop(0, 0),
            new ChoiceStop(0, StopReason.MAX_TOKENS, null),
            new UsageUpdate(new Usage(9, 4)),
            new MessageStop());
  }

  @Test
  void decode_toolCallsForTwoTools_oneBlockPerCallWithArguments() throws Exception {
    String sse =
        dataFrames(
            chunk(choice(0, "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_A\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],"
                + "\"refusal\":null}", "null")),
            chunk(choice(0, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]}", "null")),
            chunk(choice(0, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\": \\\"Paris\\\"}\"}}]}", "null")),
            chunk(choice(0, "{\"tool_calls\":[{\"index\":1,\"id\":\"call_B\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_time\",\"arguments\":\"\"}}]}", "null")),
            chunk(choice(0, "{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"tz\\\": \\\"CET\\\"}\"}}]}", "null")),
            chunk(choice(0, "{}", "\"tool_calls\"")),
            "[DONE]");
    assertThat(decode(CODEC, sse))
        .containsExactly(
            START,
            new BlockStart(0, 0, BlockType.TOOL_USE, "call_A", "get_weather", null),
            new BlockDelta(0, 0, BlockType.TOOL_USE, "{\"ci"),
            new BlockDelta(0, 0, BlockType.TOOL_USE, "ty\": \"Paris\"}"),
            new BlockStop(0, 0),
            new BlockStart(0, 1, BlockType.TOOL_USE, "call_B", "get_time", null),
            new BlockDelta(0, 1, BlockType.TOOL_USE, "{\"tz\": \"CET\"}"),
            new BlockStop(0, 1),
            new ChoiceStop(0, StopReason.TOOL_USE, null),
            new MessageStop());
  }

  @Test
  void decode_textThenToolCall_closesTextBeforeTool() throws Exception {
    String sse =
        dataFrames(
            chunk(choice(0, "{\"role\":\"assistant\",\"content\":\"Let me check.\"}", "null")),
            chunk(choice(0, "{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}", "\"tool_calls\"")),
            "[DONE]");
    assertThat(decode(CODEC, sse))
        .containsExactly(
            START,
            new BlockStart(0, 0, BlockType.TEXT, null, null, null),
            new BlockDelta(0, 0, BlockType.TEXT, "Let me check."),
            new BlockStop(0, 0),
            new BlockStart(0, 1, BlockType.TOOL_USE, "c", "f", null),
            new BlockDelta(0, 1, BlockType.TOOL_USE, "{}"),
            new BlockStop(0, 1),
            new ChoiceStop(0, StopReason.TOOL_USE, null),
            new MessageStop());
  }

  @Test
  void decode_reasoningContentThenContent_thinkingBlockThenTextBlock() throws Exception {
    // DeepSeek style: nulls for the field not in use, usage on the last choice chunk.
    String sse =
        dataFrames(
            chunk(choice(0, "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\"}", "null")),
            chunk(choice(0, "{\"content\":null,\"reasoning_content\":\"Let me\"}", "null")),
            chunk(choice(0, "{\"content\":null,\"reasoning_content\":\" think.\"}", "null")),
            chunk(choice(0, "{\"content\":\"Answer\",\"reasoning_content\":null}", "null")),
            HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}",
            "[DONE]");
    assertThat(decode(CODEC, sse))
        .containsExactly(
            START,
            new BlockStart(0, 0, BlockType.THINKING, null, null, null),
            new BlockDelta(0, 0, BlockType.THINKING, "Let me"),
            new BlockDelta(0, 0, BlockType.THINKING, " think."),
            new BlockStop(0, 0),
            new BlockStart(0, 1, BlockType.TEXT, null, null, null),
            new BlockDelta(0, 1, BlockType.TEXT, "Answer"),
            new BlockStop(0, 1),
            new ChoiceStop(0, StopReason.END_TURN, null),
            new UsageUpdate(new Usage(5, 7)),
            new MessageStop());
  }

  @Test
  void decode_vllmReasoningFieldAndStopReason_thinkingAndStopSequence() throws Exception {
    String sse =
        dataFrames(
            "{\"id\":\"cmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"qwen\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"hm\"}}]}",
            "{\"id\":\"cmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"qwen\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"stop_reason\":\"END\"}]}",
            "{\"id\":\"cmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"qwen\","
                + "\"choices\":null,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}",
            "[DONE]");
    assertThat(decode(CODEC, sse))
        .containsExactly(
            new MessageStart("cmpl-1", "qwen", 5, Usage.ZERO),
            new BlockStart(0, 0, BlockType.THINKING, null, null, null),
            new BlockDelta(0, 0, BlockType.THINKING, "hm"),
            new BlockStop(0, 0),
            new ChoiceStop(0, StopReason.STOP_SEQUENCE, "END"),
            new UsageUpdate(new Usage(1, 2)),
            new MessageStop());
  }

  @Test
  void decode_contentFilter_refusal() throws Exception {
    String sse =
        dataFrames(chunk(choice(0, "{\"content\":\"I\"}", "null")), chunk(choice(0, "{}", "\"content_filter\"")), "[DONE]");
    assertThat(decode(CODEC, sse)).contains(new ChoiceStop(0, StopReason.REFUSAL, null));
  }

  @Test
  void decode_doneWithChoiceStillOpen_stopsItBeforeMessageStop() throws Exception {
    String sse = dataFrames(chunk(choice(0, "{\"content\":\"x\"}", "null")), "[DONE]");
    assertThat(decode(CODEC, sse))
        .endsWith(new BlockStop(0, 0), new ChoiceStop(0, StopReason.END_TURN, null), new MessageStop());
  }

  @Test
  void decode_errorEvent_streamErrorAndNothingAfter() throws Exception {
    String sse =
        dataFrames(
            chunk(choice(0, "{\"content\":\"x\"}", "null")),
            "{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}",
            chunk(choice(0, "{\"content\":\"y\"}", "null")),
            "[DONE]");
    List<StreamEvent> events = decode(CODEC, sse);
    assertThat(events).endsWith(new StreamError("api_error", "The server is overloaded"));
    assertThat(events).hasSize(4);
  }

  @Test
  void end_withoutDone_streamError() throws Exception {
    String sse = dataFrames(chunk(choice(0, "{\"content\":\"x\"}", "null")));
    assertThat(decode(CODEC, sse))
        .endsWith(new StreamError("api_error", "upstream stream ended early"));
  }

  @Test
  void end_afterDone_nothingAndComplete() throws Exception {
    StreamDecoder d = CODEC.newDecoder();
    List<StreamEvent> out = new ArrayList<>();
    d.decode(new SseEvent("message", chunk(choice(0, "{\"content\":\"x\"}", "null"))), out::add);
    assertThat(d.complete()).isFalse();
    d.decode(new SseEvent("message", "[DONE]"), out::add);
    assertThat(d.complete()).isTrue();
    int size = out.size();
    d.end(out::add);
    assertThat(out).hasSize(size);
  }

  @Test
  void decode_malformedJson_badGateway() {
    StreamDecoder d = CODEC.newDecoder();
    assertThatThrownBy(() -> d.decode(new SseEvent("message", "{\"id\":"), e -> {}))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_GATEWAY));
  }

  @Test
  void decode_argumentsForClosedToolCall_badGateway() throws Exception {
    StreamDecoder d = CODEC.newDecoder();
    List<StreamEvent> out = new ArrayList<>();
    d.decode(new SseEvent("message", chunk(choice(0,
        "{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}", "null"))), out::add);
    d.decode(new SseEvent("message", chunk(choice(0,
        "{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"\"}}]}", "null"))), out::add);
    assertThatThrownBy(
            () -> d.decode(new SseEvent("message", chunk(choice(0,
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}", "null"))), out::add))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void decode_toolCallWithoutId_getsSyntheticId() throws Exception {
    String sse =
        dataFrames(
            chunk(choice(0, "{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}", "\"tool_calls\"")),
            "[DONE]");
    assertThat(decode(CODEC, sse)).contains(new BlockStart(0, 0, BlockType.TOOL_USE, "call_0_0", "f", null));
  }

  @Test
  void decode_wholeToolCallsWithoutIndex_newIdIsNewBlock() throws Exception {
    String sse =
        dataFrames(
            chunk(choice(0, "{\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}", "null")),
            chunk(choice(0, "{\"tool_calls\":[{\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}", "\"tool_calls\"")),
            "[DONE]");
    assertThat(decode(CODEC, sse))
        .containsExactly(
            START,
            new BlockStart(0, 0, BlockType.TOOL_USE, "a", "f", null),
            new BlockDelta(0, 0, BlockType.TOOL_USE, "{}"),
            new BlockStop(0, 0),
            new BlockStart(0, 1, BlockType.TOOL_USE, "b", "g", null),
            new BlockDelta(0, 1, BlockType.TOOL_USE, "{}"),
            new BlockStop(0, 1),
            new ChoiceStop(0, StopReason.TOOL_USE, null),
            new MessageStop());
  }
}
