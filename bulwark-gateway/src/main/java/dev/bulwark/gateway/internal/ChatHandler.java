package dev.bulwark.gateway.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.access.Authentication;
import dev.bulwark.access.RateLimiter;
import dev.bulwark.core.Verdict;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.Decision;
import dev.bulwark.core.pipeline.Guard;
import dev.bulwark.core.pipeline.StreamingGuardSession;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.gateway.Route;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.protocol.Codecs;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolCodec;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.StreamEncoder;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.Usage;
import dev.bulwark.protocol.sse.SseParser;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one chat endpoint ({@code /v1/chat/completions} or {@code /v1/messages}) for every request:
 * authenticate, limit, read and validate, route, check the prompt while the start record is made
 * durable, forward, relay the completion through the streaming stages, record.
 *
 * <p>Every answer, error or not, is in the client protocol's own shape, and every request, whatever
 * became of it, ends with exactly one final event in the log.
 */
public final class ChatHandler implements Handler<HttpServerRequest> {
  private static final Logger log = LoggerFactory.getLogger(ChatHandler.class);
  private static final Logger access = LoggerFactory.getLogger("bulwark.access");
  private static final int MAX_ERROR_BODY = 64 * 1024;
  /** How often a draining relay is asked again besides its wake-ups (for deadlines). */
  private static final long DRAIN_RECHECK_MS = 250;

  private final GatewayContext g;
  private final ProtocolCodec codec;

  public ChatHandler(GatewayContext context, Protocol protocol) {
    this.g = requireNonNull(context, "context");
    this.codec = Codecs.of(protocol);
  }

  @Override
  public void handle(HttpServerRequest request) {
    new Call(request).begin();
  }

  /** One request's state. Confined to the request's event loop. */
  private final class Call {
    private final HttpServerRequest req;
    private final HttpServerResponse resp;
    private final ExchangeRecord x;
    private final Context context;
    private RateLimiter.@Nullable Permit permit;
    private @Nullable Policy policy;
    private @Nullable ChatRequest chat;
    private @Nullable Conversation conversation;
    private @Nullable UpstreamClient upstream;
    private UpstreamClient.@Nullable Sent sent;
    private @Nullable StreamRelay relay;
    private boolean forwarded;
    private boolean upstreamDone;
    private @Nullable Runnable drainWake;
    private boolean drainWatched;
    private boolean clientGone;
    private boolean finished;

    Call(HttpServerRequest req) {
      this.req = req;
      this.resp = req.response();
      this.context = Vertx.currentContext();
      long now = g.ticker.read();
      java.time.Instant at = g.clock.instant();
      this.x = new ExchangeRecord(
          RequestIds.next(at.toEpochMilli()), codec.protocol(), now, at,
          TraceContext.continueOrStart(req.getHeader("traceparent")));
    }

    void begin() {
      resp.putHeader("x-request-id", x.requestId);
      resp.closeHandler(v -> clientClosed());
      java.util.concurrent.CompletableFuture<Authentication> auth =
          g.keys.authenticateFresh(presentedKey()).toCompletableFuture();
      if (auth.isDone()) {
        admit(auth.join());
        return;
      }
      // A key the directory has not loaded yet (created a moment ago by the CLI, another process):
      // the request waits, its body unread, for the directory's refresh rather than failing once.
      req.pause();
      auth.whenComplete((a, failure) -> context.runOnContext(v -> {
        if (finished) {
          return;
        }
        req.resume();
        admit(a != null ? a : new Authentication.Denied(Authentication.Reason.UNKNOWN, null));
      }));
    }

    private void admit(Authentication auth) {
      if (auth instanceof Authentication.Denied d) {
        x.keyIdPresented = d.keyId();
        rejectAfterBody(d.reason().recognised() ? ErrorKind.PERMISSION : ErrorKind.AUTHENTICATION, d.reason().message());
        return;
      }
      x.principal = ((Authentication.Granted) auth).principal();
      Optional<Policy> resolved = g.policies.resolve(x.principal);
      if (resolved.isEmpty()) {
        rejectAfterBody(ErrorKind.PERMISSION, "this key's tier has no policy configured; ask the operator");
        return;
      }
      Policy p = resolved.get();
      policy = p;
      x.policy = p;
      RateLimiter.Outcome limit = g.limiter.acquire(x.principal.keyId(), p.limits());
      if (limit instanceof RateLimiter.Refused r) {
        resp.putHeader("retry-after", Long.toString(r.retryAfterSeconds()));
        rejectAfterBody(ErrorKind.RATE_LIMIT, "rate".equals(r.limit())
            ? "too many requests for this key; retry after " + r.retryAfterSeconds() + " s"
            : "too many concurrent requests for this key");
        return;
      }
      permit = (RateLimiter.Permit) limit;
      readBody();
    }

