package dev.bulwark.app.cli;

import dev.bulwark.app.Main;
import dev.bulwark.simulator.Script;
import dev.bulwark.simulator.ScriptException;
import dev.bulwark.simulator.SimulatedUpstream;
import dev.bulwark.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark simulate-upstream}. */
@Command(
    name = "simulate-upstream",
    mixinStandardHelpOptions = true,
    description = "Serve a simulated model that speaks the OpenAI and Anthropic APIs: it echoes the last "
        + "user message, or answers from a script, at a chosen time to first token and token rate.")
public final class SimulateUpstreamCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "8081", description = "Port (default: ${DEFAULT-VALUE}; 0 picks one)")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--script", paramLabel = "FILE", description = "YAML or JSONL script of responses keyed by prompt match")
  Path script;

  @Option(names = "--ttft-ms", defaultValue = "0", description = "Time to first token, ms (default: ${DEFAULT-VALUE})")
  long ttftMs;

  @Option(names = "--tokens-per-second", defaultValue = "0", description = "Token rate; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
  double tokensPerSecond;

  @Option(names = "--chunk-tokens", defaultValue = "1", description = "Tokens per streamed event (default: ${DEFAULT-VALUE})")
  int chunkTokens;

  @Option(names = "--instances", defaultValue = "1", description = "Server instances (event loops) (default: ${DEFAULT-VALUE})")
  int instances;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SimulatorConfig config;
    try {
      SimulatorConfig.Builder b = SimulatorConfig.builder()
          .host(host).port(port).ttft(Duration.ofMillis(ttftMs)).tokensPerSecond(tokensPerSecond)
          .chunkTokens(chunkTokens).instances(instances);
      if (script != null) {
        b.script(Script.load(script));
      }
      config = b.build();
    } catch (IllegalArgumentException | IllegalStateException | ScriptException e) {
      err.println("bulwark: " + e.getMessage());
      return Main.BAD_CONFIG;
    } catch (IOException e) {
      err.println("bulwark: cannot read " + script + ": " + e.getMessage());
      return Main.BAD_CONFIG;
    }
    Vertx vertx = Vertx.vertx();
    SimulatedUpstream sim;
    try {
      sim = SimulatedUpstream.start(vertx, config).await();
    } catch (RuntimeException e) {
      vertx.close();
      err.println("bulwark: could not start the simulated upstream: " + ServeCommand.rootMessage(e));
      return Main.FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close().await();
      vertx.close().await();
      stopped.countDown();
    }, "bulwark-shutdown"));
    out.println("Bulwark simulated upstream on " + sim.baseUrl()
        + "  (OpenAI: POST /v1/chat/completions, Anthropic: POST /v1/messages; stats: GET /_sim/stats)");
    out.println("  responses   " + (script == null ? "echo of the last user message" : "script " + script
        + " (" + sim.script().entries().size() + " entries), else echo"));
    out.println("  timing      ttft " + ttftMs + " ms, " + (tokensPerSecond == 0 ? "unthrottled" : tokensPerSecond + " tokens/s"));
    out.flush();
    stopped.await();
    return Main.OK;
  }
}
