package dev.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.protocol.anthropic.AnthropicCodec;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Message;
import dev.bulwark.protocol.model.MessageRole;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.ThinkingConfig;
import dev.bulwark.protocol.model.ToolChoice;
import dev.bulwark.protocol.openai.OpenAiCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests translated canonical to protocol and back, within and across protocols. */
class TranslationTest {
  private static final ProtocolCodec OPENAI = new OpenAiCodec();
  private static final ProtocolCodec ANTHROPIC = new AnthropicCodec();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode tree(byte[] body) throws Exception {
    return JSON.readTree(body);
  }

  private static final String OPENAI_AGENT =
      """
      {"model":"gpt-x","messages":[
        {"role":"system","content":"You are terse."},
        {"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"},
           {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/AA=="}}]},
        {"role":"assistant","content":"Checking.","tool_calls":[
           {"id":"call_a","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
           {"id":"call_b","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
        {"role":"tool","tool_call_id":"call_a","content":"18C"},
        {"role":"tool","tool_call_id":"call_b","content":"24C"},
        {"role":"user","content":"Thanks. Which is warmer?"}],
       "max_completion_tokens":300,"temperature":0.4,"stop":["\\n\\n"],
       "tools":[{"type":"function","function":{"name":"weather","description":"Current weather",
         "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
       "tool_choice":"auto","seed":1}
      """;

  @Test
  void openAiToAnthropic_agentConversation_keepsMeaning() throws Exception {
    ChatRequest fromClient = OPENAI.parseRequest(utf8(OPENAI_AGENT));
    byte[] wire = ANTHROPIC.encodeRequest(fromClient, 1024);

    JsonNode json = tree(wire);
    assertThat(json.get("system").asText()).isEqualTo("You are terse.");
    assertThat(json.get("max_tokens").asInt()).isEqualTo(300);
    assertThat(json.get("stop_sequences").toString()).isEqualTo("[\"\\n\\n\"]");
    assertThat(json.get("tool_choice").toString()).isEqualTo("{\"type\":\"auto\"}");
    assertThat(json.get("tools").get(0).get("input_schema").get("required").toString())
        .isEqualTo("[\"city\"]");
    assertThat(json.has("seed")).as("OpenAI-only extra fields are dropped").isFalse();
    // Roles alternate: the two tool messages and the next user message are one user turn.
    assertThat(json.get("messages")).hasSize(3);
    assertThat(json.get("messages").findValuesAsText("role"))
        .containsExactly("user", "assistant", "user");
    JsonNode results = json.get("messages").get(2).get("content");
    assertThat(results.get(0).get("type").asText()).isEqualTo("tool_result");
    assertThat(results.get(1).get("type").asText()).isEqualTo("tool_result");
    assertThat(results.get(2).toString())
        .isEqualTo("{\"type\":\"text\",\"text\":\"Thanks. Which is warmer?\"}");
    assertThat(json.get("messages").get(1).get("content").get(1).get("input").toString())
        .isEqualTo("{\"city\":\"Paris\"}");

    ChatRequest back = ANTHROPIC.parseRequest(wire);
    assertThat(back.system()).isEqualTo(fromClient.system());
    assertThat(back.tools()).isEqualTo(fromClient.tools());
    assertThat(back.toolChoice()).isEqualTo(fromClient.toolChoice());
    assertThat(back.maxTokens()).isEqualTo(300);
    assertThat(back.temperature()).isEqualTo(0.4);
    assertThat(back.stop()).isEqualTo(fromClient.stop());
    assertThat(back.messages())
        .containsExactly(
            fromClient.messages().get(0),
            fromClient.messages().get(1),
            // The two tool messages arrive as one TOOL message of both results, in order.
            new Message(
                MessageRole.TOOL,
                List.of(
                    new ContentPart.ToolResult("call_a", List.of(new ContentPart.Text("18C")), false),
                    new ContentPart.ToolResult("call_b", List.of(new ContentPart.Text("24C")), false)),
                null),
            fromClient.messages().get(4));
  }

