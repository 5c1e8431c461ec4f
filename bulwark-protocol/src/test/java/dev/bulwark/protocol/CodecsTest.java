package dev.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.Protocol;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CodecsTest {
  private static ChatRequest openAi(String json) throws ProtocolException {
    return Codecs.of(Protocol.OPENAI).parseRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  private static ChatRequest anthropic(String json) throws ProtocolException {
    return Codecs.of(Protocol.ANTHROPIC).parseRequest(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void of_eachProtocol_codecOfThatProtocolAndPath() {
    assertThat(Codecs.of(Protocol.OPENAI).protocol()).isEqualTo(Protocol.OPENAI);
    assertThat(Codecs.of(Protocol.OPENAI).path()).isEqualTo("/v1/chat/completions");
    assertThat(Codecs.of(Protocol.ANTHROPIC).protocol()).isEqualTo(Protocol.ANTHROPIC);
    assertThat(Codecs.of(Protocol.ANTHROPIC).path()).isEqualTo("/v1/messages");
  }

  @Test
  void checkRoutable_nAboveOneToAnthropic_invalidNamingN() throws Exception {
    ChatRequest r = openAi("{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}");
    assertThatThrownBy(() -> Codecs.checkRoutable(r, Protocol.ANTHROPIC))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
              assertThat(e.param()).isEqualTo("n");
              assertThat(e.getMessage()).isEqualTo("n greater than 1 is not supported for this model");
            });
    assertThatCode(() -> Codecs.checkRoutable(r, Protocol.OPENAI)).doesNotThrowAnyException();
  }

  @Test
  void checkRoutable_audioToAnthropic_invalid() throws Exception {
    ChatRequest r =
        openAi("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\","
            + "\"input_audio\":{\"data\":\"AA\",\"format\":\"wav\"}}]}]}");
    assertThatThrownBy(() -> Codecs.checkRoutable(r, Protocol.ANTHROPIC))
        .hasMessage("audio content is not supported for this model");
  }

  @Test
  void checkRoutable_documentToOpenAi_invalid() throws Exception {
    ChatRequest r =
        anthropic("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\","
            + "\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"d\"}}]}]}");
    assertThatThrownBy(() -> Codecs.checkRoutable(r, Protocol.OPENAI))
        .hasMessage("document content is not supported for this model");
    assertThatCode(() -> Codecs.checkRoutable(r, Protocol.ANTHROPIC)).doesNotThrowAnyException();
  }

  @Test
  void checkRoutable_imageInToolResultToOpenAi_invalid() throws Exception {
    ChatRequest r =
        anthropic("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
            + "\"tool_use_id\":\"t\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://x.test/i.png\"}}]}]}]}");
    assertThatThrownBy(() -> Codecs.checkRoutable(r, Protocol.OPENAI))
        .hasMessage("images in tool results are not supported for this model");
  }

  @Test
  void checkRoutable_plainRequestEitherWay_passes() throws Exception {
    ChatRequest r = openAi("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}");
    assertThatCode(() -> Codecs.checkRoutable(r, Protocol.ANTHROPIC)).doesNotThrowAnyException();
  }
}
