package dev.bulwark.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.monitor.incident.Effect;
import dev.bulwark.monitor.incident.Effects;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook actions: delivered at least once with an idempotency key, retried, audited, reversal announced. */
class WebhookTest {
  @TempDir Path dir;

  record Call(String idempotencyKey, String authorization, String body) {}

  @Test
  void webhook_failsOnceThenSucceeds_deliveredWithItsKeyAndAudited() throws Exception {
    List<Call> calls = new CopyOnWriteArrayList<>();
    AtomicInteger status = new AtomicInteger(500);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      calls.add(new Call(exchange.getRequestHeaders().getFirst("idempotency-key"),
          exchange.getRequestHeaders().getFirst("authorization"),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      exchange.sendResponseHeaders(status.get(), -1);
      exchange.close();
    });
    server.start();
    try (TestDb db = TestDb.create(Dialect.SQLITE, dir)) {
      Store store = db.open();
      Flowchart fc = new FlowchartParser(TestAnalyzers.registry(), Set.of()).parse("""
          version: hook-1
          start: [marker]
          nodes:
            marker:
              analyzer: marker
              next:
                - when: "marker.finding"
                  do: [notify]
          actions:
            notify: {type: webhook, url: "http://127.0.0.1:%d/hook", secret_env: HOOK_TOKEN}
          """.formatted(server.getAddress().getPort()), "test");
      long seq = Traffic.append(store, new Traffic.Ex("acme", "k1", Instant.parse("2025-03-01T10:00:00Z"), "FLAG-ME", "x"));
      try (Monitor m = Monitor.builder().store(store).flowcharts(new FlowchartSource(fc))
          .settings(MonitorSettings.builder().workerId("w").backoff(Duration.ofMillis(20), Duration.ofMillis(40)).build())
          .env(Map.of("HOOK_TOKEN", "hook-secret"))
          .build()) {
        m.drain(Duration.ofSeconds(10));
        assertThat(m.deliverWebhooks()).isOne();
        assertThat(db.rows("SELECT status, attempts FROM monitor_effects")).containsExactly(List.of("pending", "1"));
        status.set(204);
        Thread.sleep(60);
        assertThat(m.deliverWebhooks()).isOne();
        assertThat(m.deliverWebhooks()).as("delivered: nothing more to do").isZero();
        assertThat(db.rows("SELECT status, attempts FROM monitor_effects")).containsExactly(List.of("done", "2"));
        assertThat(calls).hasSize(2);
        assertThat(calls).extracting(Call::idempotencyKey).containsOnly("eff_" + seq + "_notify");
        assertThat(calls.get(1).authorization()).isEqualTo("Bearer hook-secret");
        assertThat(calls.get(1).body()).contains("\"seq\":" + seq, "\"account\":\"acme\"", "test.marker")
            .doesNotContain("FLAG-ME");
        assertThat(db.count("SELECT COUNT(*) FROM events WHERE type = 'monitor.webhook'")).isEqualTo(2);

        Effect reversed = new Effects(store, Clock.systemUTC()).reverse("eff_" + seq + "_notify", "ana", "wrong account");
        assertThat(reversed.status()).isEqualTo("reversed");
        assertThat(m.deliverWebhooks()).isOne();
        assertThat(calls).hasSize(3);
        assertThat(calls.get(2).body()).contains("\"reversal_of\":\"eff_" + seq + "_notify\"", "wrong account");
      }
    } finally {
      server.stop(0);
    }
  }

}
