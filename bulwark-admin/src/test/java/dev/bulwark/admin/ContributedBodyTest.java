package dev.bulwark.admin;

import static dev.bulwark.admin.AdminHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.store.diligence.Role;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a contributed handler reads of a body besides strings: whole objects and field values as sent. */
class ContributedBodyTest {
  static Vertx vertx;

  @TempDir Path dir;
  AdminHarness h;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void start() {
    AdminRoutes echo = r -> {
      r.add("POST", "/echo/whole", Set.of(Role.ADMIN), 200, req -> req.json());
      r.add("POST", "/echo/fields", Set.of(Role.ADMIN), 200, req -> {
        AdminRequest.Body b = req.body("items", "flag");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        JsonNode items = b.value("items");
        out.put("items_is_list", items != null && items.isArray());
        out.put("flag_missing", b.value("flag") == null);
        return out;
      });
    };
    h = new AdminHarness(dir, vertx, Map.of("standard", Policy.builder("standard").build()), List.of(echo));
  }

  @AfterEach
  void stop() {
    h.close();
  }

  @Test
  void json_anyObject_readAsSent() throws Exception {
    HttpResponse<String> r = h.post("/admin/v1/echo/whole", h.admin, "{\"type\": \"bundle\", \"objects\": [1, 2]}");
    HttpResponse<String> empty = h.post("/admin/v1/echo/whole", h.admin, "");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("objects").size()).isEqualTo(2);
    assertThat(json(empty).isObject()).isTrue();
  }

  @Test
  void json_notAnObject_400InvalidJson() throws Exception {
    HttpResponse<String> r = h.post("/admin/v1/echo/whole", h.admin, "[1, 2]");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).path("error").path("code").asText()).isEqualTo("invalid_json");
  }

  @Test
  void value_listAndJsonNull_readAndUnknownFieldRefused() throws Exception {
    JsonNode ok = json(h.post("/admin/v1/echo/fields", h.admin, "{\"items\": [\"a\"], \"flag\": null}"));
    HttpResponse<String> unknown = h.post("/admin/v1/echo/fields", h.admin, "{\"other\": 1}");

    assertThat(ok.path("items_is_list").asBoolean()).isTrue();
    assertThat(ok.path("flag_missing").asBoolean()).isTrue();
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).path("error").path("message").asText()).contains("other");
  }
}
