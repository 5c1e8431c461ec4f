package dev.bulwark.protocol.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Message;
import dev.bulwark.protocol.model.MessageRole;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiRequestParseTest {
  private static final OpenAiCodec CODEC = new OpenAiCodec();
  private static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";

  private static ChatRequest parse(String json) throws ProtocolException {
    return CODEC.parseRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A minimal valid request with {@code fields} added at the top level. */
  private static String with(String fields) {
    return "{\"model\":\"m\",\"messages\":[" + USER + "]" + (fields.isEmpty() ? "" : "," + fields) + "}";
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
            {"model":"gpt-x","messages":[
              {"role":"system","content":"be brief"},
              {"role":"developer","content":[{"type":"text","text":"and kind"}]},
              {"role":"user","name":"ann","content":[
                 {"type":"text","text":"look"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}},
                 {"type":"image_url","image_url":{"url":"https://x.test/a.png"}}]},
              {"role":"assistant","content":null,"reasoning_content":"hmm","tool_calls":[
                 {"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"42"},
              {"role":"system","content":"late rule"}],
             "max_tokens":100,"temperature":1.5,"top_p":0.5,"n":2,"stop":"END",
             "stream":true,"stream_options":{"include_usage":true},
             "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"},"strict":true}}],
             "tool_choice":{"type":"function","function":{"name":"f"}},
             "parallel_tool_calls":false,"seed":7,"user":"u1"}
            """);
    assertThat(r.source()).isEqualTo(Protocol.OPENAI);
    assertThat(r.model()).isEqualTo("gpt-x");
    assertThat(r.system())
        .containsExactly(new ContentPart.Text("be brief"), new ContentPart.Text("and kind"));
    assertThat(r.messages())
        .containsExactly(
            new Message(
                MessageRole.USER,
                List.of(
                    new ContentPart.Text("look"),
                    new ContentPart.Image(null, "image/png", "AAAA"),
                    new ContentPart.Image("https://x.test/a.png", null, null)),
                "ann"),
            new Message(
                MessageRole.ASSISTANT,
                List.of(
                    new ContentPart.Thinking("hmm", null),
                    new ContentPart.ToolUse("call_1", "f", "{\"a\":1}")),
                null),
            new Message(
                MessageRole.TOOL,
                List.of(new ContentPart.ToolResult("call_1", List.of(new ContentPart.Text("42")), false)),
                null),
            Message.text(MessageRole.SYSTEM, "late rule"));
    assertThat(r.maxTokens()).isEqualTo(100);
    assertThat(r.temperature()).isEqualTo(1.5);
    assertThat(r.topP()).isEqualTo(0.5);
    assertThat(r.n()).isEqualTo(2);
    assertThat(r.stop()).containsExactly("END");
    assertThat(r.stream()).isTrue();
    assertThat(r.includeUsage()).isTrue();
    assertThat(r.tools()).hasSize(1);
    assertThat(r.tools().get(0).name()).isEqualTo("f");
    assertThat(r.tools().get(0).description()).isEqualTo("d");
    assertThat(r.tools().get(0).inputSchema().toString()).isEqualTo("{\"type\":\"object\"}");
    assertThat(r.toolChoice()).isEqualTo(new ToolChoice(ToolChoice.Mode.TOOL, "f", true));
    assertThat(r.thinking()).isNull();
    assertThat(r.extra().toString()).isEqualTo("{\"seed\":7,\"user\":\"u1\"}");
  }

  @Test
  void parseRequest_minimal_hasDefaults() throws Exception {
    ChatRequest r = parse(with(""));
    assertThat(r.system()).isEmpty();
    assertThat(r.n()).isEqualTo(1);
    assertThat(r.stream()).isFalse();
    assertThat(r.includeUsage()).isFalse();
    assertThat(r.maxTokens()).isNull();
    assertThat(r.toolChoice()).isNull();
    assertThat(r.extra().isEmpty()).isTrue();
  }

  @Test
  void parseRequest_nullOptionalFields_areAbsent() throws Exception {
    ChatRequest r =
        parse(with("\"temperature\":null,\"stop\":null,\"stream\":null,\"stream_options\":null,\"tools\":null"));
    assertThat(r.temperature()).isNull();
    assertThat(r.stop()).isEmpty();
    assertThat(r.stream()).isFalse();
  }

  @Test
  void parseRequest_maxCompletionTokens_winsOverMaxTokens() throws Exception {
    assertThat(parse(with("\"max_tokens\":5,\"max_completion_tokens\":9")).maxTokens()).isEqualTo(9);
  }

  @Test
  void parseRequest_parallelToolCallsFalseWithoutToolChoice_isAutoWithoutParallel()
      throws Exception {
    assertThat(parse(with("\"parallel_tool_calls\":false")).toolChoice())
        .isEqualTo(new ToolChoice(ToolChoice.Mode.AUTO, null, true));
  }

  @ParameterizedTest
  @CsvSource({"none,NONE", "auto,AUTO", "required,ANY"})
  void parseRequest_toolChoiceString_mapsMode(String wire, ToolChoice.Mode mode) throws Exception {
    assertThat(parse(with("\"tool_choice\":\"" + wire + "\"")).toolChoice())
        .isEqualTo(new ToolChoice(mode, null, false));
  }

  @Test
  void parseRequest_assistantRefusalAndEmptyContentBesideToolCalls_mapsToText() throws Exception {
    ChatRequest r =
        parse(
            "{\"model\":\"m\",\"messages\":[" + USER + ","
                + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":\"no\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"nope\"}]}]}");
    assertThat(r.messages().get(1).content())
        .containsExactly(new ContentPart.Text(""), new ContentPart.Text("no"));
    assertThat(r.messages().get(2).content()).containsExactly(new ContentPart.ToolUse("c", "f", "{}"));
    assertThat(r.messages().get(3).content()).containsExactly(new ContentPart.Text("nope"));
  }

  @Test
  void parseRequest_audioAndFileParts_areOpaque() throws Exception {
    ChatRequest r =
        parse(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA\",\"format\":\"wav\"}},"
                + "{\"type\":\"file\",\"file\":{\"file_id\":\"f1\"}}]}]}");
    assertThat(r.messages().get(0).content())
        .allSatisfy(p -> assertThat(p).isInstanceOf(ContentPart.Opaque.class));
  }

  // ------------------------------------------------------------ one case per validation rule

  @Test
  void parseRequest_bodyNotJson_invalidWithNullParam() {
    assertInvalid("not json", null, "request body must be a JSON object");
  }

  @Test
  void parseRequest_bodyJsonArray_invalidWithNullParam() {
    assertInvalid("[1]", null, "request body must be a JSON object");
  }

  @Test
  void parseRequest_trailingGarbage_invalidWithNullParam() {
    assertInvalid(with("") + "x", null, "request body must be a JSON object");
  }

  @Test
  void parseRequest_modelMissing_invalid() {
    assertInvalid("{\"messages\":[" + USER + "]}", "model", "model is required");
  }

  @Test
  void parseRequest_modelNotString_invalid() {
    assertInvalid("{\"model\":3,\"messages\":[" + USER + "]}", "model", "model must be a string");
  }

  @Test
  void parseRequest_modelEmpty_invalid() {
    assertInvalid(
        "{\"model\":\"\",\"messages\":[" + USER + "]}", "model", "model must be a non-empty string");
  }

  @Test
  void parseRequest_messagesMissing_invalid() {
    assertInvalid("{\"model\":\"m\"}", "messages", "messages is required");
  }

  @Test
  void parseRequest_messagesEmpty_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[]}", "messages", "messages must be a non-empty array");
  }

  @Test
  void parseRequest_messagesNotArray_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":{}}", "messages", "messages must be a non-empty array");
  }

  @Test
  void parseRequest_messageNotObject_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[" + USER + ",\"hi\"]}",
        "messages[1]",
        "messages[1] must be an object");
  }

  @Test
  void parseRequest_roleMissing_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}",
        "messages[0].role",
        "messages[0].role is required");
  }

  @Test
  void parseRequest_roleUnknown_invalidWithoutEchoingIt() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"secret-role\",\"content\":\"x\"}]}",
        "messages[0].role",
        "messages[0].role must be one of: system, developer, user, assistant, tool");
  }

  @Test
  void parseRequest_userContentMissing_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}",
        "messages[0].content",
        "messages[0].content is required");
  }

  @Test
  void parseRequest_userContentWrongType_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[" + USER + ",{\"role\":\"user\",\"content\":5}]}",
        "messages[1].content",
        "messages[1].content must be a string or an array of content parts");
  }

  @Test
  void parseRequest_userPartUnknownType_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"video\"}]}]}",
        "messages[0].content[0].type",
        "messages[0].content[0].type must be one of: text, image_url, input_audio, file");
  }

  @Test
  void parseRequest_textPartWithoutText_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}",
        "messages[0].content[0].text",
        "messages[0].content[0].text is required");
  }

  @Test
  void parseRequest_imageUrlNotHttpOrData_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
            + "\"image_url\":{\"url\":\"file:///etc/passwd\"}}]}]}",
        "messages[0].content[0].image_url.url",
        "messages[0].content[0].image_url.url must be an http(s) URL or a base64 data URL");
  }

  @Test
  void parseRequest_systemPartNotText_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\"}]}]}",
        "messages[0].content[0].type",
        "messages[0].content[0].type must be \"text\"");
  }

  @Test
  void parseRequest_toolMessageWithoutToolCallId_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}",
        "messages[0].tool_call_id",
        "messages[0].tool_call_id is required");
  }

  @Test
  void parseRequest_toolCallWithoutFunctionName_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\","
            + "\"type\":\"function\",\"function\":{\"arguments\":\"{}\"}}]}]}",
        "messages[0].tool_calls[0].function.name",
        "messages[0].tool_calls[0].function.name is required");
  }

  @Test
  void parseRequest_toolCallsNotArray_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":{}}]}",
        "messages[0].tool_calls",
        "messages[0].tool_calls must be an array");
  }

  @Test
  void parseRequest_nameNotString_invalid() {
    assertInvalid(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"name\":1}]}",
        "messages[0].name",
        "messages[0].name must be a string");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"temperature\":2.5|temperature|temperature must be a number between 0 and 2",
        "\"temperature\":-0.1|temperature|temperature must be a number between 0 and 2",
        "\"temperature\":\"1\"|temperature|temperature must be a number between 0 and 2",
        "\"top_p\":1.01|top_p|top_p must be a number between 0 and 1",
        "\"n\":0|n|n must be an integer between 1 and 128",
        "\"n\":129|n|n must be an integer between 1 and 128",
        "\"n\":1.5|n|n must be an integer between 1 and 128",
        "\"max_tokens\":0|max_tokens|max_tokens must be an integer >= 1",
        "\"max_completion_tokens\":0|max_completion_tokens|max_completion_tokens must be an integer >= 1",
        "\"max_tokens\":1e12|max_tokens|max_tokens must be an integer >= 1",
        "\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]|stop|stop must be a string or an array of at most 4 strings",
        "\"stop\":5|stop|stop must be a string or an array of at most 4 strings",
        "\"stop\":[\"a\",1]|stop[1]|stop[1] must be a string",
        "\"stream\":\"true\"|stream|stream must be a boolean",
        "\"stream_options\":true|stream_options|stream_options must be an object",
        "\"stream_options\":{\"include_usage\":1}|stream_options.include_usage|stream_options.include_usage must be a boolean",
        "\"parallel_tool_calls\":0|parallel_tool_calls|parallel_tool_calls must be a boolean",
        "\"tools\":{}|tools|tools must be an array",
        "\"tools\":[1]|tools[0]|tools[0] must be an object",
        "\"tools\":[{\"type\":\"custom\"}]|tools[0].type|tools[0].type must be \"function\"",
        "\"tools\":[{\"type\":\"function\"}]|tools[0].function|tools[0].function is required",
        "\"tools\":[{\"type\":\"function\",\"function\":{}}]|tools[0].function.name|tools[0].function.name is required",
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}]|tools[0].function.parameters|tools[0].function.parameters must be an object",
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"description\":1}}]|tools[0].function.description|tools[0].function.description must be a string",
        "\"tool_choice\":\"always\"|tool_choice|tool_choice must be \"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": ...}}",
        "\"tool_choice\":{\"type\":\"function\"}|tool_choice.function|tool_choice.function is required",
        "\"tool_choice\":{\"type\":\"function\",\"function\":{}}|tool_choice.function.name|tool_choice.function.name is required",
      })
  void parseRequest_fieldOutOfRangeOrWrongType_invalidNamingField(
      String fields, String param, String message) {
    assertInvalid(with(fields), param, message);
  }

  @Test
  void parseRequest_integralDoubleForInteger_accepted() throws Exception {
    assertThat(parse(with("\"n\":2.0")).n()).isEqualTo(2);
  }
}
