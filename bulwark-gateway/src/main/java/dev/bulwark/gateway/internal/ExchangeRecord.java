package dev.bulwark.gateway.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.bulwark.core.Action;
import dev.bulwark.core.Principal;
import dev.bulwark.core.Verdict;
import dev.bulwark.core.pipeline.Completion;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.Retention;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.store.EventRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the gateway learns about one request, written as two events: {@code request.received}
 * (durable before the upstream sees the request) and, at the end, {@code request.completed} or {@code
 * request.rejected}, which also enters the monitoring outbox with the exchange's text as its payload.
 *
 * <p>Text is kept only when the tier's policy retains it; otherwise the record holds SHA-256 digests
 * and lengths. Secrets never enter a record: keys appear by their public id.
 *
 * <p>Concurrency: confined to the request's event loop.
 */
final class ExchangeRecord {
  static final String RECEIVED = "request.received";
  static final String COMPLETED = "request.completed";
  static final String REJECTED = "request.rejected";

  private static final JsonFactory JSON = new JsonFactory();

  final String requestId;
  final Protocol clientProtocol;
  final long startNanos;
  final Instant receivedAt;
  final TraceContext trace;
  @Nullable Principal principal;
  @Nullable String keyIdPresented;
  @Nullable Policy policy;
  @Nullable String model;
  @Nullable String upstream;
  @Nullable String upstreamModel;
  @Nullable Protocol upstreamProtocol;
  boolean stream;
  @Nullable Conversation conversation;
  List<Verdict> promptVerdicts = List.of();
  List<Verdict> streamVerdicts = List.of();
  List<Verdict> completionVerdicts = List.of();
  @Nullable Completion completion;
  @Nullable String completionSha256;
  long completionChars;
  long releasedChars;
  int unscannableBlocks;
  int inputTokens;
  int outputTokens;
  long upstreamHeadersNanos = -1;
  long firstContentNanos = -1;
  long endNanos = -1;
  int status;
  String outcome = "in_progress";
  @Nullable String errorKind;
  @Nullable String errorDetail;

  ExchangeRecord(String requestId, Protocol clientProtocol, long startNanos, Instant receivedAt, TraceContext trace) {
    this.requestId = requestId;
    this.clientProtocol = clientProtocol;
    this.startNanos = startNanos;
    this.receivedAt = receivedAt;
    this.trace = trace;
  }

  /** The most severe action any stage took. */
  Action action() {
    Action a = Action.ALLOW;
    for (List<Verdict> vs : List.of(promptVerdicts, streamVerdicts, completionVerdicts)) {
      for (Verdict v : vs) {
        a = a.max(v.action());
      }
    }
    return a;
  }

  EventRecord receivedEvent() {
    return event(RECEIVED, false, g -> {
      writeIdentity(g);
      writeRoute(g);
      writePrompt(g);
    });
  }

  EventRecord finalEvent(Instant at) {
    EventRecord event = finalRecord(at);
    return conversation == null ? event : event.withOutboxPayload(monitorPayload());
  }

