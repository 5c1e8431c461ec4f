package dev.bulwark.gateway.internal;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.bench.jmh.BenchText;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.StreamingGuard;
import dev.bulwark.core.pipeline.StreamingGuardSession;
import dev.bulwark.core.pipeline.StreamingStage;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.protocol.Codecs;
import dev.bulwark.protocol.ProtocolCodec;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.StreamEncoder;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.sse.SseParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The gateway's streaming path, per event, as {@code ChatHandler} drives it for an OpenAI client of
 * an OpenAI upstream. It lives in the package of {@link StreamRelay}, which is package-private.
 *
 * <ul>
 *   <li>{@link #relayDelta}: one text delta of about four characters through {@link StreamRelay} and
 *       its {@link StreamingGuardSession} (score, hold back, release), and the client's encoder: the
 *       safeguard layer's cost per streamed event;
 *   <li>{@link #upstreamEventToClient}: the whole per-event path: the upstream's SSE bytes of one
 *       chunk through {@link SseParser}, the OpenAI stream decoder, the relay and the encoder;
 *   <li>{@link #wholeStream40Tokens}: one complete 40-token stream: session opened, start, 40 deltas,
 *       stops, the stages' final verdicts and the completion digest.
 * </ul>
 *
 * <p>{@code pipeline=pass-through} has no streaming stage (the relay still holds, digests and
 * releases); {@code pipeline=phrase} has the embedded defaults' phrase stage.
 *
 * <p>Run: {@code bench/jmh.sh StreamRelayBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StreamRelayBenchmark {
  private static final int TOKENS = 4096;
  private static final String REQUEST =
      "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

  @Param({"pass-through", "phrase"})
  public String pipeline = "phrase";

  private final ProtocolCodec codec = Codecs.of(Protocol.OPENAI);
  private StreamingGuard guard = new StreamingGuard(List.of(), Ticker.system());
  private Policy policy = Policy.builder("unset").build();
  private Conversation prompt = Conversation.ofUser("bench", "");
  private ChatRequest request = parse(REQUEST);
  private StreamEvent.BlockDelta[] deltas = new StreamEvent.BlockDelta[0];
  private byte[][] upstreamEvents = new byte[0][];
  private final StringBuilder out = new StringBuilder(1024);
  private StreamRelay relay = newRelay();
  private SseParser parser = new SseParser(1 << 20);
  private StreamDecoder decoder = codec.newDecoder();
  private final Consumer<StreamEvent> toRelay = e -> relay.accept(e);
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    BulwarkConfig config = BenchText.defaults();
    List<StreamingStage> stages = pipeline.equals("phrase")
        ? List.of(new PhraseStage("phrases", BenchText.rules(config, false)))
        : List.of();
    guard = new StreamingGuard(stages, Ticker.system());
    policy = BenchText.standardPolicy(config);
    prompt = Conversation.ofUser("bench", BenchText.words(40));
    request = parse(REQUEST);
    String[] tokens = BenchText.tokens(TOKENS);
    deltas = new StreamEvent.BlockDelta[TOKENS];
    upstreamEvents = new byte[TOKENS][];
    for (int i = 0; i < TOKENS; i++) {
      deltas[i] = new StreamEvent.BlockDelta(0, 0, BlockType.TEXT, tokens[i]);
      // What the simulator (and OpenAI) send for one token.
      upstreamEvents[i] = ("data: {\"id\":\"chatcmpl-sim-1\",\"object\":\"chat.completion.chunk\",\"created\":1795738224,"
          + "\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + tokens[i]
          + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A fresh stream each iteration: relay, session, parser and decoder, already past the start. */
  @Setup(Level.Iteration)
  public void openStream() throws ProtocolException {
    relay = newRelay();
    parser = new SseParser(1 << 20);
    decoder = codec.newDecoder();
    // The upstream's first chunk (role, empty content) starts the message and opens the text block,
    // in the decoder and, through it, in the relay.
    byte[] first = ("data: {\"id\":\"chatcmpl-sim-1\",\"object\":\"chat.completion.chunk\",\"created\":1795738224,"
        + "\"model\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"logprobs\":null,\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
    parser.feed(first, sse -> decode(sse));
    out.setLength(0);
    next = 0;
  }

  @Benchmark
  public StreamRelay.Status relayDelta() {
    StreamRelay.Status s = relay.accept(deltas[next++ & (TOKENS - 1)]);
    out.setLength(0);
    return s;
  }

  @Benchmark
  public int upstreamEventToClient() throws ProtocolException {
    byte[] event = upstreamEvents[next++ & (TOKENS - 1)];
    parser.feed(event, 0, event.length, sse -> decode(sse));
    int n = out.length();
    out.setLength(0);
    return n;
  }

  @Benchmark
  public void wholeStream40Tokens(Blackhole bh) {
    out.setLength(0);
    StreamRelay r = newRelay();
    r.accept(new StreamEvent.MessageStart("up", "bench", 0, Usage.ZERO));
    r.accept(new StreamEvent.BlockStart(0, 0, BlockType.TEXT, null, null, null));
    for (int i = 0; i < 40; i++) {
      r.accept(deltas[(next + i) & (TOKENS - 1)]);
    }
    next += 40;
    r.accept(new StreamEvent.BlockStop(0, 0));
    r.accept(new StreamEvent.ChoiceStop(0, StopReason.END_TURN, null));
    r.accept(new StreamEvent.UsageUpdate(new Usage(40, 40)));
    if (r.accept(new StreamEvent.MessageStop()) == StreamRelay.Status.UPSTREAM_DONE) {
      bh.consume(r.finishStreaming());
      r.complete();
    }
    bh.consume(r.completionSha256());
    bh.consume(out.length());
  }

  private void decode(dev.bulwark.protocol.sse.SseEvent sse) {
    try {
      decoder.decode(sse, toRelay);
    } catch (ProtocolException e) {
      throw new IllegalStateException("the benchmark's upstream event does not decode", e);
    }
  }

  private StreamRelay newRelay() {
    StreamingGuardSession session = guard.open(prompt, policy);
    StreamEncoder encoder = codec.newEncoder(request);
    return new StreamRelay(session, e -> encoder.encode(e, out), new StreamRelay.Listener() {
      @Override
      public void firstContentReleased() {}

      @Override
      public void halted() {}
    }, new StreamEvent.MessageStart("chatcmpl-bench", "bench", 0, Usage.ZERO), 1, 1 << 20, false);
  }

  private static ChatRequest parse(String json) {
    try {
      return Codecs.of(Protocol.OPENAI).parseRequest(json.getBytes(StandardCharsets.UTF_8));
    } catch (ProtocolException e) {
      throw new IllegalStateException(e);
    }
  }
}