  private static final String ANTHROPIC_AGENT =
      """
      {"model":"claude-x","max_tokens":2048,"system":"You are terse.",
       "messages":[
         {"role":"user","content":[{"type":"text","text":"Weather in Paris?"},
            {"type":"image","source":{"type":"url","url":"https://x.test/p.png"}}]},
         {"role":"assistant","content":[
            {"type":"thinking","thinking":"Need the tool.","signature":"c2ln"},
            {"type":"text","text":"Checking."},
            {"type":"tool_use","id":"toolu_01","name":"weather","input":{"city":"Paris"}}]},
         {"role":"user","content":[
            {"type":"tool_result","tool_use_id":"toolu_01","content":[{"type":"text","text":"18C"}]},
            {"type":"text","text":"Warm?"}]}],
       "tools":[{"name":"weather","description":"Current weather","input_schema":{"type":"object"}}],
       "tool_choice":{"type":"tool","name":"weather","disable_parallel_tool_use":true},
       "thinking":{"type":"enabled","budget_tokens":1024},"stream":true,"top_k":3}
      """;

  @Test
  void anthropicToOpenAi_agentConversation_keepsMeaning() throws Exception {
    ChatRequest fromClient = ANTHROPIC.parseRequest(utf8(ANTHROPIC_AGENT));
    byte[] wire = OPENAI.encodeRequest(fromClient, 1024);

    JsonNode json = tree(wire);
    assertThat(json.get("messages").findValuesAsText("role"))
        .containsExactly("system", "user", "assistant", "tool", "user");
    JsonNode assistant = json.get("messages").get(2);
    assertThat(assistant.get("content").asText()).isEqualTo("Checking.");
    assertThat(assistant.has("reasoning_content")).as("thinking is not sent back").isFalse();
    assertThat(assistant.get("tool_calls").get(0).get("function").get("arguments").asText())
        .isEqualTo("{\"city\":\"Paris\"}");
    assertThat(json.get("messages").get(3).toString())
        .isEqualTo("{\"role\":\"tool\",\"tool_call_id\":\"toolu_01\",\"content\":\"18C\"}");
    assertThat(json.get("stream").asBoolean()).isTrue();
    assertThat(json.get("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
    assertThat(json.get("max_completion_tokens").asInt()).isEqualTo(2048);
    assertThat(json.get("tool_choice").toString())
        .isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}");
    assertThat(json.get("parallel_tool_calls").asBoolean()).isFalse();
    assertThat(json.has("top_k")).isFalse();
    assertThat(json.has("thinking")).isFalse();

    ChatRequest back = OPENAI.parseRequest(wire);
    assertThat(back.system()).isEqualTo(fromClient.system());
    assertThat(back.tools()).isEqualTo(fromClient.tools());
    assertThat(back.toolChoice()).isEqualTo(fromClient.toolChoice());
    assertThat(back.messages())
        .containsExactly(
            fromClient.messages().get(0),
            new Message(
                MessageRole.ASSISTANT,
                List.of(
                    new ContentPart.Text("Checking."),
                    new ContentPart.ToolUse("toolu_01", "weather", "{\"city\":\"Paris\"}")),
                null),
            fromClient.messages().get(2),
            fromClient.messages().get(3));
  }

  @Test
  void openAi_sameProtocolRoundTrip_isExact() throws Exception {
    ChatRequest first = OPENAI.parseRequest(utf8(OPENAI_AGENT));
    ChatRequest second = OPENAI.parseRequest(OPENAI.encodeRequest(first, 1024));
    assertThat(second).isEqualTo(first);
    assertThat(second.extra().toString()).isEqualTo("{\"seed\":1}");
  }

  @Test
  void anthropic_sameProtocolRoundTrip_isExact() throws Exception {
    ChatRequest first = ANTHROPIC.parseRequest(utf8(ANTHROPIC_AGENT));
    ChatRequest second = ANTHROPIC.parseRequest(ANTHROPIC.encodeRequest(first, 1));
    assertThat(second).isEqualTo(first);
    assertThat(second.thinking()).isEqualTo(new ThinkingConfig(1024));
    assertThat(second.extra().toString()).isEqualTo("{\"top_k\":3}");
  }

  @Test
  void openAiToAnthropic_laterSystemMessage_foldedIntoSystemPrompt() throws Exception {
    ChatRequest r =
        OPENAI.parseRequest(
            utf8(
                """
                {"model":"m","messages":[{"role":"developer","content":"A"},{"role":"user","content":"q"},
                 {"role":"assistant","content":"a"},{"role":"system","content":"B"},{"role":"user","content":"q2"}]}
                """));
    assertThat(r.messages().get(2)).isEqualTo(Message.text(MessageRole.SYSTEM, "B"));
    JsonNode json = tree(ANTHROPIC.encodeRequest(r, 77));
    assertThat(json.get("system").toString())
        .isEqualTo("[{\"type\":\"text\",\"text\":\"A\"},{\"type\":\"text\",\"text\":\"B\"}]");
    assertThat(json.get("messages").findValuesAsText("role"))
        .containsExactly("user", "assistant", "user");
    assertThat(json.get("max_tokens").asInt()).as("the default when the client set none").isEqualTo(77);
  }

  @Test
  void openAiToAnthropic_invalidToolArguments_wrappedAsRaw() throws Exception {
    ChatRequest r =
        OPENAI.parseRequest(
            utf8(
                """
                {"model":"m","messages":[{"role":"user","content":"q"},
                 {"role":"assistant","tool_calls":[
                   {"id":"c1","type":"function","function":{"name":"f","arguments":"{not json"}},
                   {"id":"c2","type":"function","function":{"name":"f","arguments":""}},
                   {"id":"c3","type":"function","function":{"name":"f","arguments":"[1]"}}]}]}
                """));
    JsonNode content = tree(ANTHROPIC.encodeRequest(r, 1)).get("messages").get(1).get("content");
    assertThat(content.get(0).get("input").toString()).isEqualTo("{\"_raw\":\"{not json\"}");
    assertThat(content.get(1).get("input").toString()).isEqualTo("{}");
    assertThat(content.get(2).get("input").toString()).isEqualTo("{\"_raw\":\"[1]\"}");
  }

  @Test
  void openAiToAnthropic_toolIdsWithForeignCharacters_sanitizedConsistently() throws Exception {
    ChatRequest r =
        OPENAI.parseRequest(
            utf8(
                """
                {"model":"m","messages":[{"role":"user","content":"q"},
                 {"role":"assistant","tool_calls":[{"id":"call:1.x","type":"function","function":{"name":"f","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"call:1.x","content":"ok"}]}
                """));
    JsonNode messages = tree(ANTHROPIC.encodeRequest(r, 1)).get("messages");
    assertThat(messages.get(1).get("content").get(0).get("id").asText()).isEqualTo("call_1_x");
    assertThat(messages.get(2).get("content").get(0).get("tool_use_id").asText()).isEqualTo("call_1_x");
  }

  @Test
  void openAiToAnthropic_temperatureAboveOne_capped() throws Exception {
    ChatRequest r =
        OPENAI.parseRequest(utf8("{\"model\":\"m\",\"temperature\":1.8,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"));
    assertThat(tree(ANTHROPIC.encodeRequest(r, 1)).get("temperature").asDouble()).isEqualTo(1.0);
  }

  @Test
  void openAiToAnthropic_unsignedThinkingAndEmptyText_notSent() throws Exception {
    ChatRequest r =
        OPENAI.parseRequest(
            utf8(
                """
                {"model":"m","messages":[{"role":"user","content":"q"},
                 {"role":"assistant","content":"a","reasoning_content":"private"}]}
                """));
    assertThat(tree(ANTHROPIC.encodeRequest(r, 1)).get("messages").get(1).toString())
        .isEqualTo("{\"role\":\"assistant\",\"content\":\"a\"}");
  }

  @Test
  void anthropicToOpenAi_toolResultErrorAndMultipleTexts_textKept() throws Exception {
    ChatRequest r =
        ANTHROPIC.parseRequest(
            utf8(
                """
                {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"q"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","is_error":true,
                   "content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}]}
                """));
    JsonNode tool = tree(OPENAI.encodeRequest(r, 1)).get("messages").get(2);
    assertThat(tool.toString())
        .isEqualTo(
            "{\"role\":\"tool\",\"tool_call_id\":\"t\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                + "{\"type\":\"text\",\"text\":\"b\"}]}");
  }

  @Test
  void encodeRequest_nonStreaming_hasNoStreamFields() throws Exception {
    ChatRequest r = OPENAI.parseRequest(utf8("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"));
    JsonNode openAi = tree(OPENAI.encodeRequest(r, 1));
    assertThat(openAi.has("stream")).isFalse();
    assertThat(openAi.has("stream_options")).isFalse();
    assertThat(openAi.has("max_completion_tokens")).isFalse();
    assertThat(tree(ANTHROPIC.encodeRequest(r, 1)).has("stream")).isFalse();
  }

  @Test
  void encodeRequest_withModel_writesUpstreamName() throws Exception {
    ChatRequest r =
        OPENAI.parseRequest(utf8("{\"model\":\"public\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}"))
            .withModel("upstream-7")
            .withSystemAppended("patch");
    JsonNode json = tree(ANTHROPIC.encodeRequest(r, 1));
    assertThat(json.get("model").asText()).isEqualTo("upstream-7");
    assertThat(json.get("system").asText()).isEqualTo("patch");
  }

  @Test
  void parsedRequest_sourceIsRecorded() throws Exception {
    assertThat(ANTHROPIC.parseRequest(utf8(ANTHROPIC_AGENT)).source()).isEqualTo(Protocol.ANTHROPIC);
    assertThat(ANTHROPIC.parseRequest(utf8(ANTHROPIC_AGENT)).toolChoice())
        .isEqualTo(new ToolChoice(ToolChoice.Mode.TOOL, "weather", true));
  }

  private static final dev.bulwark.protocol.model.ChatResponse RESPONSE =
      new dev.bulwark.protocol.model.ChatResponse(
          "r1",
          "model-x",
          StreamTesting.NOW,
          List.of(
              new dev.bulwark.protocol.model.ChatResponse.Choice(
                  0,
                  List.of(
                      new ContentPart.Thinking("why", "sig"),
                      new ContentPart.Text("Answer."),
                      new ContentPart.ToolUse("call_1", "f", "{\"a\":1}")),
                  dev.bulwark.protocol.model.StopReason.TOOL_USE,
                  null,
                  null)),
          new dev.bulwark.protocol.model.Usage(3, 4));

  @Test
  void response_anthropicRoundTrip_sameExceptIdPrefix() throws Exception {
    ProtocolCodec codec = new AnthropicCodec(StreamTesting.CLOCK);
    var back = codec.parseResponse(codec.encodeResponse(RESPONSE));
    assertThat(back.id()).isEqualTo("msg_r1");
    assertThat(back.choices()).isEqualTo(RESPONSE.choices());
    assertThat(back.usage()).isEqualTo(RESPONSE.usage());
    assertThat(back.model()).isEqualTo("model-x");
  }

  @Test
  void response_openAiRoundTrip_sameExceptSignatureAndIdPrefix() throws Exception {
    ProtocolCodec codec = new OpenAiCodec(StreamTesting.CLOCK);
    var back = codec.parseResponse(codec.encodeResponse(RESPONSE));
    assertThat(back.id()).isEqualTo("chatcmpl-r1");
    assertThat(back.created()).isEqualTo(StreamTesting.NOW);
    assertThat(back.choices().get(0).content())
        .containsExactly(
            new ContentPart.Thinking("why", null),
            new ContentPart.Text("Answer."),
            new ContentPart.ToolUse("call_1", "f", "{\"a\":1}"));
    assertThat(back.usage()).isEqualTo(RESPONSE.usage());
  }

  @Test
  void response_anthropicUpstreamToOpenAiClient_keepsTextToolsAndStop() throws Exception {
    ProtocolCodec anthropic = new AnthropicCodec(StreamTesting.CLOCK);
    var fromUpstream = anthropic.parseResponse(anthropic.encodeResponse(RESPONSE));
    JsonNode json = tree(new OpenAiCodec(StreamTesting.CLOCK).encodeResponse(fromUpstream));
    assertThat(json.get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(json.get("choices").get(0).get("message").get("content").asText()).isEqualTo("Answer.");
  }
}