    private @Nullable String presentedKey() {
      String auth = req.getHeader("authorization");
      if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return auth.substring(7).trim();
      }
      return req.getHeader("x-api-key");
    }

    /**
     * Answers an error once the request's body has been read and dropped, so the connection stays
     * usable for the client's next request; a body past the size limit is answered at once.
     */
    private void rejectAfterBody(ErrorKind kind, String message) {
      if (req.isEnded()) {
        reject(kind, message, null);
        return;
      }
      long[] seen = new long[1];
      int max = g.settings.maxBodyBytes();
      req.handler(chunk -> {
        seen[0] += chunk.length();
        if (seen[0] > max) {
          reject(kind, message, null);
        }
      });
      req.exceptionHandler(t -> reject(kind, message, null));
      req.endHandler(v -> reject(kind, message, null));
    }

    private void readBody() {
      int max = g.settings.maxBodyBytes();
      String declared = req.getHeader("content-length");
      if (declared != null) {
        try {
          if (Long.parseLong(declared.trim()) > max) {
            reject(ErrorKind.REQUEST_TOO_LARGE, "the request body is larger than " + max + " bytes", null);
            return;
          }
        } catch (NumberFormatException e) {
          reject(ErrorKind.INVALID_REQUEST, "the content-length header is not a number", null);
          return;
        }
      }
      Buffer body = Buffer.buffer();
      boolean[] tooLarge = new boolean[1];
      req.handler(chunk -> {
        if (tooLarge[0] || finished) {
          return;
        }
        if (body.length() + chunk.length() > max) {
          tooLarge[0] = true;
          reject(ErrorKind.REQUEST_TOO_LARGE, "the request body is larger than " + max + " bytes", null);
          return;
        }
        body.appendBuffer(chunk);
      });
      req.exceptionHandler(t -> {
        if (!finished && !resp.ended()) {
          clientGone = true;
          finish("client_disconnected", 499);
        }
      });
      req.endHandler(v -> {
        if (!tooLarge[0] && !finished) {
          onBody(body.getBytes());
        }
      });
    }

    private void onBody(byte[] bytes) {
      if (!validUtf8(bytes)) {
        reject(ErrorKind.INVALID_REQUEST, "the request body is not valid UTF-8", null);
        return;
      }
      ChatRequest parsed;
      try {
        parsed = codec.parseRequest(bytes);
      } catch (ProtocolException e) {
        reject(e.kind(), e.getMessage(), e.param());
        return;
      }
      chat = parsed;
      x.model = parsed.model();
      x.stream = parsed.stream();
      Optional<Route> route = g.settings.route(parsed.model());
      if (route.isEmpty()) {
        reject(ErrorKind.NOT_FOUND, "the model '" + parsed.model() + "' does not exist", "model");
        return;
      }
      UpstreamClient up = requireNonNull(g.upstreams.get(route.get().upstream()), "routed upstream");
      upstream = up;
      try {
        Codecs.checkRoutable(parsed, up.spec().protocol());
      } catch (ProtocolException e) {
        reject(e.kind(), e.getMessage(), e.param());
        return;
      }
      x.upstream = up.spec().name();
      x.upstreamModel = route.get().upstreamModelFor(parsed.model());
      x.upstreamProtocol = up.spec().protocol();
      Conversation conv = Conversations.of(parsed);
      conversation = conv;
      x.conversation = conv;
      // An organization's grant may cover some models only: resolve again now that the model is known.
      Optional<Policy> forModel = g.policies.resolve(requireNonNull(x.principal), parsed.model());
      if (forModel.isEmpty()) {
        reject(ErrorKind.PERMISSION, "this key's tier has no policy configured; ask the operator", null);
        return;
      }
      policy = forModel.get();
      x.policy = forModel.get();
      // One pipeline for the whole request, even if an operator swaps it meanwhile.
      Policy p = requireNonNull(policy);
      SafeguardPipeline pipeline = g.pipeline.get().forPolicy(p.name());
      CompletableFuture<Decision> decision = pipeline.promptGuard().check(conv, p);
      CompletableFuture<Long> received = g.events.append(x.receivedEvent());
      CompletableFuture.allOf(decision, received)
          .whenComplete((ignored, error) -> context.runOnContext(v -> afterPromptCheck(pipeline, decision, received)));
    }

