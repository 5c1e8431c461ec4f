package dev.bulwark.protocol;

import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.sse.SseEvent;
import dev.bulwark.protocol.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Runs streams through parser, decoder and encoder for tests. */
public final class StreamTesting {
  /** The fixed time of test codecs. */
  public static final long NOW = 1_700_000_000L;

  public static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

  private StreamTesting() {}

  /** Parses SSE text (fed one byte at a time) and decodes it, ending the stream. */
  public static List<StreamEvent> decode(ProtocolCodec codec, String sse) throws ProtocolException {
    StreamDecoder decoder = codec.newDecoder();
    List<SseEvent> frames = new ArrayList<>();
    SseParser parser = new SseParser(1 << 20);
    byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      parser.feed(bytes, i, 1, frames::add);
    }
    List<StreamEvent> events = new ArrayList<>();
    for (SseEvent f : frames) {
      decoder.decode(f, events::add);
    }
    decoder.end(events::add);
    return events;
  }

  public static String encode(ProtocolCodec codec, ChatRequest request, List<StreamEvent> events) {
    StreamEncoder encoder = codec.newEncoder(request);
    StringBuilder out = new StringBuilder();
    for (StreamEvent e : events) {
      encoder.encode(e, out);
    }
    return out.toString();
  }

  /** A minimal streaming request as a client of {@code protocol} would send it. */
  public static ChatRequest request(ProtocolCodec codec, int n, boolean includeUsage)
      throws ProtocolException {
    String body =
        codec.protocol() == Protocol.OPENAI
            ? "{\"model\":\"m\",\"stream\":true,\"n\":" + n
                + ",\"stream_options\":{\"include_usage\":" + includeUsage + "},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            : "{\"model\":\"m\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    return codec.parseRequest(body.getBytes(StandardCharsets.UTF_8));
  }

  /** SSE data frames, one per line of {@code lines}. */
  public static String dataFrames(String... lines) {
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      b.append("data: ").append(l).append("\n\n");
    }
    return b.toString();
  }
}