  /**
   * The exchange's text for the asynchronous monitor, whatever the retention: it travels with the
   * outbox row, outside the hash chain, and the monitor deletes it once it has analysed the exchange.
   */
  private String monitorPayload() {
    return json(g -> {
      g.writeArrayFieldStart("prompt_turns");
      if (conversation != null) {
        for (Turn t : conversation.turns()) {
          g.writeStartObject();
          g.writeStringField("role", t.role().name().toLowerCase(java.util.Locale.ROOT));
          g.writeStringField("text", t.text());
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeArrayFieldStart("completion_parts");
      if (completion != null) {
        for (Completion.Part p : completion.parts()) {
          g.writeStartObject();
          g.writeNumberField("choice", p.channel().choice());
          g.writeNumberField("block", p.channel().block());
          g.writeStringField("kind", p.channel().kind().wireName());
          g.writeStringField("text", p.text());
          g.writeEndObject();
        }
      }
      g.writeEndArray();
    });
  }

  private EventRecord finalRecord(Instant at) {
    boolean rejected = "rejected".equals(outcome);
    return new EventRecord(
        rejected ? REJECTED : COMPLETED, requestId, keyId(), orgId(), at,
        json(g -> {
          writeIdentity(g);
          writeRoute(g);
          g.writeStringField("outcome", outcome);
          g.writeNumberField("status", status);
          g.writeStringField("action", action().wireName());
          if (errorKind != null) {
            g.writeObjectFieldStart("error");
            g.writeStringField("kind", errorKind);
            if (errorDetail != null) {
              g.writeStringField("detail", errorDetail);
            }
            g.writeEndObject();
          }
          g.writeObjectFieldStart("verdicts");
          writeVerdicts(g, "prompt", promptVerdicts);
          writeVerdicts(g, "stream", streamVerdicts);
          writeVerdicts(g, "completion", completionVerdicts);
          g.writeEndObject();
          writePrompt(g);
          writeCompletion(g);
          g.writeObjectFieldStart("tokens");
          g.writeNumberField("input", inputTokens);
          g.writeNumberField("output", outputTokens);
          g.writeEndObject();
          g.writeObjectFieldStart("latency_ms");
          writeMillis(g, "total", endNanos);
          writeMillis(g, "upstream_headers", upstreamHeadersNanos);
          writeMillis(g, "first_content", firstContentNanos);
          g.writeEndObject();
        }),
        true);
  }

  private @Nullable String keyId() {
    return principal != null ? principal.keyId() : keyIdPresented;
  }

  private @Nullable String orgId() {
    return principal != null ? principal.orgId() : null;
  }

  private EventRecord event(String type, boolean outbox, Body body) {
    return new EventRecord(type, requestId, keyId(), orgId(), receivedAt, json(body), outbox);
  }

  private void writeIdentity(JsonGenerator g) throws IOException {
    g.writeStringField("request_id", requestId);
    g.writeStringField("trace_id", trace.traceId());
    g.writeStringField("received_at", receivedAt.toString());
    if (principal != null) {
      g.writeStringField("key_id", principal.keyId());
      g.writeStringField("org", principal.orgId());
      g.writeStringField("tier", principal.tier());
    } else if (keyIdPresented != null) {
      g.writeStringField("key_id", keyIdPresented);
    }
    if (policy != null) {
      g.writeObjectFieldStart("policy");
      g.writeStringField("name", policy.name());
      g.writeNumberField("version", policy.version());
      g.writeStringField("retention", policy.retention().name().toLowerCase(java.util.Locale.ROOT));
      g.writeEndObject();
    }
  }

  private void writeRoute(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("route");
    g.writeStringField("client_protocol", clientProtocol.wireName());
    if (model != null) {
      g.writeStringField("model", model);
    }
    if (upstream != null) {
      g.writeStringField("upstream", upstream);
      g.writeStringField("upstream_model", upstreamModel);
      if (upstreamProtocol != null) {
        g.writeStringField("upstream_protocol", upstreamProtocol.wireName());
      }
    }
    g.writeBooleanField("stream", stream);
    g.writeEndObject();
  }

  private void writePrompt(JsonGenerator g) throws IOException {
    if (conversation == null) {
      return;
    }
    g.writeObjectFieldStart("prompt");
    g.writeStringField("sha256", Conversations.sha256(conversation));
    g.writeNumberField("chars", conversation.length());
    g.writeNumberField("turns", conversation.turns().size());
    g.writeNumberField("unreadable_parts", conversation.unreadableParts());
    if (retainsText()) {
      g.writeArrayFieldStart("turns_text");
      for (Turn t : conversation.turns()) {
        g.writeStartObject();
        g.writeStringField("role", t.role().name().toLowerCase(java.util.Locale.ROOT));
        g.writeStringField("text", t.text());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private void writeCompletion(JsonGenerator g) throws IOException {
    if (completionSha256 == null) {
      return;
    }
    g.writeObjectFieldStart("completion");
    g.writeStringField("sha256", completionSha256);
    g.writeNumberField("chars", completionChars);
    g.writeNumberField("released_chars", releasedChars);
    g.writeNumberField("withheld_chars", completionChars - releasedChars);
    if (unscannableBlocks > 0) {
      g.writeNumberField("unscannable_blocks", unscannableBlocks);
    }
    if (retainsText() && completion != null) {
      g.writeArrayFieldStart("parts_text");
      for (Completion.Part p : completion.parts()) {
        g.writeStartObject();
        g.writeNumberField("choice", p.channel().choice());
        g.writeNumberField("block", p.channel().block());
        g.writeStringField("kind", p.channel().kind().wireName());
        g.writeStringField("text", p.text());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  boolean retainsText() {
    return policy != null && policy.retention() == Retention.FULL;
  }

  private static void writeVerdicts(JsonGenerator g, String field, List<Verdict> verdicts) throws IOException {
    g.writeArrayFieldStart(field);
    for (Verdict v : verdicts) {
      g.writeStartObject();
      g.writeStringField("stage", v.stage());
      g.writeStringField("version", v.stageVersion());
      g.writeStringField("action", v.action().wireName());
      if (v.proposed() != v.action()) {
        g.writeStringField("proposed", v.proposed().wireName());
      }
      g.writeStringField("status", v.status().wireName());
      if (!v.scores().isEmpty()) {
        g.writeObjectFieldStart("scores");
        for (var e : v.scores().asMap().entrySet()) {
          g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      if (v.reason() != null) {
        g.writeStringField("reason", v.reason());
      }
      g.writeNumberField("latency_us", v.latencyNanos() / 1_000);
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void writeMillis(JsonGenerator g, String field, long atNanos) throws IOException {
    if (atNanos >= 0) {
      g.writeNumberField(field, (atNanos - startNanos) / 1_000_000.0);
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String json(Body body) {
    StringWriter w = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return w.toString();
  }
}