    private void afterPromptCheck(
        SafeguardPipeline pipeline, CompletableFuture<Decision> decision, CompletableFuture<Long> received) {
      if (finished) {
        return;
      }
      if (clientGone) {
        finish("client_disconnected", 499);
        return;
      }
      Decision d = decision.getNow(null);
      if (d == null || decision.isCompletedExceptionally()) {
        // Guards never fail by contract; if one did, fail closed.
        reject(ErrorKind.API_ERROR, "the safeguards could not assess this request", null);
        return;
      }
      x.promptVerdicts = d.verdicts();
      if (received.isCompletedExceptionally()) {
        // No durable record, no forwarding: the audit trail must cover every request the model sees.
        log.error("could not record request {} before forwarding; refusing it", x.requestId, causeOf(received));
        reject(ErrorKind.OVERLOADED, "the audit log is unavailable; nothing was sent to the model", null);
        return;
      }
      if (d.stops()) {
        respondRefusal();
        return;
      }
      forward(pipeline);
    }

    private void forward(SafeguardPipeline pipeline) {
      ChatRequest c = requireNonNull(chat);
      UpstreamClient up = requireNonNull(upstream);
      Protocol upstreamProtocol = up.spec().protocol();
      ChatRequest outbound = pipeline.patchRequest(c.withModel(requireNonNull(x.upstreamModel)), requireNonNull(policy).name());
      if (c.stream() && upstreamProtocol == Protocol.OPENAI) {
        outbound = outbound.withIncludeUsage(true);
      }
      byte[] body = Codecs.of(upstreamProtocol).encodeRequest(outbound, g.settings.defaultMaxTokens());
      Map<String, String> headers = new HashMap<>();
      headers.put("traceparent", x.trace.traceparent());
      String tracestate = req.getHeader("tracestate");
      if (tracestate != null) {
        headers.put("tracestate", tracestate);
      }
      long sentAt = g.ticker.read();
      forwarded = true;
      up.send(Buffer.buffer(body), c.stream(), headers).onComplete(ar -> {
        long now = g.ticker.read();
        x.upstreamHeadersNanos = now;
        if (ar.failed()) {
          upstreamDone = true;
          ErrorKind kind = UpstreamClient.classify(ar.cause());
          g.metrics.upstream(up.spec().name(), "error", now - sentAt);
          upstreamFailure(kind, kind == ErrorKind.TIMEOUT
              ? "the model did not answer in time"
              : "the model's server could not be reached");
          return;
        }
        UpstreamClient.Sent s = ar.result();
        sent = s;
        g.metrics.upstream(up.spec().name(), Integer.toString(s.response().statusCode()), now - sentAt);
        if (clientGone || finished) {
          cancelUpstream();
          finish("client_disconnected", 499);
          return;
        }
        int status = s.response().statusCode();
        if (status / 100 != 2) {
          upstreamErrorResponse(s.response(), upstreamProtocol);
        } else if (c.stream()) {
          relayStream(pipeline, s.response(), upstreamProtocol);
        } else {
          relayWhole(pipeline, s.response(), upstreamProtocol);
        }
      });
    }

    private void upstreamErrorResponse(HttpClientResponse response, Protocol upstreamProtocol) {
      int status = response.statusCode();
      readLimited(response, MAX_ERROR_BODY, bytes -> {
        upstreamDone = true;
        String detail = bytes == null ? null : Codecs.of(upstreamProtocol).parseErrorMessage(bytes);
        String message = "the model's server answered HTTP " + status + (detail == null ? "" : ": " + detail);
        ErrorKind kind;
        if (status == 400 || status == 413 || status == 422) {
          kind = ErrorKind.INVALID_REQUEST;
        } else if (status == 429) {
          kind = ErrorKind.RATE_LIMIT;
          String retry = response.getHeader("retry-after");
          resp.putHeader("retry-after", retry == null ? "1" : retry);
        } else if (status == 503 || status == 529) {
          kind = ErrorKind.OVERLOADED;
        } else if (status == 504) {
          kind = ErrorKind.TIMEOUT;
        } else {
          kind = ErrorKind.BAD_GATEWAY;
        }
        upstreamFailure(kind, message);
      });
    }

