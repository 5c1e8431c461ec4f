package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void writeConfig() throws Exception {
    config = dir.resolve("bulwark.yaml");
    Files.writeString(config, "store: {url: \"jdbc:sqlite:" + dir.resolve("b.db") + "\"}\n");
  }

  @Test
  void keysCreate_json_printsTheKeyOnceAndStoresOnlyItsHash() throws Exception {
    Cli r = Cli.run("keys", "create", "--org", "acme", "--tier", "standard", "--expires", "30d", "--json", "-c", config.toString());

    assertThat(r.exit()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    String token = json.path("key").asText();
    assertThat(token).startsWith("bwk_" + json.path("id").asText() + "_");
    assertThat(json.path("expires_at").asText()).isNotBlank();
    // bwk_<id>_<secret>: the secret is base64url and may itself contain '_'.
    String secret = token.split("_", 3)[2];
    assertThat(Files.readAllBytes(dir.resolve("b.db"))).asString().doesNotContain(secret);
  }

  @Test
  void keysList_afterCreateAndRevoke_showsStatusWithoutSecrets() {
    Cli created = Cli.run("keys", "create", "--org", "acme", "--tier", "standard", "-c", config.toString());
    String token = created.out().lines().filter(l -> l.trim().startsWith("bwk_")).findFirst().orElseThrow().trim();
    String id = token.split("_")[1];

    Cli revoked = Cli.run("keys", "revoke", id, "-c", config.toString());
    Cli again = Cli.run("keys", "revoke", id, "-c", config.toString());
    Cli list = Cli.run("keys", "list", "-c", config.toString());

    assertThat(revoked.exit()).isZero();
    assertThat(again.exit()).isEqualTo(Main.FAILED);
    assertThat(again.err()).contains("already revoked");
    assertThat(list.out()).contains(id).contains("revoked").doesNotContain(token.substring(22));
  }

  @Test
  void keysCreate_unknownTier_exit2NamingTheKnownTiers() {
    Cli r = Cli.run("keys", "create", "--org", "acme", "--tier", "gold", "-c", config.toString());

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("unknown tier 'gold'").contains("standard");
  }

  @Test
  void keysCreate_badExpiry_exit2() {
    Cli r = Cli.run("keys", "create", "--org", "acme", "--tier", "standard", "--expires", "soon", "-c", config.toString());

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("--expires").contains("30d");
  }

  @Test
  void keysRevoke_unknownId_exit1() {
    Cli r = Cli.run("keys", "revoke", "nosuchkey", "-c", config.toString());

    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.err()).contains("no key has the id");
  }

  @Test
  void auditVerify_intactLog_exit0() {
    Cli.run("keys", "create", "--org", "acme", "--tier", "standard", "-c", config.toString());

    Cli r = Cli.run("audit", "verify", "-c", config.toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("intact:");
  }

  @Test
  void auditVerify_editedEvent_exit1NamingItsSeq() throws Exception {
    Cli.run("keys", "create", "--org", "acme", "--tier", "standard", "-c", config.toString());
    Cli.run("keys", "create", "--org", "beta", "--tier", "standard", "-c", config.toString());
    try (Store store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("b.db")).build());
        Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE events SET body = replace(body, 'beta', 'gamma') WHERE type = 'org.created' AND body LIKE '%beta%'");
    }

    Cli r = Cli.run("audit", "verify", "-c", config.toString());

    assertThat(r.exit()).isEqualTo(Main.FAILED);
    assertThat(r.out()).startsWith("BROKEN at seq ").contains("edited");
  }

  @Test
  void serve_badConfig_exit2NamingTheFieldWithoutStarting() throws Exception {
    Files.writeString(config, "server: {port: eighty}\n");

    Cli r = Cli.run("serve", "-c", config.toString());

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("server.port: must be an integer in [0, 65535], was 'eighty'");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void configCheck_badUpstream_exit2() throws Exception {
    Files.writeString(config, "upstreams: {x: {protocol: soap, base_url: \"http://h\"}}\nroutes: [{model: m, upstream: x}]\n");

    Cli r = Cli.run("config", "check", "-c", config.toString());

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("upstreams.x.protocol: must be one of openai, anthropic, was 'soap'");
  }

  @Test
  void configCheck_defaults_ok() {
    Cli r = Cli.run("config", "check");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("embedded defaults").contains("simulated model");
  }

  @Test
  void unknownSubcommand_exit2WithUsageHint() {
    Cli r = Cli.run("frobnicate");

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("Unmatched argument").contains("--help");
  }

  @Test
  void version_printsTheBuildVersion() {
    Cli r = Cli.run("--version");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("bulwark 0.1.0");
  }
}
