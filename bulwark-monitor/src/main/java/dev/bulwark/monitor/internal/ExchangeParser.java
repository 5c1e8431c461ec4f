package dev.bulwark.monitor.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.monitor.Delivery;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.store.StoredEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns a delivery (the gateway's final event and the outbox payload) into an {@link Exchange}.
 * Anything malformed is an {@link IllegalArgumentException}: such an entry can never be processed and
 * goes straight to the dead letters.
 */
final class ExchangeParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExchangeParser() {}

  static Exchange parse(Delivery d) {
    StoredEvent e = d.event();
    if (e == null) {
      throw new IllegalArgumentException("event " + d.seq() + " is missing from the audit log");
    }
    JsonNode body;
    try {
      body = JSON.readTree(e.body());
    } catch (IOException ex) {
      throw new IllegalArgumentException("event " + d.seq() + " has a body that is not JSON");
    }
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("event " + d.seq() + " has a body that is not a JSON object");
    }
    List<Exchange.Turn> turns = new ArrayList<>();
    StringBuilder completion = new StringBuilder();
    if (d.payload() != null) {
      JsonNode payload;
      try {
        payload = JSON.readTree(d.payload());
      } catch (IOException ex) {
        throw new IllegalArgumentException("event " + d.seq() + " has an outbox payload that is not JSON");
      }
      if (payload == null || !payload.isObject()) {
        throw new IllegalArgumentException("event " + d.seq() + " has an outbox payload that is not a JSON object");
      }
      readTurns(d.seq(), payload.path("prompt_turns"), turns);
      readParts(d.seq(), payload.path("completion_parts"), completion);
    } else {
      // Tiers that retain text have it in the event itself.
      readTurns(d.seq(), body.path("prompt").path("turns_text"), turns);
      readParts(d.seq(), body.path("completion").path("parts_text"), completion);
    }
    Map<String, String> meta = new HashMap<>();
    put(meta, "status", body.path("status"));
    put(meta, "retention", body.path("policy").path("retention"));
    put(meta, "policy", body.path("policy").path("name"));
    put(meta, "error_kind", body.path("error").path("kind"));
    put(meta, "client_protocol", body.path("route").path("client_protocol"));
    put(meta, "stream", body.path("route").path("stream"));
    put(meta, "upstream", body.path("route").path("upstream"));
    String model = text(body.path("route").path("model"));
    String tier = text(body.path("tier"));
    String action = text(body.path("action"));
    String outcome = text(body.path("outcome"));
    return new Exchange(d.seq(), e.type(), e.requestId(), d.account(), e.orgId(), e.keyId(), tier, model,
        e.occurredAt(), action == null ? "none" : action, outcome == null ? e.type() : outcome, turns,
        completion.toString(), meta);
  }

  private static void readTurns(long seq, JsonNode node, List<Exchange.Turn> turns) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("event " + seq + ": prompt turns are not a list");
    }
    for (JsonNode t : node) {
      JsonNode role = t.get("role");
      JsonNode text = t.get("text");
      if (role == null || !role.isTextual() || text == null || !text.isTextual()) {
        throw new IllegalArgumentException("event " + seq + ": a prompt turn lacks its role or text");
      }
      turns.add(new Exchange.Turn(role.asText(), text.asText()));
    }
  }

  private static void readParts(long seq, JsonNode node, StringBuilder out) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("event " + seq + ": completion parts are not a list");
    }
    for (JsonNode p : node) {
      JsonNode text = p.get("text");
      if (text == null || !text.isTextual()) {
        throw new IllegalArgumentException("event " + seq + ": a completion part lacks its text");
      }
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(text.asText());
    }
  }

  private static void put(Map<String, String> meta, String key, JsonNode v) {
    String s = text(v);
    if (s != null) {
      meta.put(key, s);
    }
  }

  private static @Nullable String text(@Nullable JsonNode v) {
    return v == null || v.isMissingNode() || v.isNull() ? null : v.asText();
  }
}
