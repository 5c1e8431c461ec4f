package dev.bulwark.response;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.monitor.Monitor;
import dev.bulwark.monitor.MonitorSettings;
import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.BuiltInAnalyzers;
import dev.bulwark.monitor.analyzer.InMemoryExemplarIndex;
import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.monitor.incident.EvidenceKeeping;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * A real monitor for rapid response's tests: the built-in {@code rules} analyzer with one jailbreak
 * rule and one rule of another category, each opening an incident, keeping evidence text through the
 * review module's {@link Redactor}, as {@code serve} wires it.
 */
final class MonitorHarness {
  static final String FLOWCHART = """
      version: response-test-1
      start: [rules]
      nodes:
        rules:
          analyzer: rules
          settings:
            patterns:
              - {id: override, regex: '(?i)ignore (all )?previous instructions', category: jailbreak, severity: high}
              - {id: decode, regex: '(?i)decode these ascii codes', category: jailbreak, severity: high}
              - {id: atlantis, regex: '(?i)capital of atlantis', category: harmful.other, severity: high}
          next:
            - when: "rules.hits >= 1"
              do: [incident]
      actions:
        incident: {type: incident}
      """;

  private MonitorHarness() {}

  static Monitor monitor(Store store) {
    AnalyzerEnvironment env = AnalyzerEnvironment.builder().exemplars(() -> new InMemoryExemplarIndex("none", 384)).build();
    Flowchart fc = new FlowchartParser(BuiltInAnalyzers.registry(env).build(), Set.of("standard")).parse(FLOWCHART, "test");
    Redactor redactor = new Redactor();
    return Monitor.builder()
        .store(store)
        .flowcharts(new FlowchartSource(fc))
        .settings(MonitorSettings.builder().workerId("test-monitor").lease(Duration.ofSeconds(5)).build())
        .evidence(EvidenceKeeping.redactedBy(redactor::redact))
        .build();
  }

  /** Processes everything queued. */
  static void drain(Store store) throws InterruptedException {
    try (Monitor m = monitor(store)) {
      m.drain(Duration.ofSeconds(30));
    }
  }

  /** Appends a final gateway event with the outbox payload the gateway writes (one user turn). */
  static long exchange(Store store, String org, Instant at, String prompt, String completion) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    String requestId = "req_" + org + "_" + at.toEpochMilli() + "_" + prompt.hashCode();
    body.put("request_id", requestId).put("key_id", "k_" + org).put("org", org).put("tier", "standard");
    body.putObject("policy").put("name", "standard").put("version", 1).put("retention", "hashes");
    body.putObject("route").put("client_protocol", "openai").put("model", "m").put("stream", false);
    body.put("outcome", "completed").put("status", 200).put("action", "allow");
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    payload.putArray("prompt_turns").addObject().put("role", "user").put("text", prompt);
    payload.putArray("completion_parts").addObject().put("choice", 0).put("block", 0).put("kind", "text")
        .put("text", completion);
    return store.events().append(new EventRecord("request.completed", requestId, "k_" + org, org, at, body.toString(), true)
        .withOutboxPayload(payload.toString())).join();
  }
}
