package dev.bulwark.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark serve} wired from the embedded defaults: the simulated model, said plainly. */
class ServeTest {
  @TempDir Path dir;

  @Test
  void start_noUpstreams_servesTheSimulatedModelAndSaysSo() throws Exception {
    Path config = dir.resolve("bulwark.yaml");
    Files.writeString(config, "server: {port: 0}\nstore: {url: \"jdbc:sqlite:" + dir.resolve("b.db") + "\"}\n"
        + "admin: {listen: \"127.0.0.1:0\"}\n");
    BulwarkConfig cfg = new ConfigLoader(Map.of()).load(config);
    Cli created = Cli.run("keys", "create", "--org", "demo", "--tier", "standard", "-c", config.toString());
    String key = created.out().lines().filter(l -> l.trim().startsWith("bwk_")).findFirst().orElseThrow().trim();

    try (BulwarkServer server = BulwarkServer.start(cfg, Clock.systemUTC())) {
      String base = "http://127.0.0.1:" + server.port();
      java.io.StringWriter banner = new java.io.StringWriter();
      dev.bulwark.app.cli.BannerAccess.print(new java.io.PrintWriter(banner), server);
      String models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      OpenAIClient client = OpenAIOkHttpClient.builder().apiKey(key).baseUrl(base + "/v1").maxRetries(0).build();
      String answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("anything").addUserMessage("Is this a real model?").build())
          .choices().get(0).message().content().orElse("");
      client.close();

      assertThat(banner.toString()).contains("SIMULATED MODEL").contains("not a real model").contains("1 active");
      assertThat(models).contains("\"simulated\":true").contains("bulwark-simulated-upstream");
      assertThat(answer).isEqualTo("Is this a real model?");
      assertThat(server.simulator()).isNotNull();
    }
  }
}
