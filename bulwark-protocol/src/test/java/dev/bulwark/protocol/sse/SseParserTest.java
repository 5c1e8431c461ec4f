package dev.bulwark.protocol.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private static List<SseEvent> parse(String text) throws ProtocolException {
    List<SseEvent> out = new ArrayList<>();
    new SseParser(1 << 16).feed(text.getBytes(StandardCharsets.UTF_8), out::add);
    return out;
  }

  /** Feeds one byte at a time, the hardest chunking. */
  private static List<SseEvent> parseBytewise(byte[] bytes) throws ProtocolException {
    List<SseEvent> out = new ArrayList<>();
    SseParser p = new SseParser(1 << 16);
    for (int i = 0; i < bytes.length; i++) {
      p.feed(bytes, i, 1, out::add);
    }
    return out;
  }

  @Test
  void feed_lfLineEnds_emitsEvents() throws Exception {
    assertThat(parse("event: a\ndata: 1\n\ndata: 2\n\n"))
        .containsExactly(new SseEvent("a", "1"), new SseEvent("message", "2"));
  }

  @Test
  void feed_crlfAndCrLineEnds_emitSameEvents() throws Exception {
    List<SseEvent> expected = List.of(new SseEvent("a", "1"), new SseEvent("message", "2"));
    assertThat(parse("event: a\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n")).isEqualTo(expected);
    assertThat(parse("event: a\rdata: 1\r\rdata: 2\r\r")).isEqualTo(expected);
    assertThat(parse("event: a\r\ndata: 1\n\rdata: 2\r\n\n")).isEqualTo(expected);
  }

  @Test
  void feed_crAndLfInSeparateChunks_areOneLineEnd() throws Exception {
    byte[] bytes = "data: x\r\n\r\n".getBytes(StandardCharsets.UTF_8);
    assertThat(parseBytewise(bytes)).containsExactly(new SseEvent("message", "x"));
  }

  @Test
  void feed_multiByteCharacterSplitAcrossChunks_decodesWhole() throws Exception {
    String text = "data: héllo 世界 🎉\n\n";
    assertThat(parseBytewise(text.getBytes(StandardCharsets.UTF_8)))
        .containsExactly(new SseEvent("message", "héllo 世界 🎉"));
  }

  @Test
  void feed_commentsAndUnknownFields_areIgnored() throws Exception {
    assertThat(parse(": keep-alive\n\nid: 7\nretry: 10\nfoo: bar\ndata: x\n: note\n\n"))
        .containsExactly(new SseEvent("message", "x"));
  }

  @Test
  void feed_multiLineData_joinsWithNewline() throws Exception {
    assertThat(parse("data: a\ndata: b\ndata:\ndata: c\n\n"))
        .containsExactly(new SseEvent("message", "a\nb\n\nc"));
  }

  @Test
  void feed_noSpaceOrTwoSpacesAfterColon_dropsOnlyOne() throws Exception {
    assertThat(parse("data:x\n\ndata:  y\n\n"))
        .containsExactly(new SseEvent("message", "x"), new SseEvent("message", " y"));
  }

  @Test
  void feed_fieldWithoutColon_isFieldWithEmptyValue() throws Exception {
    assertThat(parse("data\n\n")).containsExactly(new SseEvent("message", ""));
  }

  @Test
  void feed_eventWithoutData_isNotDispatchedAndNameDoesNotLeak() throws Exception {
    assertThat(parse("event: ping\n\ndata: x\n\n")).containsExactly(new SseEvent("message", "x"));
  }

  @Test
  void feed_leadingByteOrderMark_isSkipped() throws Exception {
    assertThat(parse("\uFEFFdata: x\n\n")).containsExactly(new SseEvent("message", "x"));
    assertThat(parseBytewise("\uFEFFdata: x\n\n".getBytes(StandardCharsets.UTF_8)))
        .containsExactly(new SseEvent("message", "x"));
  }

  @Test
  void feed_incompleteEventAtEnd_isNotDispatched() throws Exception {
    assertThat(parse("data: a\n\ndata: b\n")).containsExactly(new SseEvent("message", "a"));
  }

  @Test
  void feed_eventLargerThanMaximum_throwsBadGateway() {
    SseParser p = new SseParser(64);
    byte[] big = ("data: " + "x".repeat(100) + "\n\n").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> p.feed(big, e -> {}))
        .isInstanceOf(ProtocolException.class)
        .satisfies(e -> assertThat(((ProtocolException) e).kind()).isEqualTo(ErrorKind.BAD_GATEWAY));
  }

  @Test
  void feed_manyLinesAddingUpPastMaximum_throws() {
    SseParser p = new SseParser(64);
    byte[] lines = "data: 0123456789\n".repeat(10).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> p.feed(lines, e -> {})).isInstanceOf(ProtocolException.class);
  }

  @Test
  void feed_manySmallEvents_neverReachMaximum() throws Exception {
    SseParser p = new SseParser(64);
    List<SseEvent> out = new ArrayList<>();
    byte[] events = "data: 0123456789\n\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
    p.feed(events, out::add);
    assertThat(out).hasSize(1000);
  }

  @Test
  void feed_offsetAndLength_readOnlyThatRange() throws Exception {
    byte[] bytes = "XXdata: a\n\nYY".getBytes(StandardCharsets.UTF_8);
    List<SseEvent> out = new ArrayList<>();
    new SseParser(100).feed(bytes, 2, bytes.length - 4, out::add);
    assertThat(out).containsExactly(new SseEvent("message", "a"));
  }

  @Test
  void writer_framesParseBack() throws Exception {
    StringBuilder b = new StringBuilder();
    SseWriter.event(b, "message_start", "{\"a\":1}");
    SseWriter.comment(b, "ping");
    SseWriter.data(b, "line1\nline2\r\nline3");
    SseWriter.data(b, "[DONE]");
    assertThat(b.toString()).startsWith("event: message_start\ndata: {\"a\":1}\n\n: ping\n\n");
    assertThat(parse(b.toString()))
        .containsExactly(
            new SseEvent("message_start", "{\"a\":1}"),
            new SseEvent("message", "line1\nline2\nline3"),
            new SseEvent("message", "[DONE]"));
  }
}
