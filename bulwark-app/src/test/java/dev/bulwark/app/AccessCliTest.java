package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bulwark.app.config.ConfigLoader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark admins|orgs|applications|reviews|grants} against a running {@code serve}: the
 * admin API on its own port, people bootstrapped from the command line, the workflow driven through
 * the commands, and their exit codes.
 */
class AccessCliTest {
  @TempDir Path dir;
  Path config;
  BulwarkServer server;
  String url;

  @BeforeEach
  void start() throws Exception {
    config = dir.resolve("bulwark.yaml");
    Files.writeString(config, """
        server: {port: 0}
        store: {url: "jdbc:sqlite:%s"}
        admin: {listen: "127.0.0.1:0"}
        policies:
          standard: {limits: {requests_per_minute: 60}}
          vetted: {limits: {requests_per_minute: 6000}}
        tiers: {standard: standard, vetted: vetted}
        """.formatted(dir.resolve("b.db")));
    assertThat(Cli.run("keys", "create", "--org", "acme", "--tier", "standard", "-c", config.toString()).exit()).isZero();
    server = BulwarkServer.start(new ConfigLoader(Map.of()).load(config), Clock.systemUTC());
    assertThat(server.admin()).isNotNull();
    url = "http://127.0.0.1:" + server.admin().port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Creates a person through {@code bulwark admins create} and writes their token to a file. */
  private Path person(String name, String org, String... roles) throws Exception {
    List<String> args = new ArrayList<>(List.of("admins", "create", "--name", name, "--org", org, "--json",
        "-c", config.toString()));
    for (String r : roles) {
      args.add("--role");
      args.add(r);
    }
    Cli r = Cli.run(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    String token = new ObjectMapper().readTree(r.out()).path("token").asText();
    assertThat(token).startsWith("bwa_");
    Path file = dir.resolve(name.replace(' ', '-') + ".token");
    Files.writeString(file, token + "\n");
    return file;
  }

  private Cli as(Path token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--admin-url");
    all.add(url);
    all.add("--token-file");
    all.add(token.toString());
    return Cli.run(all.toArray(String[]::new));
  }

  private static String[] review(String app, String decision, String justification) {
    return new String[] {"reviews", "submit", app, "--trust", "high", "--trust-evidence", "References checked",
        "--benefit", "high", "--benefit-evidence", "Published plan", "--decision", decision,
        "--justification", justification};
  }

  @Test
  void workflow_throughTheCommands() throws Exception {
    Path admin = person("Ada Admin", "operator", "admin");
    Path rita = person("Rita", "operator", "reviewer");
    Path rob = person("Rob", "operator", "reviewer");
    Path contact = person("Carla", "acme", "partner_contact");

    Cli submitted = as(contact, "applications", "submit", "--use-case", "Evaluate safeguards",
        "--beneficial-use", "Independent testing", "--tier", "vetted", "--models", "*", "--categories", "*",
        "--duration", "7d", "--json");
    assertThat(submitted.exit()).as(submitted.err()).isZero();
    String app = new ObjectMapper().readTree(submitted.out()).path("id").asText();

    Cli first = as(rita, review(app, "approve", "Known lab"));
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains("is pending (1 more approval from distinct reviewers)");
    Cli second = as(rob, review(app, "approve", "Sound plan"));
    assertThat(second.out()).contains("is approved").contains("Granted tier vetted to acme until");

    Cli effective = as(admin, "orgs", "effective", "acme");
    assertThat(effective.exit()).isZero();
    assertThat(effective.out()).contains("standard").contains("vetted").contains("grant");
    Cli grants = as(admin, "grants", "list", "--org", "acme", "--json");
    JsonNode list = new ObjectMapper().readTree(grants.out());
    assertThat(list).hasSize(1);
    String grant = list.get(0).path("id").asText();
    assertThat(as(admin, "applications", "show", app).out()).contains("approved").contains("as reviewer");

    Cli revoked = as(admin, "grants", "revoke", grant, "--reason", "Agreement ended");
    assertThat(revoked.exit()).as(revoked.err()).isZero();
    assertThat(as(admin, "grants", "show", grant).out()).contains("revoked");
    assertThat(as(admin, "orgs", "effective", "acme").out()).doesNotContain("grant");
  }

  @Test
  void refusals_exit1WithTheServersCodeAndBadValues_exit2() throws Exception {
    Path admin = person("Ada Admin", "operator", "admin", "reviewer");
    Cli submitted = as(admin, "applications", "submit", "--org", "acme", "--use-case", "Evaluate",
        "--beneficial-use", "Testing", "--tier", "vetted", "--models", "*", "--categories", "*",
        "--duration", "1d", "--json");
    String app = new ObjectMapper().readTree(submitted.out()).path("id").asText();

    Cli self = as(admin, review(app, "approve", "mine"));
    assertThat(self.exit()).isEqualTo(Main.FAILED);
    assertThat(self.err()).contains("self_review").contains("HTTP 403");

    Cli tooLong = as(admin, "applications", "submit", "--org", "acme", "--use-case", "x", "--beneficial-use", "y",
        "--tier", "vetted", "--models", "*", "--categories", "*", "--duration", "30d");
    assertThat(tooLong.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(tooLong.err()).contains("duration_too_long");

    Cli missingOption = as(admin, "grants", "revoke", "grt_x");
    assertThat(missingOption.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(missingOption.err()).contains("--reason");
  }

  @Test
  void noTokenOrWrongUrl_clearMessages() throws Exception {
    Cli noToken = Cli.run("orgs", "list", "--admin-url", url, "--token-file", dir.resolve("absent").toString());
    assertThat(noToken.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(noToken.err()).contains("--token-file:").contains("does not exist");

    Path admin = person("Ada Admin", "operator", "admin");
    int unused;
    try (ServerSocket s = new ServerSocket(0)) {
      unused = s.getLocalPort();
    }
    Cli unreachable = Cli.run("orgs", "list", "--admin-url", "http://127.0.0.1:" + unused,
        "--token-file", admin.toString());
    assertThat(unreachable.exit()).isEqualTo(Main.FAILED);
    assertThat(unreachable.err()).contains("cannot reach the admin API");

    Cli gatewayPort = Cli.run("orgs", "list", "--admin-url", "http://127.0.0.1:" + server.port(),
        "--token-file", admin.toString());
    assertThat(gatewayPort.exit()).isEqualTo(Main.FAILED);

    Path bogus = Files.writeString(dir.resolve("bogus.token"), "bwa_aaaaaaaaaaaaaaaa_" + "A".repeat(43));
    Cli rejected = as(bogus, "orgs", "list");
    assertThat(rejected.exit()).isEqualTo(Main.FAILED);
    assertThat(rejected.err()).contains("unauthenticated");
  }

  @Test
  void adminsCreate_badRole_exit2() {
    Cli r = Cli.run("admins", "create", "--name", "X", "--role", "root", "-c", config.toString());

    assertThat(r.exit()).isEqualTo(Main.BAD_CONFIG);
    assertThat(r.err()).contains("unknown role 'root'");
  }

  @Test
  void orgsList_andStepDownRestore() throws Exception {
    Path analyst = person("Andy", "operator", "analyst");
    Path admin = person("Ada Admin", "operator", "admin");

    assertThat(as(admin, "orgs", "list").out()).contains("acme").contains("operator");
    Cli down = as(analyst, "orgs", "step-down", "acme", "--tier", "standard", "--reason", "Flagged burst");
    assertThat(down.exit()).as(down.err()).isZero();
    assertThat(as(admin, "orgs", "effective", "acme").out()).contains("step_down");
    Cli restored = as(analyst, "orgs", "restore", "acme", "--reason", "Reviewed");
    assertThat(restored.exit()).as(restored.err()).isZero();
    assertThat(as(admin, "orgs", "show", "acme").out()).contains("cleared");
  }
}