    private void relayWhole(SafeguardPipeline pipeline, HttpClientResponse response, Protocol upstreamProtocol) {
      readLimited(response, g.settings.maxResponseBytes(), bytes -> {
        upstreamDone = true;
        if (bytes == null) {
          upstreamFailure(ErrorKind.BAD_GATEWAY, "the model's response was larger than "
              + g.settings.maxResponseBytes() + " bytes");
          return;
        }
        ChatResponse upstreamResponse;
        try {
          upstreamResponse = Codecs.of(upstreamProtocol).parseResponse(bytes);
        } catch (ProtocolException e) {
          upstreamFailure(ErrorKind.BAD_GATEWAY, "the model's server sent an invalid response");
          return;
        }
        WholeResponses.Collector collector = new WholeResponses.Collector();
        StreamRelay r = newRelay(pipeline, collector);
        Runnable respond = () -> {
          boolean halted = r.status() == StreamRelay.Status.HALTED;
          ChatResponse out = collector.response(halted ? g.settings.refusalMessage() : null);
          resp.putHeader("content-type", "application/json");
          if (halted) {
            resp.putHeader("x-bulwark-action", "halt");
          }
          resp.setStatusCode(200).end(Buffer.buffer(codec.encodeResponse(out)));
          finish(halted ? "halted" : "completed", 200);
        };
        // A stage still judging in the background when the response has been read: answer once it is in.
        Runnable wake = () -> {
          if (r.status() == StreamRelay.Status.DRAINING) {
            r.recheck();
            if (r.status() != StreamRelay.Status.DRAINING) {
              afterUpstream(pipeline, r, respond);
            }
          }
        };
        r.wakeUpWith(() -> context.runOnContext(v -> wake.run()));
        for (StreamEvent e : WholeResponses.toEvents(upstreamResponse)) {
          if (r.accept(e) != StreamRelay.Status.STREAMING) {
            break;
          }
        }
        if (r.status() == StreamRelay.Status.DRAINING) {
          watchDraining(r, wake);
          return;
        }
        afterUpstream(pipeline, r, respond);
      });
    }

    /**
     * While a relay drains, asks it again every {@value #DRAIN_RECHECK_MS} ms as well as on wake-ups:
     * a background result that never comes must still meet its stage's deadline (the recheck fails it).
     */
    private void watchDraining(StreamRelay r, Runnable wake) {
      Vertx vertx = context.owner();
      vertx.setPeriodic(DRAIN_RECHECK_MS, id -> {
        if (r.status() != StreamRelay.Status.DRAINING) {
          vertx.cancelTimer(id);
        } else {
          wake.run();
        }
      });
    }

