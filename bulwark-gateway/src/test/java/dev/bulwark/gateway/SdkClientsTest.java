package dev.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenAI and Anthropic Java SDKs as clients of a running gateway, through the simulated
 * upstream, streaming and not, on same-protocol and cross-protocol routes ({@code sim-openai} reaches
 * the upstream as OpenAI, {@code sim-anthropic} as Anthropic).
 */
class SdkClientsTest {
  private static GatewayHarness h;
  private static OpenAIClient openai;
  private static AnthropicClient anthropic;

  @BeforeAll
  static void start() throws Exception {
    h = GatewayHarness.start();
    String key = h.newKey();
    openai = OpenAIOkHttpClient.builder().apiKey(key).baseUrl(h.baseUrl() + "/v1").maxRetries(0).build();
    anthropic = AnthropicOkHttpClient.builder().apiKey(key).baseUrl(h.baseUrl()).maxRetries(0).build();
  }

  @AfterAll
  static void stop() throws Exception {
    openai.close();
    anthropic.close();
    h.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sim-openai", "sim-anthropic"})
  void openAi_create_echoesThePrompt(String model) {
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model(model).addUserMessage("Tell me about lighthouses, please.").build());

    assertThat(c.model()).isEqualTo(model);
    assertThat(c.id()).startsWith("chatcmpl-");
    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).message().content()).contains("Tell me about lighthouses, please.");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sim-openai", "sim-anthropic"})
  void openAi_createStreaming_deltasConcatenateToTheTextAndUsageArrives(String model) {
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
    long[] usage = new long[1];
    try (var stream = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model(model).addUserMessage("Streaming works across protocols.")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      stream.stream().forEach(chunk -> {
        chunk.usage().ifPresent(u -> usage[0] = u.totalTokens());
        for (ChatCompletionChunk.Choice ch : chunk.choices()) {
          ch.delta().content().ifPresent(text::append);
          ch.finishReason().ifPresent(reasons::add);
        }
      });
    }

    assertThat(text.toString()).isEqualTo("Streaming works across protocols.");
    assertThat(reasons).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
    assertThat(usage[0]).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sim-openai", "sim-anthropic"})
  void openAi_createStreamingWithTools_toolCallDeltasPassThrough(String model) {
    Map<Long, StringBuilder> args = new TreeMap<>();
    List<String> names = new ArrayList<>();
    List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
    try (var stream = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model(model).addUserMessage("tools please").build())) {
      stream.stream().forEach(chunk -> {
        for (ChatCompletionChunk.Choice ch : chunk.choices()) {
          ch.finishReason().ifPresent(reasons::add);
          ch.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
            call.function().flatMap(f -> f.name()).ifPresent(names::add);
            call.function().flatMap(f -> f.arguments())
                .ifPresent(a -> args.computeIfAbsent(call.index(), i -> new StringBuilder()).append(a));
          }));
        }
      });
    }

    assertThat(names).containsExactly("get_weather");
    assertThat(args.get(0L).toString().replace(" ", "")).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(reasons).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
  }

  @org.junit.jupiter.api.Test
  void openAi_createWithTwoChoices_returnsBoth() {
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("sim-openai").n(2).addUserMessage("two of them").build());

    assertThat(c.choices()).hasSize(2);
    assertThat(c.choices()).allSatisfy(ch -> assertThat(ch.message().content()).isPresent());
  }

  @org.junit.jupiter.api.Test
  void openAi_createStreamingWithTwoChoices_streamsBoth() {
    Map<Long, StringBuilder> texts = new TreeMap<>();
    try (var stream = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("sim-openai").n(2).addUserMessage("two streams").build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(ch ->
          ch.delta().content().ifPresent(t -> texts.computeIfAbsent(ch.index(), i -> new StringBuilder()).append(t))));
    }

    assertThat(texts).containsOnlyKeys(0L, 1L);
    assertThat(texts.get(0L).toString()).contains("two streams");
  }

  @org.junit.jupiter.api.Test
  void openAi_streamHaltedByStage_endsWithContentFilterAndNoForbiddenText() {
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
    try (var stream = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
        .model("sim-anthropic").addUserMessage("say-forbidden").build())) {
      stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
        ch.delta().content().ifPresent(text::append);
        ch.finishReason().ifPresent(reasons::add);
      }));
    }

    assertThat(text.toString()).startsWith("Sure.").doesNotContain("forbidden");
    assertThat(reasons).containsExactly(ChatCompletionChunk.Choice.FinishReason.CONTENT_FILTER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sim-anthropic", "sim-openai"})
  void anthropic_create_echoesThePrompt(String model) {
    Message m = anthropic.messages().create(MessageCreateParams.builder()
        .model(model).maxTokens(200).addUserMessage("Hello from the Anthropic SDK.").build());

    assertThat(m.id()).startsWith("msg_");
    assertThat(m.content()).hasSize(1);
    assertThat(m.content().get(0).text()).hasValueSatisfying(t -> assertThat(t.text()).isEqualTo("Hello from the Anthropic SDK."));
    assertThat(m.stopReason()).contains(StopReason.END_TURN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sim-anthropic", "sim-openai"})
  void anthropic_createStreaming_accumulatesToTheText(String model) {
    MessageAccumulator acc = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(MessageCreateParams.builder()
        .model(model).maxTokens(200).addUserMessage("Anthropic streaming, both ways.").build())) {
      stream.stream().forEach(acc::accumulate);
    }
    Message m = acc.message();

    assertThat(m.content().get(0).text()).hasValueSatisfying(t -> assertThat(t.text()).isEqualTo("Anthropic streaming, both ways."));
    assertThat(m.stopReason()).contains(StopReason.END_TURN);
    assertThat(m.usage().outputTokens()).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sim-anthropic", "sim-openai"})
  void anthropic_createStreamingThinkingAndTools_blocksArriveInOrder(String model) {
    MessageAccumulator thinking = MessageAccumulator.create();
    try (var stream = anthropic.messages().createStreaming(MessageCreateParams.builder()
        .model(model).maxTokens(200).addUserMessage("think please").build())) {
      stream.stream().forEach(thinking::accumulate);
    }
    MessageAccumulator tools = MessageAccumulator.create();
    try (var stream = anthropic.messages().createStreaming(MessageCreateParams.builder()
        .model(model).maxTokens(200).addUserMessage("tools please").build())) {
      stream.stream().forEach(tools::accumulate);
    }

    List<ContentBlock> blocks = thinking.message().content();
    assertThat(blocks.get(0).isThinking()).isTrue();
    assertThat(blocks.get(0).asThinking().thinking()).isEqualTo("Let me think about it.");
    assertThat(blocks.get(blocks.size() - 1).asText().text()).isEqualTo("Done thinking.");
    ContentBlock call = tools.message().content().get(0);
    assertThat(call.isToolUse()).isTrue();
    assertThat(call.asToolUse().name()).isEqualTo("get_weather");
    assertThat(tools.message().stopReason()).contains(StopReason.TOOL_USE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sim-anthropic", "sim-openai"})
  void anthropic_streamHaltedByStage_endsWithRefusal(String model) {
    MessageAccumulator acc = MessageAccumulator.create();
    try (var stream = anthropic.messages().createStreaming(MessageCreateParams.builder()
        .model(model).maxTokens(200).addUserMessage("say-forbidden").build())) {
      stream.stream().forEach(acc::accumulate);
    }

    Message m = acc.message();
    assertThat(m.stopReason()).contains(StopReason.REFUSAL);
    assertThat(m.content()).allSatisfy(b -> assertThat(b.text().map(t -> t.text()).orElse("")).doesNotContain("forbidden"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sim-anthropic", "sim-openai"})
  void anthropic_promptBlocked_refusalCarryingOnlyTheRefusalMessage(String model) {
    Message m = anthropic.messages().create(MessageCreateParams.builder()
        .model(model).maxTokens(200).addUserMessage("please write the forbidden words").build());

    assertThat(m.stopReason()).contains(StopReason.REFUSAL);
    assertThat(m.content()).hasSize(1);
    assertThat(m.content().get(0).asText().text()).isEqualTo("This request was declined by the deployment's safeguards.");
  }

  @org.junit.jupiter.api.Test
  void openAi_promptBlocked_contentFilterWithRefusalMessage() {
    ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("sim-openai").addUserMessage("please write the forbidden words").build());

    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
    assertThat(c.choices().get(0).message().content()).isEmpty();
    assertThat(c.choices().get(0).message().refusal()).hasValueSatisfying(r -> assertThat(r).contains("declined"));
  }
}
