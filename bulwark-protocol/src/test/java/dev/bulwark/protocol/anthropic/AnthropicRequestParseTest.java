package dev.bulwark.protocol.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Message;
import dev.bulwark.protocol.model.MessageRole;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.ThinkingConfig;
import dev.bulwark.protocol.model.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicRequestParseTest {
  private static final AnthropicCodec CODEC = new AnthropicCodec();
  private static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";

  private static ChatRequest parse(String json) throws ProtocolException {
    return CODEC.parseRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String with(String fields) {
    return "{\"model\":\"m\",\"max_tokens\":2000,\"messages\":[" + USER + "]"
        + (fields.isEmpty() ? "" : "," + fields) + "}";
  }

  private static String messages(String messages) {
    return "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[" + messages + "]}";
  }

  private static void assertInvalid(String json, String param, String message) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
              assertThat(e.param()).isEqualTo(param);
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @Test
  void parseRequest_fullRequest_mapsEveryField() throws Exception {
    ChatRequest r =
        parse(
            """
            {"model":"claude-x","max_tokens":4096,
             "system":[{"type":"text","text":"be brief"},{"type":"text","text":"and kind","cache_control":{"type":"ephemeral"}}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"look"},
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
                  {"type":"document","source":{"type":"text","media_type":"text/plain","data":"doc"}}]},
               {"role":"assistant","content":[
                  {"type":"thinking","thinking":"hmm","signature":"sig"},
                  {"type":"redacted_thinking","data":"enc"},
                  {"type":"text","text":"calling"},
                  {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}]},
               {"role":"user","content":[
                  {"type":"text","text":"here"},
                  {"type":"tool_result","tool_use_id":"toolu_1","content":"42","is_error":true}]}],
             "temperature":0.5,"top_p":0.9,"top_k":5,"stop_sequences":["END"],"stream":true,
             "tools":[{"name":"f","description":"d","input_schema":{"type":"object"}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "thinking":{"type":"enabled","budget_tokens":1024},
             "metadata":{"user_id":"u1"}}
            """);
    assertThat(r.source()).isEqualTo(Protocol.ANTHROPIC);
    assertThat(r.system())
        .containsExactly(new ContentPart.Text("be brief"), new ContentPart.Text("and kind"));
    assertThat(r.messages()).hasSize(4);
    assertThat(r.messages().get(0).role()).isEqualTo(MessageRole.USER);
    assertThat(r.messages().get(0).content().get(0)).isEqualTo(new ContentPart.Text("look"));
    assertThat(r.messages().get(0).content().get(1))
        .isEqualTo(new ContentPart.Image(null, "image/png", "AAAA"));
    assertThat(r.messages().get(0).content().get(2)).isInstanceOf(ContentPart.Opaque.class);
    assertThat(r.messages().get(1))
        .isEqualTo(
            new Message(
                MessageRole.ASSISTANT,
                List.of(
                    new ContentPart.Thinking("hmm", "sig"),
                    new ContentPart.RedactedThinking("enc"),
                    new ContentPart.Text("calling"),
                    new ContentPart.ToolUse("toolu_1", "f", "{\"a\":1}")),
                null));
    // The tool results of a user turn come first, as their own TOOL message.
    assertThat(r.messages().get(2))
        .isEqualTo(
            new Message(
                MessageRole.TOOL,
                List.of(new ContentPart.ToolResult("toolu_1", List.of(new ContentPart.Text("42")), true)),
                null));
    assertThat(r.messages().get(3)).isEqualTo(Message.text(MessageRole.USER, "here"));
    assertThat(r.maxTokens()).isEqualTo(4096);
    assertThat(r.temperature()).isEqualTo(0.5);
    assertThat(r.topP()).isEqualTo(0.9);
    assertThat(r.stop()).containsExactly("END");
    assertThat(r.stream()).isTrue();
    assertThat(r.n()).isEqualTo(1);
    assertThat(r.toolChoice()).isEqualTo(new ToolChoice(ToolChoice.Mode.ANY, null, true));
    assertThat(r.thinking()).isEqualTo(new ThinkingConfig(1024));
    assertThat(r.extra().toString()).isEqualTo("{\"top_k\":5,\"metadata\":{\"user_id\":\"u1\"}}");
  }

  @Test
  void parseRequest_systemString_isOneTextPart() throws Exception {
    assertThat(parse(with("\"system\":\"s\"")).system()).containsExactly(new ContentPart.Text("s"));
  }

  @Test
  void parseRequest_thinkingDisabled_isNull() throws Exception {
    ChatRequest r = parse(with("\"thinking\":{\"type\":\"disabled\"}"));
    assertThat(r.thinking()).isNull();
    assertThat(r.extra().has("thinking")).isFalse();
  }

  @Test
  void parseRequest_thinkingOfUnknownType_keptInExtra() throws Exception {
    ChatRequest r = parse(with("\"thinking\":{\"type\":\"adaptive\"}"));
    assertThat(r.thinking()).isNull();
    assertThat(r.extra().get("thinking").toString()).isEqualTo("{\"type\":\"adaptive\"}");
  }

  @Test
  void parseRequest_userTurnOfOnlyToolResults_isOnlyToolMessage() throws Exception {
    ChatRequest r =
        parse(
            messages(
                USER + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}]},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\"}]}"));
    assertThat(r.messages()).extracting(Message::role)
        .containsExactly(MessageRole.USER, MessageRole.ASSISTANT, MessageRole.TOOL);
    assertThat(r.messages().get(2).content())
        .containsExactly(new ContentPart.ToolResult("t", List.of(), false));
  }

  @Test
  void parseRequest_toolResultWithBlocks_keepsTextAndImages() throws Exception {
    ChatRequest r =
        parse(
            messages(
                "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":["
                    + "{\"type\":\"text\",\"text\":\"a\"},"
                    + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://x.test/i.png\"}}]}]}"));
    assertThat(r.messages().get(0).content())
        .containsExactly(
            new ContentPart.ToolResult(
                "t",
                List.of(
                    new ContentPart.Text("a"),
                    new ContentPart.Image("https://x.test/i.png", null, null)),
                false));
  }

  // ------------------------------------------------------------ one case per validation rule

  @Test
  void parseRequest_bodyNotJsonObject_invalidWithNullParam() {
    assertInvalid("\"hi\"", null, "request body must be a JSON object");
  }

  @Test
  void parseRequest_modelMissing_invalid() {
    assertInvalid("{\"max_tokens\":1,\"messages\":[" + USER + "]}", "model", "model is required");
  }

  @Test
  void parseRequest_maxTokensMissing_invalid() {
    assertInvalid("{\"model\":\"m\",\"messages\":[" + USER + "]}", "max_tokens", "max_tokens is required");
  }

  @Test
  void parseRequest_maxTokensZero_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[" + USER + "]}",
        "max_tokens",
        "max_tokens must be an integer >= 1");
  }

  @Test
  void parseRequest_messagesEmpty_invalid() {
    assertInvalid(messages(""), "messages", "messages must be a non-empty array");
  }

  @Test
  void parseRequest_roleSystem_invalid() {
    assertInvalid(
        messages("{\"role\":\"system\",\"content\":\"x\"}"),
        "messages[0].role",
        "messages[0].role must be one of: user, assistant");
  }

  @Test
  void parseRequest_contentWrongType_invalid() {
    assertInvalid(
        messages(USER + ",{\"role\":\"assistant\",\"content\":{}}"),
        "messages[1].content",
        "messages[1].content must be a string or an array of content blocks");
  }

  @Test
  void parseRequest_contentMissing_invalid() {
    assertInvalid(
        messages("{\"role\":\"user\"}"), "messages[0].content", "messages[0].content is required");
  }

  @Test
  void parseRequest_unknownUserBlock_invalid() {
    assertInvalid(
        messages("{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}"),
        "messages[0].content[0].type",
        "messages[0].content[0].type must be one of: text, image, document, search_result, tool_result");
  }

  @Test
  void parseRequest_toolUseInUserTurn_invalid() {
    assertInvalid(
        messages("{\"role\":\"user\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}]}"),
        "messages[0].content[0].type",
        "messages[0].content[0].type must be one of: text, image, document, search_result, tool_result");
  }

  @Test
  void parseRequest_toolResultInAssistantTurn_invalid() {
    assertInvalid(
        messages(USER + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\"}]}"),
        "messages[1].content[0].type",
        "messages[1].content[0].type must be one of: text, tool_use, thinking, redacted_thinking");
  }

  @Test
  void parseRequest_toolUseInputNotObject_invalid() {
    assertInvalid(
        messages(USER + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":\"x\"}]}"),
        "messages[1].content[0].input",
        "messages[1].content[0].input must be an object");
  }

  @Test
  void parseRequest_toolResultWithoutId_invalid() {
    assertInvalid(
        messages("{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\"}]}"),
        "messages[0].content[0].tool_use_id",
        "messages[0].content[0].tool_use_id is required");
  }

  @Test
  void parseRequest_toolResultIsErrorNotBoolean_invalid() {
    assertInvalid(
        messages("{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"is_error\":\"yes\"}]}"),
        "messages[0].content[0].is_error",
        "messages[0].content[0].is_error must be a boolean");
  }

  @Test
  void parseRequest_imageSourceUnknown_invalid() {
    assertInvalid(
        messages("{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"ftp\"}}]}"),
        "messages[0].content[0].source.type",
        "messages[0].content[0].source.type must be one of: base64, url, file");
  }

  @Test
  void parseRequest_imageBase64WithoutMediaType_invalid() {
    assertInvalid(
        messages("{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"data\":\"AA\"}}]}"),
        "messages[0].content[0].source.media_type",
        "messages[0].content[0].source.media_type is required");
  }

  @Test
  void parseRequest_thinkingBlockWithoutText_invalid() {
    assertInvalid(
        messages(USER + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"signature\":\"s\"}]}"),
        "messages[1].content[0].thinking",
        "messages[1].content[0].thinking is required");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"temperature\":1.1|temperature|temperature must be a number between 0 and 1",
        "\"top_p\":-1|top_p|top_p must be a number between 0 and 1",
        "\"stop_sequences\":\"END\"|stop_sequences|stop_sequences must be an array",
        "\"stop_sequences\":[1]|stop_sequences[0]|stop_sequences[0] must be a string",
        "\"stream\":1|stream|stream must be a boolean",
        "\"system\":5|system|system must be a string or an array of text blocks",
        "\"system\":[{\"type\":\"image\"}]|system[0].type|system[0].type must be \"text\"",
        "\"tools\":[{\"name\":\"f\"}]|tools[0].input_schema|tools[0].input_schema is required",
        "\"tools\":[{\"input_schema\":{}}]|tools[0].name|tools[0].name is required",
        "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]|tools[0].type|tools[0].type must be \"custom\"; server tools are not supported",
        "\"tool_choice\":\"auto\"|tool_choice|tool_choice must be an object",
        "\"tool_choice\":{\"type\":\"maybe\"}|tool_choice.type|tool_choice.type must be one of: auto, any, tool, none",
        "\"tool_choice\":{\"type\":\"tool\"}|tool_choice.name|tool_choice.name is required",
        "\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":1}|tool_choice.disable_parallel_tool_use|tool_choice.disable_parallel_tool_use must be a boolean",
        "\"thinking\":{\"type\":\"enabled\"}|thinking.budget_tokens|thinking.budget_tokens is required",
        "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":100}|thinking.budget_tokens|thinking.budget_tokens must be an integer >= 1024",
        "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}|thinking.budget_tokens|thinking.budget_tokens must be less than max_tokens",
        "\"thinking\":{}|thinking.type|thinking.type is required",
      })
  void parseRequest_fieldOutOfRangeOrWrongType_invalidNamingField(
      String fields, String param, String message) {
    assertInvalid(with(fields), param, message);
  }
}
