package dev.bulwark.protocol;

import static dev.bulwark.protocol.StreamTesting.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.sun.net.httpserver.HttpServer;
import dev.bulwark.protocol.anthropic.AnthropicCodec;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.MessageRole;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.StreamEvent.BlockDelta;
import dev.bulwark.protocol.model.StreamEvent.BlockStart;
import dev.bulwark.protocol.model.StreamEvent.BlockStop;
import dev.bulwark.protocol.model.StreamEvent.ChoiceStop;
import dev.bulwark.protocol.model.StreamEvent.MessageStart;
import dev.bulwark.protocol.model.StreamEvent.MessageStop;
import dev.bulwark.protocol.model.StreamEvent.SignatureDelta;
import dev.bulwark.protocol.model.StreamEvent.StreamError;
import dev.bulwark.protocol.model.StreamEvent.UsageUpdate;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.openai.OpenAiCodec;
import dev.bulwark.protocol.sse.SseEvent;
import dev.bulwark.protocol.sse.SseParser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI and Anthropic Java SDKs, pointed at a loopback server that answers with what
 * our encoders write, read the text, tool calls, stop reasons, usage and errors; and the requests the
 * SDKs send parse with our codecs.
 */
class SdkCompatibilityTest {
  private static final ProtocolCodec OPENAI = new OpenAiCodec(StreamTesting.CLOCK);
  private static final ProtocolCodec ANTHROPIC = new AnthropicCodec(StreamTesting.CLOCK);

  private static HttpServer server;
  private static OpenAIClient openAi;
  private static AnthropicClient anthropic;