    private void relayStream(SafeguardPipeline pipeline, HttpClientResponse response, Protocol upstreamProtocol) {
      ChatRequest c = requireNonNull(chat);
      StreamEncoder encoder = codec.newEncoder(c);
      StringBuilder out = new StringBuilder(256);
      resp.setChunked(true)
          .putHeader("content-type", "text/event-stream; charset=utf-8")
          .putHeader("cache-control", "no-cache")
          .putHeader("x-accel-buffering", "no");
      StreamRelay r = newRelay(pipeline, e -> encoder.encode(e, out));
      g.metrics.streamStarted();
      SseParser parser = new SseParser(g.settings.maxResponseBytes());
      StreamDecoder decoder = Codecs.of(upstreamProtocol).newDecoder();
      Runnable flush = () -> {
        if (out.length() > 0 && !clientGone) {
          resp.write(out.toString());
          out.setLength(0);
        }
      };
      // A stage scoring in the background (stage 2 of a classifier) wakes the stream when its result is
      // in, so held-back text is released (or the stream halted) without waiting for the next chunk.
      Runnable wake = () -> {
        if (r.status() == StreamRelay.Status.STREAMING || r.status() == StreamRelay.Status.DRAINING) {
          r.recheck();
          flush.run();
          afterChunk(pipeline, r, flush);
        }
      };
      r.wakeUpWith(() -> context.runOnContext(v -> wake.run()));
      drainWake = wake;
      response.handler(buf -> {
        if (r.status() != StreamRelay.Status.STREAMING) {
          return;
        }
        try {
          byte[] bytes = buf.getBytes();
          parser.feed(bytes, 0, bytes.length, sse -> {
            if (r.status() == StreamRelay.Status.STREAMING) {
              try {
                decoder.decode(sse, r::accept);
              } catch (ProtocolException e) {
                throw new InvalidUpstream(e);
              }
            }
          });
        } catch (ProtocolException | InvalidUpstream e) {
          x.errorKind = "upstream_invalid_stream";
          r.accept(new StreamEvent.StreamError("api_error", "the model's server sent an invalid stream"));
        }
        flush.run();
        afterChunk(pipeline, r, flush);
        if (r.status() == StreamRelay.Status.STREAMING && resp.writeQueueFull()) {
          response.pause();
          resp.drainHandler(v -> response.resume());
        }
      });
      response.exceptionHandler(t -> {
        upstreamDone = true;
        if (r.status() == StreamRelay.Status.STREAMING) {
          ErrorKind kind = UpstreamClient.classify(t);
          x.errorKind = kind == ErrorKind.TIMEOUT ? "upstream_timeout" : "upstream_broken";
          r.accept(new StreamEvent.StreamError(kind.anthropicType(),
              kind == ErrorKind.TIMEOUT ? "the model stopped sending in time" : "the model's stream broke off"));
          flush.run();
          afterChunk(pipeline, r, flush);
        }
      });
      response.endHandler(v -> {
        upstreamDone = true;
        if (r.status() == StreamRelay.Status.STREAMING) {
          decoder.end(r::accept);
          if (r.status() == StreamRelay.Status.FAILED && x.errorKind == null) {
            x.errorKind = "upstream_broken";
          }
          flush.run();
          afterChunk(pipeline, r, flush);
        }
      });
    }

    /** Acts on the relay's state after a batch of upstream events. */
    private void afterChunk(SafeguardPipeline pipeline, StreamRelay r, Runnable flush) {
      switch (r.status()) {
        case STREAMING -> { }
        case DRAINING -> {
          if (!drainWatched) {
            drainWatched = true;
            watchDraining(r, requireNonNull(drainWake));
          }
        }
        case UPSTREAM_DONE -> afterUpstream(pipeline, r, () -> {
          flush.run();
          endStream(r.status() == StreamRelay.Status.HALTED ? "halted" : "completed");
        });
        case HALTED -> {
          flush.run();
          endStream("halted");
        }
        case FAILED -> {
          cancelUpstream();
          flush.run();
          endStream("upstream_broken");
        }
        case COMPLETED -> { }
      }
    }

    private void endStream(String outcome) {
      if (finished) {
        return;
      }
      g.metrics.streamEnded();
      if (!clientGone) {
        resp.end();
      }
      finish(clientGone ? "client_disconnected" : outcome, clientGone ? 499 : 200);
    }

    /** After the upstream finished: streaming verdicts, completion stages, then release or refuse. */
    private void afterUpstream(SafeguardPipeline pipeline, StreamRelay r, Runnable respond) {
      if (r.status() != StreamRelay.Status.UPSTREAM_DONE) {
        respond.run();
        return;
      }
      // A stage's view of the whole stream can still stop it: what is held back stays unreleased.
      if (r.finishStreaming().stops()) {
        r.halt();
        respond.run();
        return;
      }
      if (!pipeline.hasCompletionStages()) {
        r.complete();
        respond.run();
        return;
      }
      pipeline.completionGuard()
          .check(new Guard.Exchange(requireNonNull(conversation), r.completion()), requireNonNull(policy))
          .whenComplete((d, err) -> context.runOnContext(v -> {
            if (d != null) {
              x.completionVerdicts = d.verdicts();
            }
            if (d == null || d.stops()) {
              r.halt();
            } else {
              r.complete();
            }
            respond.run();
          }));
    }

