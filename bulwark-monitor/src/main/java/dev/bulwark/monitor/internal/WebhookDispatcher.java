package dev.bulwark.monitor.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bulwark.monitor.MonitorSettings;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook actions, at least once: a pending webhook effect is claimed (its next try moved
 * past the request's timeout, so another worker leaves it alone), POSTed with the effect id as its
 * {@code Idempotency-Key}, and marked done, retried with backoff, or failed after the last attempt.
 * Each outcome is an audit event. Runs on the monitor's scheduler.
 */
public final class WebhookDispatcher {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final HttpClient http;
  private final Map<String, String> env;
  private final Clock clock;
  private final MonitorSettings settings;

  public WebhookDispatcher(Store store, HttpClient http, Map<String, String> env, Clock clock, MonitorSettings settings) {
    this.store = requireNonNull(store, "store");
    this.http = requireNonNull(http, "http");
    this.env = Map.copyOf(env);
    this.clock = requireNonNull(clock, "clock");
    this.settings = requireNonNull(settings, "settings");
  }

  /** Delivers what is due; returns how many it attempted. */
  public int deliverDue() {
    Instant now = clock.instant();
    // Most seconds nothing is due: look before taking the write lock.
    long due0 = Sql.read(store.dataSource(), "reading due webhooks", c -> Sql.count(c, "SELECT COUNT(*) FROM"
        + " monitor_effects WHERE type = 'webhook' AND status = 'pending' AND next_try_at <= ?", Sql.micros(now)));
    if (due0 == 0) {
      return 0;
    }
    long claimUntil = Sql.micros(now.plus(settings.webhookTimeout().multipliedBy(2)));
    List<Object[]> due = Sql.write(store.dataSource(), store.dialect(), "claiming webhooks", c -> {
      List<Object[]> rows = Sql.list(c, "SELECT id, detail, attempts, seq, account FROM monitor_effects"
          + " WHERE type = 'webhook' AND status = 'pending' AND next_try_at <= ? ORDER BY next_try_at LIMIT 20",
          rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5)},
          Sql.micros(now));
      for (Object[] r : rows) {
        Sql.update(c, "UPDATE monitor_effects SET next_try_at = ? WHERE id = ?", claimUntil, r[0]);
      }
      return rows;
    });
    for (Object[] r : due) {
      deliver((String) r[0], (String) r[1], (Integer) r[2], (Long) r[3], (String) r[4]);
    }
    return due.size();
  }

  private void deliver(String id, String detailText, int attempts, long seq, String account) {
    String outcome;
    boolean ok = false;
    try {
      JsonNode detail = JSON.readTree(detailText);
      URI url = URI.create(detail.path("url").asText());
      HttpRequest.Builder req = HttpRequest.newBuilder(url)
          .timeout(settings.webhookTimeout())
          .header("content-type", "application/json")
          .header("idempotency-key", id)
          .POST(HttpRequest.BodyPublishers.ofString(detail.path("payload").toString(), StandardCharsets.UTF_8));
      String secretEnv = detail.path("secret_env").asText("");
      if (!secretEnv.isEmpty()) {
        String secret = env.get(secretEnv);
        if (secret == null || secret.isBlank()) {
          throw new IOException("environment variable " + secretEnv + " is not set");
        }
        req.header("authorization", "Bearer " + secret);
      }
      HttpResponse<Void> resp = http.send(req.build(), HttpResponse.BodyHandlers.discarding());
      ok = resp.statusCode() / 100 == 2;
      outcome = "HTTP " + resp.statusCode();
    } catch (IOException | IllegalArgumentException e) {
      outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    int n = attempts + 1;
    String status = ok ? "done" : n >= settings.webhookMaxAttempts() ? "failed" : "pending";
    Instant now = clock.instant();
    Instant next = now.plus(settings.backoff(n));
    String result = outcome;
    store.audited().write("recording a webhook delivery", tx -> {
      Sql.update(tx.connection(), "UPDATE monitor_effects SET status = ?, attempts = ?, next_try_at = ? WHERE id = ?"
          + " AND status = 'pending'", status, n, status.equals("pending") ? Sql.micros(next) : null, id);
      tx.audit(new EventRecord("monitor.webhook", null, null, null, now, JsonNodeFactory.instance.objectNode()
          .put("effect", id).put("seq", seq).put("account", account).put("attempt", n).put("status", status)
          .put("result", result).toString(), false));
      return null;
    });
    if (!ok) {
      log.warn("webhook {} attempt {} failed: {}", id, n, result);
    }
  }
}