  private static volatile int status = 200;
  private static volatile String contentType = "application/json";
  private static volatile byte[] reply = new byte[0];
  private static volatile byte[] lastRequest = new byte[0];

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          lastRequest = exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().set("Content-Type", contentType);
          byte[] body = reply;
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
          }
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    openAi = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("test").maxRetries(0).build();
    anthropic = AnthropicOkHttpClient.builder().baseUrl(base).apiKey("test").maxRetries(0).build();
  }

  @AfterAll
  static void stop() {
    openAi.close();
    anthropic.close();
    server.stop(0);
  }

  private static void answer(int code, String type, byte[] body) {
    status = code;
    contentType = type;
    reply = body;
  }

  private static void answerStream(String sse) {
    answer(200, "text/event-stream", sse.getBytes(StandardCharsets.UTF_8));
  }

  private static List<SseEvent> frames(String sse) throws ProtocolException {
    List<SseEvent> out = new ArrayList<>();
    new SseParser(1 << 20).feed(sse.getBytes(StandardCharsets.UTF_8), out::add);
    return out;
  }

  // ------------------------------------------------------------------ OpenAI

  private static ChatCompletionCreateParams openAiParams(boolean includeUsage) {
    return ChatCompletionCreateParams.builder()
        .model("gpt-x")
        .addSystemMessage("Be brief.")
        .addUserMessage("Weather in Paris?")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(includeUsage).build())
        .build();
  }

  @Test
  void openAiSdk_wholeResponse_readsTextReasoningToolCallsAndFinishReasons() throws Exception {
    ChatResponse response =
        new ChatResponse(
            "abc",
            "gpt-x",
            NOW,
            List.of(
                new ChatResponse.Choice(
                    0,
                    List.of(
                        new ContentPart.Thinking("hmm", null),
                        new ContentPart.Text("Checking."),
                        new ContentPart.ToolUse("call_1", "weather", "{\"city\":\"Paris\"}")),
                    StopReason.TOOL_USE,
                    null,
                    null),
                new ChatResponse.Choice(1, List.of(), StopReason.REFUSAL, null, "I can't help.")),
            new Usage(10, 20));
    answer(200, "application/json", OPENAI.encodeResponse(response));

    ChatCompletion c = openAi.chat().completions().create(openAiParams(false)).validate();

    assertThat(c.id()).isEqualTo("chatcmpl-abc");
    assertThat(c.model()).isEqualTo("gpt-x");
    assertThat(c.created()).isEqualTo(NOW);
    assertThat(c.choices().get(0).message().content()).contains("Checking.");
    ChatCompletionMessageFunctionToolCall call =
        c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
    assertThat(call.id()).isEqualTo("call_1");
    assertThat(call.function().name()).isEqualTo("weather");
    assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("tool_calls");
    assertThat(c.choices().get(1).message().content()).isEmpty();
    assertThat(c.choices().get(1).message().refusal()).contains("I can't help.");
    assertThat(c.choices().get(1).finishReason().asString()).isEqualTo("content_filter");
    assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(30);

    // And what the SDK sent is a valid request for our parser.
    ChatRequest sent = OPENAI.parseRequest(lastRequest);
    assertThat(sent.system()).containsExactly(new ContentPart.Text("Be brief."));
    assertThat(sent.messages().get(0).role()).isEqualTo(MessageRole.USER);
  }

  private static final List<StreamEvent> TOOL_STREAM =
      List.of(
          new MessageStart("abc", "gpt-x", NOW, Usage.ZERO),
          new BlockStart(0, 0, BlockType.THINKING, null, null, null),
          new BlockDelta(0, 0, BlockType.THINKING, "plan"),
          new BlockStop(0, 0),
          new BlockStart(0, 1, BlockType.TEXT, null, null, null),
          new BlockDelta(0, 1, BlockType.TEXT, "Hello "),
          new BlockDelta(0, 1, BlockType.TEXT, "wörld"),
          new BlockStop(0, 1),
          new BlockStart(0, 2, BlockType.TOOL_USE, "call_1", "weather", null),
          new BlockDelta(0, 2, BlockType.TOOL_USE, "{\"city\":"),
          new BlockDelta(0, 2, BlockType.TOOL_USE, "\"Paris\"}"),
          new BlockStop(0, 2),
          new BlockStart(0, 3, BlockType.TOOL_USE, "call_2", "time", null),
          new BlockDelta(0, 3, BlockType.TOOL_USE, "{}"),
          new BlockStop(0, 3),
          new ChoiceStop(0, StopReason.TOOL_USE, null),
          new StreamEvent.Ping(),
          new UsageUpdate(new Usage(12, 34)),
          new MessageStop());

  @Test
  void openAiSdk_stream_accumulatesTextToolCallsFinishReasonAndUsage() throws Exception {
    ChatRequest request = OPENAI.parseRequest(jsonOf(openAiParams(true)));
    String sse = StreamTesting.encode(OPENAI, request, TOOL_STREAM);
    // Every frame is a valid chunk for the SDK's own JSON model, strictly validated.
    for (SseEvent f : frames(sse)) {
      if (!f.data().equals("[DONE]")) {
        com.openai.core.ObjectMappers.jsonMapper()
            .readValue(f.data(), ChatCompletionChunk.class)
            .validate();
      }
    }
    answerStream(sse);

    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (var stream = openAi.chat().completions().createStreaming(openAiParams(true))) {
      stream.stream().forEach(acc::accumulate);
    }
    ChatCompletion c = acc.chatCompletion();
    assertThat(c.id()).isEqualTo("chatcmpl-abc");
    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).message().content()).contains("Hello wörld");
    List<ChatCompletionMessageFunctionToolCall> calls =
        c.choices().get(0).message().toolCalls().orElseThrow().stream()
            .map(t -> t.asFunction())
            .toList();
    assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id)
        .containsExactly("call_1", "call_2");
    assertThat(calls.get(0).function().name()).isEqualTo("weather");
    assertThat(calls.get(0).function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(calls.get(1).function().arguments()).isEqualTo("{}");
    assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("tool_calls");
    assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(12);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(34);
  }

  @Test
  void openAiSdk_streamWithoutIncludeUsage_hasNoUsageChunk() throws Exception {
    ChatRequest request = OPENAI.parseRequest(jsonOf(openAiParams(false)));
    String sse = StreamTesting.encode(OPENAI, request, TOOL_STREAM);
    assertThat(sse).doesNotContain("\"usage\"");
    answerStream(sse);
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (var stream = openAi.chat().completions().createStreaming(openAiParams(false))) {
      stream.stream().forEach(chunks::add);
    }
    assertThat(chunks).allSatisfy(ch -> assertThat(ch.choices()).hasSize(1));
  }

  @Test
  void openAiSdk_streamRefusal_finishReasonContentFilter() throws Exception {
    String sse =
        StreamTesting.encode(
            OPENAI,
            OPENAI.parseRequest(jsonOf(openAiParams(false))),
            List.of(
                new MessageStart("abc", "gpt-x", NOW, Usage.ZERO),
                new ChoiceStop(0, StopReason.REFUSAL, null),
                new MessageStop()));
    answerStream(sse);
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (var stream = openAi.chat().completions().createStreaming(openAiParams(false))) {
      stream.stream().forEach(acc::accumulate);
    }
    assertThat(acc.chatCompletion().choices().get(0).finishReason().asString())
        .isEqualTo("content_filter");
  }

  @Test
  void openAiSdk_streamError_throwsWithMessage() throws Exception {
    String sse =
        StreamTesting.encode(
            OPENAI,
            OPENAI.parseRequest(jsonOf(openAiParams(false))),
            List.of(
                new MessageStart("abc", "gpt-x", NOW, Usage.ZERO),
                new BlockStart(0, 0, BlockType.TEXT, null, null, null),
                new BlockDelta(0, 0, BlockType.TEXT, "partial"),
                new StreamError("overloaded_error", "Upstream overloaded")));
    answerStream(sse);
    assertThatThrownBy(
            () -> {
              try (var stream = openAi.chat().completions().createStreaming(openAiParams(false))) {
                stream.stream().forEach(ch -> {});
              }
            })
        .hasMessageContaining("Upstream overloaded");
  }

  @Test
  void openAiSdk_errorBody_readAsApiError() {
    answer(
        400,
        "application/json",
        OPENAI.errorBody(ErrorKind.INVALID_REQUEST, "messages[0].role must be one of: x", "messages[0].role"));
    assertThatThrownBy(() -> openAi.chat().completions().create(openAiParams(false)))
        .isInstanceOf(com.openai.errors.BadRequestException.class)
        .hasMessageContaining("messages[0].role must be one of: x");
  }

  // ------------------------------------------------------------------ Anthropic

  private static MessageCreateParams anthropicParams() {
    return MessageCreateParams.builder()
        .model("claude-x")
        .maxTokens(2048)
        .system("Be brief.")
        .addUserMessage("Weather in Paris?")
        .addTool(
            Tool.builder()
                .name("weather")
                .description("Current weather")
                .inputSchema(
                    Tool.InputSchema.builder()
                        .properties(
                            Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty(
                                    "city", com.anthropic.core.JsonValue.from(Map.of("type", "string")))
                                .build())
                        .build())
                .build())
        .build();
  }

  @Test
  void anthropicSdk_wholeResponse_readsBlocksStopReasonAndUsage() throws Exception {
    ChatResponse response =
        new ChatResponse(
            "abc",
            "claude-x",
            NOW,
            List.of(
                new ChatResponse.Choice(
                    0,
                    List.of(
                        new ContentPart.Thinking("hmm", "sig"),
                        new ContentPart.RedactedThinking("enc"),
                        new ContentPart.Text("Checking."),
                        new ContentPart.ToolUse("toolu_1", "weather", "{\"city\":\"Paris\"}")),
                    StopReason.TOOL_USE,
                    null,
                    null)),
            new Usage(10, 20));
    answer(200, "application/json", ANTHROPIC.encodeResponse(response));

    com.anthropic.models.messages.Message m = anthropic.messages().create(anthropicParams()).validate();
    assertThat(m.id()).isEqualTo("msg_abc");
    assertThat(m.content()).hasSize(4);
    assertThat(m.content().get(0).asThinking().thinking()).isEqualTo("hmm");
    assertThat(m.content().get(0).asThinking().signature()).isEqualTo("sig");
    assertThat(m.content().get(1).asRedactedThinking().data()).isEqualTo("enc");
    assertThat(m.content().get(2).asText().text()).isEqualTo("Checking.");
    assertThat(m.content().get(3).asToolUse().id()).isEqualTo("toolu_1");
    assertThat(m.content().get(3).asToolUse()._input().toString()).contains("Paris");
    assertThat(m.stopReason().orElseThrow().asString()).isEqualTo("tool_use");
    assertThat(m.usage().inputTokens()).isEqualTo(10);
    assertThat(m.usage().outputTokens()).isEqualTo(20);

    ChatRequest sent = ANTHROPIC.parseRequest(lastRequest);
    assertThat(sent.system()).containsExactly(new ContentPart.Text("Be brief."));
    assertThat(sent.tools()).hasSize(1);
    assertThat(sent.maxTokens()).isEqualTo(2048);
  }

  @Test
  void anthropicSdk_refusalResponse_stopReasonRefusal() throws Exception {
    ChatResponse response =
        new ChatResponse(
            "abc", "claude-x", NOW,
            List.of(new ChatResponse.Choice(0, List.of(new ContentPart.Text("Sorry.")), StopReason.REFUSAL, null, null)),
            Usage.ZERO);
    answer(200, "application/json", ANTHROPIC.encodeResponse(response));
    com.anthropic.models.messages.Message m = anthropic.messages().create(anthropicParams()).validate();
    assertThat(m.stopReason().orElseThrow().asString()).isEqualTo("refusal");
  }

  private static final List<StreamEvent> ANTHROPIC_STREAM =
      List.of(
          new MessageStart("abc", "claude-x", NOW, new Usage(35, 1)),
          new BlockStart(0, 0, BlockType.THINKING, null, null, null),
          new StreamEvent.Ping(),
          new BlockDelta(0, 0, BlockType.THINKING, "Let me think."),
          new SignatureDelta(0, 0, "c2ln"),
          new BlockStop(0, 0),
          new BlockStart(0, 1, BlockType.REDACTED_THINKING, null, null, "ZW5j"),
          new BlockStop(0, 1),
          new BlockStart(0, 2, BlockType.TEXT, null, null, null),
          new BlockDelta(0, 2, BlockType.TEXT, "Checking "),
          new BlockDelta(0, 2, BlockType.TEXT, "Paris."),
          new BlockStop(0, 2),
          new BlockStart(0, 3, BlockType.TOOL_USE, "toolu_1", "weather", null),
          new BlockDelta(0, 3, BlockType.TOOL_USE, "{\"city\": \"Par"),
          new BlockDelta(0, 3, BlockType.TOOL_USE, "is\"}"),
          new BlockStop(0, 3),
          new ChoiceStop(0, StopReason.TOOL_USE, null),
          new UsageUpdate(new Usage(35, 50)),
          new MessageStop());

  @Test
  void anthropicSdk_stream_accumulatesBlocksStopReasonAndUsage() throws Exception {
    ChatRequest request = ANTHROPIC.parseRequest(jsonOf(anthropicParams()));
    String sse = StreamTesting.encode(ANTHROPIC, request, ANTHROPIC_STREAM);
    for (SseEvent f : frames(sse)) {
      if (f.event().equals("ping")) {
        continue; // The SDK drops pings before its event model, which has no ping type.
      }
      com.anthropic.core.ObjectMappers.jsonMapper()
          .readValue(f.data(), RawMessageStreamEvent.class)
          .validate();
    }
    answerStream(sse);

    MessageAccumulator acc = MessageAccumulator.create();
    try (var stream = anthropic.messages().createStreaming(anthropicParams())) {
      stream.stream().forEach(acc::accumulate);
    }
    com.anthropic.models.messages.Message m = acc.message();
    assertThat(m.id()).isEqualTo("msg_abc");
    List<ContentBlock> content = m.content();
    assertThat(content).hasSize(4);
    assertThat(content.get(0).asThinking().thinking()).isEqualTo("Let me think.");
    assertThat(content.get(0).asThinking().signature()).isEqualTo("c2ln");
    assertThat(content.get(1).asRedactedThinking().data()).isEqualTo("ZW5j");
    assertThat(content.get(2).asText().text()).isEqualTo("Checking Paris.");
    assertThat(content.get(3).asToolUse().name()).isEqualTo("weather");
    assertThat(content.get(3).asToolUse()._input().toString()).contains("Paris");
    assertThat(m.stopReason().orElseThrow().asString()).isEqualTo("tool_use");
    assertThat(m.usage().outputTokens()).isEqualTo(50);
  }

  @Test
  void anthropicSdk_openAiUpstreamStreamTranslated_accumulates() throws Exception {
    // The gateway's cross-protocol path: an OpenAI upstream's bytes, decoded, re-encoded.
    String upstream =
        StreamTesting.encode(OPENAI, StreamTesting.request(OPENAI, 1, true), TOOL_STREAM);
    List<StreamEvent> canonical = StreamTesting.decode(OPENAI, upstream);
    String sse =
        StreamTesting.encode(ANTHROPIC, ANTHROPIC.parseRequest(jsonOf(anthropicParams())), canonical);
    answerStream(sse);
    MessageAccumulator acc = MessageAccumulator.create();
    try (var stream = anthropic.messages().createStreaming(anthropicParams())) {
      stream.stream().forEach(acc::accumulate);
    }
    com.anthropic.models.messages.Message m = acc.message();
    assertThat(m.content()).extracting(b -> b.isToolUse()).containsExactly(false, false, true, true);
    assertThat(m.content().get(1).asText().text()).isEqualTo("Hello wörld");
    assertThat(m.content().get(3).asToolUse().id()).isEqualTo("call_2");
    assertThat(m.stopReason().orElseThrow().asString()).isEqualTo("tool_use");
    assertThat(m.usage().inputTokens()).isEqualTo(12);
    assertThat(m.usage().outputTokens()).isEqualTo(34);
  }

  @Test
  void anthropicSdk_streamError_throwsWithMessage() throws Exception {
    String sse =
        StreamTesting.encode(
            ANTHROPIC,
            StreamTesting.request(ANTHROPIC, 1, true),
            List.of(
                new MessageStart("abc", "claude-x", NOW, Usage.ZERO),
                new StreamError("overloaded_error", "Upstream overloaded")));
    answerStream(sse);
    assertThatThrownBy(
            () -> {
              try (var stream = anthropic.messages().createStreaming(anthropicParams())) {
                stream.stream().forEach(e -> {});
              }
            })
        .hasMessageContaining("Upstream overloaded");
  }

  @Test
  void anthropicSdk_errorBody_readAsApiError() {
    answer(
        400,
        "application/json",
        ANTHROPIC.errorBody(ErrorKind.INVALID_REQUEST, "max_tokens is required", "max_tokens"));
    assertThatThrownBy(() -> anthropic.messages().create(anthropicParams()))
        .isInstanceOf(com.anthropic.errors.BadRequestException.class)
        .hasMessageContaining("max_tokens is required");
  }

  /** The JSON body the SDK would send for {@code params}, with {@code stream: true}. */
  private static byte[] jsonOf(ChatCompletionCreateParams params) throws Exception {
    var node =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            com.openai.core.ObjectMappers.jsonMapper().valueToTree(params._body());
    node.put("stream", true);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] jsonOf(MessageCreateParams params) throws Exception {
    var node =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            com.anthropic.core.ObjectMappers.jsonMapper().valueToTree(params._body());
    node.put("stream", true);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