    private StreamRelay newRelay(SafeguardPipeline pipeline, java.util.function.Consumer<StreamEvent> sink) {
      ChatRequest c = requireNonNull(chat);
      StreamingGuardSession session = pipeline.streamingGuard().open(requireNonNull(conversation), requireNonNull(policy));
      StreamEvent.MessageStart start = new StreamEvent.MessageStart(
          responseId(), c.model(), x.receivedAt.getEpochSecond(), Usage.ZERO);
      StreamRelay r = new StreamRelay(
          session, sink,
          new StreamRelay.Listener() {
            @Override
            public void firstContentReleased() {
              x.firstContentNanos = g.ticker.read();
            }

            @Override
            public void halted() {
              cancelUpstream();
            }
          },
          start, c.n(), g.settings.maxHeldChars(),
          pipeline.hasCompletionStages() || x.retainsText());
      relay = r;
      if (session.halted()) {
        r.halt();
      }
      return r;
    }

    private void respondRefusal() {
      ChatRequest c = requireNonNull(chat);
      String id = responseId();
      long created = x.receivedAt.getEpochSecond();
      resp.putHeader("x-bulwark-action", "block");
      if (c.stream()) {
        StreamEncoder encoder = codec.newEncoder(c);
        StringBuilder out = new StringBuilder();
        encoder.encode(new StreamEvent.MessageStart(id, c.model(), created, Usage.ZERO), out);
        for (int i = 0; i < c.n(); i++) {
          encoder.encode(new StreamEvent.ChoiceStop(i, StopReason.REFUSAL, null), out);
        }
        encoder.encode(new StreamEvent.UsageUpdate(Usage.ZERO), out);
        encoder.encode(new StreamEvent.MessageStop(), out);
        resp.setStatusCode(200).putHeader("content-type", "text/event-stream; charset=utf-8")
            .putHeader("cache-control", "no-cache").end(out.toString());
      } else {
        List<ChatResponse.Choice> choices = new ArrayList<>();
        for (int i = 0; i < c.n(); i++) {
          choices.add(new ChatResponse.Choice(i, List.of(), StopReason.REFUSAL, null, g.settings.refusalMessage()));
        }
        ChatResponse refusal = new ChatResponse(id, c.model(), created, choices, Usage.ZERO);
        resp.setStatusCode(200).putHeader("content-type", "application/json")
            .end(Buffer.buffer(codec.encodeResponse(refusal)));
      }
      finish("blocked", 200);
    }

    private String responseId() {
      return codec.protocol() == Protocol.OPENAI ? "chatcmpl-" + x.requestId : "msg_" + x.requestId;
    }

    private void upstreamFailure(ErrorKind kind, String message) {
      x.errorKind = "upstream_" + kind.name().toLowerCase(java.util.Locale.ROOT);
      respondError(kind, message, null);
      finish("upstream_error", kind.status());
    }

    private void reject(ErrorKind kind, String message, @Nullable String param) {
      if (finished) {
        return;
      }
      x.errorKind = kind.name().toLowerCase(java.util.Locale.ROOT);
      x.errorDetail = message;
      respondError(kind, message, param);
      finish(forwarded ? "upstream_error" : "rejected", kind.status());
    }

    private void respondError(ErrorKind kind, String message, @Nullable String param) {
      if (clientGone) {
        return;
      }
      // An HTTP/1.x client still sending a body we will not read: close once answered, so the rest
      // of it cannot be taken for the next request. (HTTP/2 ends just this stream.)
      boolean bodyUnread = !req.isEnded() && req.version() != HttpVersion.HTTP_2;
      resp.setStatusCode(kind.status()).putHeader("content-type", "application/json");
      if (bodyUnread) {
        resp.putHeader("connection", "close");
      }
      resp.end(Buffer.buffer(codec.errorBody(kind, message, param))).onComplete(v -> {
        if (bodyUnread) {
          req.connection().close();
        }
      });
    }

    private void clientClosed() {
      // HTTP/2 closes a response's stream on every end, so only a close before our end is the client's.
      if (finished || resp.ended()) {
        return;
      }
      clientGone = true;
      cancelUpstream();
      StreamRelay r = relay;
      if (r != null && chat != null && chat.stream()) {
        g.metrics.streamEnded();
      }
      finish("client_disconnected", 499);
    }

    private void cancelUpstream() {
      UpstreamClient.Sent s = sent;
      if (s != null && !upstreamDone) {
        upstreamDone = true;
        s.request().reset();
      }
    }

