package dev.bulwark.protocol.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the chunking of a stream, the parser yields the same events, and the right ones. */
class SseParserProperties {
  private record Frame(String name, List<String> dataLines) {}

  @Provide
  Arbitrary<List<Frame>> frames() {
    // Letters, spaces, colons, and 2-, 3- and 4-byte UTF-8 characters; never a line break.
    Arbitrary<String> text =
        Arbitraries.of("a", "b", "xyz", " ", ":", "{", "\"", "é", "世", "🎉")
            .list()
            .ofMaxSize(8)
            .map(parts -> String.join("", parts));
    Arbitrary<String> name = Arbitraries.of("", "message_start", "content_block_delta", "x");
    Arbitrary<Frame> frame =
        Combinators.combine(name, text.list().ofMinSize(1).ofMaxSize(3)).as(Frame::new);
    return frame.list().ofMaxSize(8);
  }

  @Property(tries = 300)
  void feed_anyChunking_yieldsTheEventsWritten(
      @ForAll("frames") List<Frame> frames,
      @ForAll("lineEnd") String lineEnd,
      @ForAll List<@net.jqwik.api.constraints.IntRange(min = 0, max = 10_000) Integer> cuts)
      throws ProtocolException {
    StringBuilder b = new StringBuilder();
    List<SseEvent> expected = new ArrayList<>();
    for (Frame f : frames) {
      b.append(": comment").append(lineEnd);
      if (!f.name().isEmpty()) {
        b.append("event: ").append(f.name()).append(lineEnd);
      }
      for (String line : f.dataLines()) {
        b.append("data: ").append(line).append(lineEnd);
      }
      b.append(lineEnd);
      expected.add(
          new SseEvent(f.name().isEmpty() ? "message" : f.name(), String.join("\n", f.dataLines())));
    }
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);

    TreeSet<Integer> points = new TreeSet<>();
    for (int c : cuts) {
      if (bytes.length > 0) {
        points.add(c % (bytes.length + 1));
      }
    }
    points.add(bytes.length);
    List<SseEvent> actual = new ArrayList<>();
    SseParser parser = new SseParser(1 << 16);
    int from = 0;
    for (int to : points) {
      parser.feed(bytes, from, to - from, actual::add);
      from = to;
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> lineEnd() {
    return Arbitraries.of("\n", "\r\n", "\r");
  }
}
