package dev.bulwark.simulator.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.protocol.ProtocolCodec;
import dev.bulwark.protocol.StreamEncoder;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.simulator.Fault;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Answers one model request according to its {@link Plan}: waits, then sends an error, a whole
 * response, or a stream paced token by token, and injects the plan's fault.
 *
 * <p>Concurrency: confined to the event loop that received the request. Every wait is a Vert.x
 * timer on that loop, so nothing blocks; when the client goes away the pending timer is cancelled
 * and nothing more is generated.
 *
 * <p>Pacing: a choice's token {@code k} is due {@code ttft + k / rate} after the headers; a chunk
 * of several tokens goes out when its last token is due. Deadlines are absolute, so timer lateness
 * does not accumulate, and chunks that fall due together go out in one write. As fast as possible
 * (rate 0) still returns to the event loop every {@link #STEPS_PER_TURN} chunks, and any time the
 * connection's write queue is full it waits for it to drain.
 */
final class Exchange {
  /** Chunks written before giving other connections on the loop a turn. */
  static final int STEPS_PER_TURN = 64;

  /** Characters buffered before a write. */
  static final int FLUSH_CHARS = 16 * 1024;

  private enum State {
    /** Before the headers: delayed, generating a whole response, or hung. */
    WAITING,
    STREAMING,
    DONE
  }

  private final Vertx vertx;
  private final Context context;
  private final HttpServerRequest req;
  private final HttpServerResponse resp;
  private final StatsRecorder stats;
  private final ProtocolCodec codec;
  private final Plan plan;
  private final long seq;
  private final int disconnectAt;
  private final int stallAt;
  private boolean stalled;

  private State state = State.WAITING;
  private long timerId = -1;

  // Stream cursor: the block being streamed, the next token in it, tokens emitted per choice.
  private int block;
  private int token;
  private int emitted;
  private long headersNanos;
  private @Nullable StreamEncoder encoder;
  private final StringBuilder out = new StringBuilder(256);

  Exchange(
      Vertx vertx,
      HttpServerRequest req,
      StatsRecorder stats,
      ProtocolCodec codec,
      Plan plan,
      long seq) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.context = vertx.getOrCreateContext();
    this.req = requireNonNull(req, "req");
    this.resp = req.response();
    this.stats = requireNonNull(stats, "stats");
    this.codec = requireNonNull(codec, "codec");
    this.plan = requireNonNull(plan, "plan");
    this.seq = seq;
    this.disconnectAt = plan.fault() instanceof Fault.Disconnect d ? d.afterTokens() : -1;
    this.stallAt = plan.fault() instanceof Fault.Stall st ? st.afterTokens() : -1;
  }

  void start() {
    stats.inFlight.incrementAndGet();
    resp.closeHandler(v -> clientGone());
    resp.putHeader(
        plan.protocol() == Protocol.ANTHROPIC ? "request-id" : "x-request-id", "req_sim_" + seq);
    after(plan.delayMillis() * 1_000_000L, this::afterDelay);
  }

  private void afterDelay() {
    Plan.ErrorAnswer error = plan.error();
    if (error != null) {
      SimulatorHandler.sendJson(
          resp, error.status(), codec.errorBody(error.kind(), error.message(), null));
      finish();
      return;
    }
    if (plan.fault() instanceof Fault.Hang
        || (plan.fault() instanceof Fault.Stall && !plan.request().stream())) {
      return; // Stays WAITING until the client gives up or the simulator closes.
    }
    if (plan.request().stream()) {
      startStream();
    } else {
      after(plan.dueNanos(plan.tokensPerChoice() - 1), this::sendWhole);
    }
  }

  private void sendWhole() {
    if (plan.fault() instanceof Fault.Disconnect) {
      disconnect();
      return;
    }
    byte[] body = codec.encodeResponse(plan.response());
    if (plan.fault() instanceof Fault.Malformed) {
      // Half of a JSON object never closes it, so this is always broken JSON.
      body = Arrays.copyOf(body, body.length / 2);
      stats.faultsInjected.increment();
    }
    SimulatorHandler.sendJson(resp, 200, body);
    finish();
  }

  private void startStream() {
    state = State.STREAMING;
    stats.streamsStarted.increment();
    resp.setStatusCode(200)
        .setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache");
    StreamEncoder enc = codec.newEncoder(plan.request());
    encoder = enc;
    enc.encode(
        new StreamEvent.MessageStart(
            plan.id(),
            plan.request().model(),
            plan.created(),
            new Usage(plan.usage().inputTokens(), 0)),
        out);
    if (plan.fault() instanceof Fault.Malformed) {
      out.append(plan.protocol() == Protocol.ANTHROPIC ? "event: content_block_delta\n" : "")
          .append("data: {\"malformed\": tru\n\n");
      stats.faultsInjected.increment();
      state = State.DONE;
      resp.end(Buffer.buffer(out.toString()));
      release();
      return;
    }
    headersNanos = System.nanoTime();
    pump();
  }

  /** Emits every chunk that is due, then waits for the next deadline, the drain, or a turn. */
  private void pump() {
    if (state != State.STREAMING) {
      return;
    }
    if (resp.writeQueueFull()) {
      resp.drainHandler(
          v -> {
            resp.drainHandler(null);
            pump();
          });
      return;
    }
    StreamEncoder enc = requireNonNull(encoder);
    List<Plan.Block> blocks = plan.blocks();
    long now = System.nanoTime() - headersNanos;
    int steps = 0;
    while (block < blocks.size()) {
      if (disconnectAt >= 0 && emitted >= disconnectAt) {
        disconnect();
        return;
      }
      if (stallAt >= 0 && emitted >= stallAt) {
        flush();
        if (!stalled) {
          stalled = true;
          stats.faultsInjected.increment();
        }
        return; // Stays STREAMING with nothing scheduled until the client gives up or the simulator closes.
      }
      Plan.Block b = blocks.get(block);
      int take = Math.min(plan.chunkTokens(), b.tokens().size() - token);
      if (disconnectAt >= 0) {
        take = Math.min(take, disconnectAt - emitted);
      }
      if (stallAt >= 0) {
        take = Math.min(take, stallAt - emitted);
      }
      long due = plan.dueNanos(emitted + take - 1);
      if (due > now) {
        flush();
        after(due - now, this::pump);
        return;
      }
      emitChunk(enc, b, take);
      if (++steps >= STEPS_PER_TURN || out.length() >= FLUSH_CHARS) {
        flush();
        context.runOnContext(v -> pump());
        return;
      }
    }
    if (disconnectAt >= 0) {
      disconnect(); // A disconnect fault never lets the stream finish, however late it is set.
      return;
    }
    if (stallAt >= 0) {
      flush();
      if (!stalled) {
        stalled = true;
        stats.faultsInjected.increment();
      }
      return; // Nor does a stall: the end marker never comes.
    }
    for (int c = 0; c < plan.choices(); c++) {
      enc.encode(new StreamEvent.ChoiceStop(c, plan.stopReason(), plan.stopSequence()), out);
    }
    enc.encode(new StreamEvent.UsageUpdate(plan.usage()), out);
    enc.encode(new StreamEvent.MessageStop(), out);
    state = State.DONE;
    stats.streamsCompleted.increment();
    resp.end(Buffer.buffer(out.toString()));
    out.setLength(0);
    release();
  }

  /** Appends the next {@code take} tokens of the current block, for every choice. */
  private void emitChunk(StreamEncoder enc, Plan.Block b, int take) {
    List<String> tokens = b.tokens();
    String text =
        take == 1 ? tokens.get(token) : String.join("", tokens.subList(token, token + take));
    boolean first = token == 0;
    boolean last = token + take == tokens.size();
    for (int c = 0; c < plan.choices(); c++) {
      if (first) {
        enc.encode(
            new StreamEvent.BlockStart(c, block, b.type(), b.toolId(), b.toolName(), null), out);
      }
      if (take > 0) {
        enc.encode(new StreamEvent.BlockDelta(c, block, b.type(), text), out);
      }
      if (last) {
        if (b.signature() != null) {
          enc.encode(new StreamEvent.SignatureDelta(c, block, b.signature()), out);
        }
        enc.encode(new StreamEvent.BlockStop(c, block), out);
      }
    }
    emitted += take;
    token += take;
    if (last) {
      block++;
      token = 0;
    }
  }

  private void flush() {
    if (out.length() > 0) {
      resp.write(Buffer.buffer(out.toString()));
      out.setLength(0);
    }
  }

  /** The disconnect fault: whatever was generated goes out, then the connection closes. */
  private void disconnect() {
    flush();
    state = State.DONE;
    stats.faultsInjected.increment();
    req.connection().close();
    release();
  }

  /** Runs {@code next} after {@code nanos}, at once if that is not positive. */
  private void after(long nanos, Runnable next) {
    if (nanos <= 0) {
      next.run();
      return;
    }
    // Round up: a timer that fires early would find nothing due and set another.
    long millis = Math.max(1, (nanos + 999_999) / 1_000_000);
    timerId =
        vertx.setTimer(
            millis,
            id -> {
              timerId = -1;
              if (state != State.DONE) {
                next.run();
              }
            });
  }

  /** The connection closed before the answer was complete. */
  private void clientGone() {
    State was = state;
    if (was == State.DONE) {
      return;
    }
    state = State.DONE;
    // Leave the in-flight count before counting the cancellation, so that a reader who sees the
    // cancellation also sees the request gone.
    release();
    if (was == State.WAITING) {
      stats.requestsAbandoned.increment();
    } else {
      stats.streamsCancelled.increment();
    }
  }

  private void finish() {
    state = State.DONE;
    release();
  }

  /** Cancels the pending timer and leaves the in-flight count; called once, on reaching DONE. */
  private void release() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    stats.inFlight.decrementAndGet();
  }
}
