package dev.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exchange's text reaches the monitor through the outbox payload, never the hash chain, when the
 * tier retains hashes only.
 */
class MonitorPayloadTest {
  static GatewayHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = GatewayHarness.start();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void completed_hashesRetention_textInTheOutboxPayloadOnly() throws Exception {
    HttpResponse<String> r = h.post("/v1/chat/completions", h.newKey(),
        "{\"model\":\"sim-openai\",\"messages\":[{\"role\":\"user\",\"content\":\"the marmalade question\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    String body = h.finalBody(id);
    assertThat(body).doesNotContain("marmalade").contains("\"retention\":\"hashes\"", "sha256");
    try (Connection c = h.store.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT payload, account, part FROM monitor_outbox WHERE request_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).contains("\"prompt_turns\"", "the marmalade question", "\"completion_parts\"");
        assertThat(rs.getString(2)).isNotBlank();
        assertThat(rs.getInt(3)).isEqualTo(dev.bulwark.store.Outbox.partition(rs.getString(2)));
      }
    }
  }
}