    private void finish(String outcome, int status) {
      if (finished) {
        return;
      }
      finished = true;
      long end = g.ticker.read();
      x.endNanos = end;
      x.outcome = outcome;
      x.status = status;
      RateLimiter.Permit p = permit;
      if (p != null) {
        p.release();
      }
      StreamRelay r = relay;
      if (r != null) {
        // Idempotent: the stages' aggregate view of the stream, however it ended.
        x.streamVerdicts = r.finishStreaming().verdicts();
        x.completionSha256 = r.completionSha256();
        x.completionChars = r.receivedChars();
        x.releasedChars = r.releasedChars();
        x.unscannableBlocks = r.unscannableBlocks();
        x.inputTokens = r.usage().inputTokens();
        x.outputTokens = r.usage().outputTokens();
        if (x.retainsText()) {
          x.completion = r.completion();
        }
        if (r.status() == StreamRelay.Status.HALTED) {
          g.metrics.heldBackChars(r.receivedChars() - r.releasedChars());
        }
      }
      String model = x.model == null ? "unknown" : x.model;
      g.metrics.request(codec.protocol().wireName(), x.upstream == null ? "unrouted" : model, outcome, status, end - x.startNanos);
      recordVerdicts("prompt", x.promptVerdicts);
      recordVerdicts("stream", x.streamVerdicts);
      recordVerdicts("completion", x.completionVerdicts);
      if (x.firstContentNanos >= 0) {
        g.metrics.timeToFirstToken(model, x.firstContentNanos - x.startNanos);
      }
      if (x.inputTokens > 0 || x.outputTokens > 0) {
        g.metrics.tokens(model, x.inputTokens, x.outputTokens);
      }
      access.atInfo()
          .addKeyValue("request_id", x.requestId)
          .addKeyValue("key_id", x.principal != null ? x.principal.keyId() : x.keyIdPresented)
          .addKeyValue("org", x.principal != null ? x.principal.orgId() : null)
          .addKeyValue("protocol", codec.protocol().wireName())
          .addKeyValue("model", x.model)
          .addKeyValue("stream", x.stream)
          .addKeyValue("status", status)
          .addKeyValue("outcome", outcome)
          .addKeyValue("action", x.action().wireName())
          .addKeyValue("ms", (end - x.startNanos) / 1_000_000.0)
          .log("request");
      g.events.append(x.finalEvent(g.clock.instant())).whenComplete((seq, err) -> {
        if (err != null) {
          log.error("could not record the end of request {}", x.requestId, err);
        }
      });
    }

    private void recordVerdicts(String phase, List<Verdict> verdicts) {
      for (Verdict v : verdicts) {
        g.metrics.verdict(phase, v);
      }
    }

    /** Reads a response body up to {@code max} bytes; null when it is longer (the rest is dropped). */
    private void readLimited(HttpClientResponse response, int max, java.util.function.Consumer<byte @Nullable []> done) {
      Buffer body = Buffer.buffer();
      boolean[] over = new boolean[1];
      response.handler(chunk -> {
        if (over[0]) {
          return;
        }
        if (body.length() + chunk.length() > max) {
          over[0] = true;
          cancelUpstream();
          done.accept(null);
          return;
        }
        body.appendBuffer(chunk);
      });
      response.exceptionHandler(t -> {
        if (!over[0] && !finished) {
          over[0] = true;
          upstreamDone = true;
          ErrorKind kind = UpstreamClient.classify(t);
          upstreamFailure(kind, kind == ErrorKind.TIMEOUT
              ? "the model did not finish in time" : "the model's response broke off");
        }
      });
      response.endHandler(v -> {
        if (!over[0] && !finished) {
          done.accept(body.getBytes());
        }
      });
    }
  }

  /** Carries a decoder's checked exception out of the parser's callback. */
  private static final class InvalidUpstream extends RuntimeException {
    InvalidUpstream(ProtocolException cause) {
      super(cause);
    }
  }

  private static @Nullable Throwable causeOf(CompletableFuture<?> f) {
    try {
      f.join();
      return null;
    } catch (RuntimeException e) {
      return e.getCause() == null ? e : e.getCause();
    }
  }

  static boolean validUtf8(byte[] bytes) {
    // Cheap path: pure ASCII bodies are the common case.
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return true;
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
