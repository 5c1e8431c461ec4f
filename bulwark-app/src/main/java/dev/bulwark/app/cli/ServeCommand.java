package dev.bulwark.app.cli;

import dev.bulwark.app.BulwarkServer;
import dev.bulwark.app.Main;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigException;
import dev.bulwark.store.ApiKeyRecord;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bulwark serve}. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serve the gateway (OpenAI /v1/chat/completions and Anthropic /v1/messages) until stopped.")
public final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Option(names = "--port", description = "Override server.port")
  Integer port;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BulwarkConfig cfg;
    try {
      cfg = config.load();
    } catch (ConfigException e) {
      err.println("bulwark: configuration error: " + e.getMessage());
      return Main.BAD_CONFIG;
    }
    if (port != null) {
      if (port < 0 || port > 65535) {
        err.println("bulwark: configuration error: --port: must be an integer in [0, 65535], was " + port);
        return Main.BAD_CONFIG;
      }
      cfg = withPort(cfg, port);
    }
    BulwarkServer server;
    try {
      server = BulwarkServer.start(cfg, Clock.systemUTC());
    } catch (Exception e) {
      err.println("bulwark: could not start: " + rootMessage(e));
      return Main.FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "bulwark-shutdown"));
    Banner.print(out, server);
    out.flush();
    stopped.await();
    return Main.OK;
  }

  private static BulwarkConfig withPort(BulwarkConfig c, int port) {
    BulwarkConfig.Server s = c.server();
    return new BulwarkConfig(c.source(), new BulwarkConfig.Server(s.host(), port, s.eventLoops(), s.maxBodyBytes(),
        s.maxResponseBytes(), s.defaultMaxTokens(), s.maxHeldChars(), s.refusalMessage(), s.keyPollInterval(),
        s.stageThreads()), c.store(), c.upstreams(), c.routes(), c.stages(), c.policies(), c.tiers(), c.simulator(), c.admin(),
        c.monitor(), c.response());
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = e.getMessage() != null ? e.getMessage() : t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  /** Counts active keys for the banner's hint. */
  static long activeKeys(BulwarkServer server) {
    java.time.Instant now = java.time.Instant.now();
    long n = 0;
    for (ApiKeyRecord k : server.store().keys().keys(null)) {
      if (k.revokedAt() == null && (k.expiresAt() == null || k.expiresAt().isAfter(now))) {
        n++;
      }
    }
    return n;
  }
}
