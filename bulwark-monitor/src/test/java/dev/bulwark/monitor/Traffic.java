package dev.bulwark.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;


/** Gateway-shaped final events with outbox payloads, as the gateway's ExchangeRecord writes them. */
final class Traffic {
  private Traffic() {}

  /** One exchange: user turns (the last one is this exchange's), and the completion. */
  record Ex(String org, String key, Instant at, List<String> userTurns, String completion, String action) {
    Ex(String org, String key, Instant at, String prompt, String completion) {
      this(org, key, at, List.of(prompt), completion, "allow");
    }
  }

  static EventRecord event(Ex e, String requestId) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("request_id", requestId).put("key_id", e.key()).put("org", e.org()).put("tier", "standard");
    body.putObject("policy").put("name", "standard").put("version", 1).put("retention", "hashes");
    body.putObject("route").put("client_protocol", "openai").put("model", "m").put("stream", false);
    body.put("outcome", "completed").put("status", 200).put("action", e.action());
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    ArrayNode turns = payload.putArray("prompt_turns");
    for (int i = 0; i < e.userTurns().size(); i++) {
      turns.addObject().put("role", "user").put("text", e.userTurns().get(i));
      if (i < e.userTurns().size() - 1) {
        turns.addObject().put("role", "assistant").put("text", "(an earlier answer)");
      }
    }
    payload.putArray("completion_parts").addObject().put("choice", 0).put("block", 0).put("kind", "text")
        .put("text", e.completion());
    return new EventRecord("request.completed", requestId, e.key(), e.org(), e.at(), body.toString(), true)
        .withOutboxPayload(payload.toString());
  }

  /** Appends the exchanges in order and returns their seqs. */
  static List<Long> append(Store store, List<Ex> exchanges) {
    List<EventRecord> records = new ArrayList<>();
    int i = 0;
    for (Ex e : exchanges) {
      records.add(event(e, "req_" + e.org() + "_" + e.at().toEpochMilli() + "_" + i++));
    }
    List<Long> seqs = new ArrayList<>();
    for (int from = 0; from < records.size(); from += 500) {
      seqs.addAll(store.events().appendAll(records.subList(from, Math.min(records.size(), from + 500))).join());
    }
    return seqs;
  }

  static long append(Store store, Ex e) {
    return append(store, List.of(e)).get(0);
  }

  /** An event whose payload is not JSON: it can never be processed. */
  static long appendPoison(Store store, String org, Instant at) {
    EventRecord good = event(new Ex(org, "k_" + org, at, "hello", "hi"), "req_poison_" + at.toEpochMilli());
    return store.events().append(new EventRecord(good.type(), good.requestId(), good.keyId(), good.orgId(),
        good.occurredAt(), good.body(), true, "{not json")).join();
  }

}
