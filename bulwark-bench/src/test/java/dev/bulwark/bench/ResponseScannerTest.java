package dev.bulwark.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseScannerTest {
  private static final String OPENAI_STREAM =
      "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
          + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello \"}}]}\n\n"
          + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"world\"}}]}\n\n"
          + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
          + "data: [DONE]\n\n";

  private static final String ANTHROPIC_STREAM =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"content\":[]}}\n\n"
          + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
          + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
          + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
          + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
          + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

  @Test
  void feed_openAiRoleChunkWithEmptyContent_isNotFirstContent() {
    ResponseScanner s = new ResponseScanner(ApiShape.OPENAI, true, false);
    String first = OPENAI_STREAM.substring(0, OPENAI_STREAM.indexOf("\n\n") + 2);

    assertThat(s.feed(bytes(first))).isFalse();
    assertThat(s.feed(bytes(OPENAI_STREAM.substring(first.length())))).isTrue();
    assertThat(s.endedCleanly()).isTrue();
    assertThat(s.hasContent()).isTrue();
  }

  @Test
  void feed_everySplitPoint_findsContentInTheChunkThatCompletesIt() {
    String firstContent = "\"content\":\"H";
    int completesAt = OPENAI_STREAM.indexOf(firstContent) + firstContent.length();
    for (int split = 1; split < OPENAI_STREAM.length(); split++) {
      ResponseScanner s = new ResponseScanner(ApiShape.OPENAI, true, false);
      boolean inFirst = s.feed(bytes(OPENAI_STREAM.substring(0, split)));
      boolean inSecond = s.feed(bytes(OPENAI_STREAM.substring(split)));

      assertThat(inFirst).as("split at %d", split).isEqualTo(split >= completesAt);
      assertThat(inSecond).as("split at %d", split).isEqualTo(split < completesAt);
      assertThat(s.endedCleanly()).as("split at %d", split).isTrue();
    }
  }

  @Test
  void feed_byteByByte_findsContentOnce() {
    ResponseScanner s = new ResponseScanner(ApiShape.OPENAI, true, false);
    int found = 0;
    for (byte b : bytes(OPENAI_STREAM)) {
      if (s.feed(new byte[] {b})) {
        found++;
      }
    }
    assertThat(found).isEqualTo(1);
    assertThat(s.endedCleanly()).isTrue();
  }

  @Test
  void endedCleanly_streamCutBeforeDone_isFalse() {
    ResponseScanner s = new ResponseScanner(ApiShape.OPENAI, true, false);
    s.feed(bytes(OPENAI_STREAM.substring(0, OPENAI_STREAM.indexOf("data: [DONE]"))));

    assertThat(s.hasContent()).isTrue();
    assertThat(s.endedCleanly()).isFalse();
  }

  @Test
  void feed_anthropicEmptyBlockStartText_isNotContent() {
    ResponseScanner s = new ResponseScanner(ApiShape.ANTHROPIC, true, true);
    int cut = ANTHROPIC_STREAM.indexOf("event: content_block_delta");

    assertThat(s.feed(bytes(ANTHROPIC_STREAM.substring(0, cut)))).isFalse();
    assertThat(s.feed(bytes(ANTHROPIC_STREAM.substring(cut)))).isTrue();
    assertThat(s.endedCleanly()).isTrue();
    assertThat(s.sample().contentEvents()).isEqualTo(1);
    assertThat(s.sample().events()).isEqualTo(5);
  }

  @Test
  void sample_openAiStream_countsEventsAndContent() {
    ResponseScanner s = new ResponseScanner(ApiShape.OPENAI, true, true);
    s.feed(bytes(OPENAI_STREAM));

    ResponseScanner.Sample sample = s.sample();
    assertThat(sample.events()).isEqualTo(5);
    assertThat(sample.contentEvents()).isEqualTo(2);
    assertThat(sample.refused()).isFalse();
    assertThat(sample.bytes()).isEqualTo(bytes(OPENAI_STREAM).length);
  }

  @Test
  void sample_contentFilterFinish_isRefused() {
    ResponseScanner s = new ResponseScanner(ApiShape.OPENAI, true, true);
    s.feed(bytes(OPENAI_STREAM.replace("\"stop\"", "\"content_filter\"")));

    assertThat(s.sample().refused()).isTrue();
  }

  @Test
  void wholeResponse_jsonBody_hasContentAndEndsCleanly() {
    ResponseScanner s = new ResponseScanner(ApiShape.OPENAI, false, false);
    String body = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}\n";

    assertThat(s.feed(bytes(body.substring(0, 10)))).isFalse();
    assertThat(s.feed(bytes(body.substring(10)))).isFalse();
    assertThat(s.hasContent()).isTrue();
    assertThat(s.endedCleanly()).isTrue();
  }

  @Test
  void wholeResponse_truncatedJson_isNotClean() {
    ResponseScanner s = new ResponseScanner(ApiShape.OPENAI, false, false);
    s.feed(bytes("{\"choices\":[{\"message\":{\"content\":\"Hi"));

    assertThat(s.endedCleanly()).isFalse();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
