package dev.bulwark.bench.jmh;

import dev.bulwark.protocol.Codecs;
import dev.bulwark.protocol.ProtocolCodec;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.StreamEncoder;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.sse.SseEvent;
import dev.bulwark.protocol.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The three protocol steps of the gateway's per-event path, apart, for one OpenAI text chunk of about
 * four characters, so that {@code StreamRelayBenchmark.upstreamEventToClient} can be split up:
 *
 * <ul>
 *   <li>{@link #sseParse}: the upstream's bytes of one event through {@link SseParser};
 *   <li>{@link #decodeChunk}: one parsed event through the OpenAI stream decoder (JSON to canonical);
 *   <li>{@link #encodeDelta}: one canonical text delta through the OpenAI stream encoder (canonical to
 *       the client's SSE text).
 * </ul>
 *
 * <p>Run: {@code bench/jmh.sh ProtocolCodecBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ProtocolCodecBenchmark {
  private static final int TOKENS = 4096;

  private final ProtocolCodec codec = Codecs.of(Protocol.OPENAI);
  private byte[][] bytes = new byte[0][];
  private SseEvent[] events = new SseEvent[0];
  private StreamEvent.BlockDelta[] deltas = new StreamEvent.BlockDelta[0];
  private SseParser parser = new SseParser(1 << 20);
  private StreamDecoder decoder = codec.newDecoder();
  private StreamEncoder encoder = codec.newEncoder(request());
  private final StringBuilder out = new StringBuilder(1024);
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    String[] tokens = BenchText.tokens(TOKENS);
    bytes = new byte[TOKENS][];
    events = new SseEvent[TOKENS];
    deltas = new StreamEvent.BlockDelta[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      String json = "{\"id\":\"chatcmpl-sim-1\",\"object\":\"chat.completion.chunk\",\"created\":1795738224,"
          + "\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + tokens[i]
          + "\"},\"logprobs\":null,\"finish_reason\":null}]}";
      bytes[i] = ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
      events[i] = new SseEvent("message", json);
      deltas[i] = new StreamEvent.BlockDelta(0, 0, BlockType.TEXT, tokens[i]);
    }
  }

  /** A fresh parser, decoder and encoder each iteration, each past the stream's first chunk. */
  @Setup(Level.Iteration)
  public void openStream() throws ProtocolException {
    parser = new SseParser(1 << 20);
    decoder = codec.newDecoder();
    decoder.decode(new SseEvent("message", "{\"id\":\"chatcmpl-sim-1\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1795738224,\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
        + "\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}"), e -> { });
    encoder = codec.newEncoder(request());
    encoder.encode(new StreamEvent.MessageStart("chatcmpl-bench", "bench", 0, Usage.ZERO), out);
    encoder.encode(new StreamEvent.BlockStart(0, 0, BlockType.TEXT, null, null, null), out);
    out.setLength(0);
    next = 0;
  }

  @Benchmark
  public void sseParse(Blackhole bh) throws ProtocolException {
    byte[] b = bytes[next++ & (TOKENS - 1)];
    parser.feed(b, 0, b.length, bh::consume);
  }

  @Benchmark
  public void decodeChunk(Blackhole bh) throws ProtocolException {
    decoder.decode(events[next++ & (TOKENS - 1)], bh::consume);
  }

  @Benchmark
  public int encodeDelta() {
    encoder.encode(deltas[next++ & (TOKENS - 1)], out);
    int n = out.length();
    out.setLength(0);
    return n;
  }

  private static dev.bulwark.protocol.model.ChatRequest request() {
    try {
      return Codecs.of(Protocol.OPENAI).parseRequest(
          "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"
              .getBytes(StandardCharsets.UTF_8));
    } catch (ProtocolException e) {
      throw new IllegalStateException(e);
    }
  }
}
