package dev.bulwark.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.vertx.core.Vertx;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Proves that the official SDKs parse what the simulator sends, whole and streamed, strictly
 * ({@code validate()} checks every field's type and presence).
 */
class SdkCompatibilityTest {
  private static final String ARGS = "{\"city\":\"Paris\",\"unit\":\"celsius\"}";

  private static Vertx vertx;
  private @Nullable SimulatedUpstream sim;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    SimulatedUpstreamTest.await(vertx.close());
  }

  @BeforeEach
  void startSimulator() throws Exception {
    Script script =
        Script.of(
            ScriptEntry.builder()
                .match("weather")
                .text("Checking.")
                .toolCall("get_weather", ARGS)
                .build(),
            ScriptEntry.builder()
                .match("think")
                .thinking("Let me think. Done.")
                .text("Thought.")
                .build());
    sim =
        SimulatedUpstreamTest.await(
            SimulatedUpstream.start(vertx, SimulatorConfig.builder().script(script).build()));
  }

  @AfterEach
  void stopSimulator() throws Exception {
    if (sim != null) {
      SimulatedUpstreamTest.await(sim.close());
    }
  }

  private OpenAIClient openAi() {
    return OpenAIOkHttpClient.builder()
        .baseUrl(sim.baseUrl() + "/v1")
        .apiKey("sk-test")
        .maxRetries(0)
        .build();
  }

  private AnthropicClient anthropic() {
    return AnthropicOkHttpClient.builder()
        .baseUrl(sim.baseUrl())
        .apiKey("sk-ant-test")
        .maxRetries(0)
        .build();
  }

  @Test
  void openAiSdk_create_parsesEchoAndUsage() {
    ChatCompletion c =
        openAi()
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model("gpt-sim")
                    .addUserMessage("hello there world")
                    .build());

    c.validate();
    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).message().content()).hasValue("hello there world");
    assertThat(c.choices().get(0).finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
  }

  @Test
  void openAiSdk_createStreaming_accumulatesTextToolCallsAndUsage() {
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-sim")
            .addUserMessage("what's the weather?")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    try (var stream = openAi().chat().completions().createStreaming(params)) {
      stream.stream()
          .forEach(
              chunk -> {
                chunk.validate();
                acc.accumulate(chunk);
              });
    }

    ChatCompletion c = acc.chatCompletion();
    assertThat(c.choices().get(0).message().content()).hasValue("Checking.");
    List<ChatCompletionMessageFunctionToolCall> calls =
        c.choices().get(0).message().toolCalls().orElseThrow().stream()
            .map(t -> t.asFunction())
            .toList();
    assertThat(calls)
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.function().name()).isEqualTo("get_weather");
              assertThat(call.function().arguments()).isEqualTo(ARGS);
              assertThat(call.id()).isNotBlank();
            });
    assertThat(c.choices().get(0).finishReason())
        .isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(c.usage().orElseThrow().completionTokens()).isPositive();
  }

  @Test
  void openAiSdk_streamingEcho_chunksConcatenateToThePrompt() {
    StringBuilder text = new StringBuilder();
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model("gpt-sim")
            .addUserMessage("one two three")
            .build();
    try (var stream = openAi().chat().completions().createStreaming(params)) {
      stream.stream()
          .forEach(
              chunk -> {
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                  choice.delta().content().ifPresent(text::append);
                }
              });
    }
    assertThat(text.toString()).isEqualTo("one two three");
  }

  @Test
  void anthropicSdk_create_parsesEchoAndUsage() {
    Message m =
        anthropic()
            .messages()
            .create(
                MessageCreateParams.builder()
                    .model("claude-sim")
                    .maxTokens(100)
                    .addUserMessage("hello there world")
                    .build());

    m.validate();
    assertThat(m.content())
        .singleElement()
        .satisfies(b -> assertThat(b.asText().text()).isEqualTo("hello there world"));
    assertThat(m.stopReason()).hasValue(com.anthropic.models.messages.StopReason.END_TURN);
    assertThat(m.usage().outputTokens()).isEqualTo(3);
    assertThat(m.usage().inputTokens()).isEqualTo(3);
  }

  @Test
  void anthropicSdk_createStreaming_accumulatesThinkingTextAndUsage() {
    MessageAccumulator acc = MessageAccumulator.create();
    MessageCreateParams params =
        MessageCreateParams.builder()
            .model("claude-sim")
            .maxTokens(1000)
            .addUserMessage("think hard")
            .build();
    try (var stream = anthropic().messages().createStreaming(params)) {
      stream.stream()
          .forEach(
              (RawMessageStreamEvent e) -> {
                e.validate();
                acc.accumulate(e);
              });
    }

    Message m = acc.message();
    m.validate();
    List<ContentBlock> blocks = m.content();
    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0).asThinking().thinking()).isEqualTo("Let me think. Done.");
    assertThat(blocks.get(0).asThinking().signature()).isNotBlank();
    assertThat(blocks.get(1).asText().text()).isEqualTo("Thought.");
    assertThat(m.usage().outputTokens()).isEqualTo(5);
  }

  @Test
  void anthropicSdk_createStreaming_accumulatesToolUse() {
    MessageAccumulator acc = MessageAccumulator.create();
    MessageCreateParams params =
        MessageCreateParams.builder()
            .model("claude-sim")
            .maxTokens(1000)
            .addUserMessage("weather?")
            .build();
    try (var stream = anthropic().messages().createStreaming(params)) {
      stream.stream().forEach(acc::accumulate);
    }

    Message m = acc.message();
    assertThat(m.stopReason()).hasValue(com.anthropic.models.messages.StopReason.TOOL_USE);
    assertThat(m.content().get(0).asText().text()).isEqualTo("Checking.");
    assertThat(m.content().get(1).asToolUse().name()).isEqualTo("get_weather");
    assertThat(m.content().get(1).asToolUse()._input().toString()).contains("Paris");
  }
}
