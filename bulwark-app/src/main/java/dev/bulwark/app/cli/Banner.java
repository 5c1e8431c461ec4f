package dev.bulwark.app.cli;

import dev.bulwark.app.BulwarkServer;
import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.StagePolicy;
import dev.bulwark.gateway.GatewaySettings;
import dev.bulwark.gateway.Route;
import dev.bulwark.gateway.UpstreamSpec;
import java.io.PrintWriter;
import java.util.Locale;

/** The start-up banner: what is running, where, and under which rules, in plain words. */
final class Banner {
  private Banner() {}

  static void print(PrintWriter out, BulwarkServer server) {
    GatewaySettings s = server.settings();
    BulwarkConfig c = server.config();
    String base = "http://" + s.host() + ":" + server.port();
    out.println("Bulwark " + VersionProvider.version() + " - safeguards gateway");
    out.println("  listening   " + base + "   (OpenAI: POST /v1/chat/completions, Anthropic: POST /v1/messages)");
    out.println("  config      " + c.source());
    out.println("  store       " + c.store().dialect().name().toLowerCase(Locale.ROOT) + " " + c.store().redactedUrl()
        + "   (events so far: " + server.store().events().headSeq() + ")");
    if (s.simulatedUpstream()) {
      out.println("  upstream    SIMULATED MODEL: no upstream is configured, so Bulwark started its built-in");
      out.println("              simulated model on " + server.simulator().baseUrl()
          + ". It echoes the last user message; it is not a real model.");
      out.println("              Configure 'upstreams' and 'routes' (README, Configuration) to serve one.");
    } else {
      for (UpstreamSpec u : s.upstreams().values()) {
        out.println("  upstream    " + u.name() + ": " + u.protocol().wireName() + " " + u.baseUrl()
            + (u.apiKey() == null ? "  (no API key)" : "  (API key from environment)"));
      }
    }
    for (Route r : s.routes()) {
      out.println("  route       " + r.model() + " -> " + r.upstream() + " (" + r.upstreamModel() + ")");
    }
    for (String line : server.pipeline().describe()) {
      out.println("  stage       " + line);
    }
    c.tiers().forEach((tier, policyName) -> {
      Policy p = s.policies().get(policyName);
      StagePolicy d = p.defaultStage();
      out.println("  tier        " + tier + " -> policy " + p.name() + " v" + p.version() + ": stages "
          + d.mode().name().toLowerCase(Locale.ROOT) + ", fail " + d.onFailure().name().toLowerCase(Locale.ROOT)
          + (p.stageOverrides().isEmpty() ? "" : " (" + p.stageOverrides().size() + " overridden)")
          + "; retention " + p.retention().name().toLowerCase(Locale.ROOT)
          + "; limits " + limit(p.limits().requestsPerMinute(), "req/min") + ", "
          + limit(p.limits().maxConcurrent(), "concurrent"));
    });
    long keys = ServeCommand.activeKeys(server);
    if (keys == 0) {
      String tier = c.tiers().keySet().iterator().next();
      out.println("  keys        none yet. Create one:  ./bulwark keys create --org demo --tier " + tier);
    } else {
      out.println("  keys        " + keys + " active");
    }
    if (server.recovered() > 0) {
      out.println("  recovered   " + server.recovered()
          + " requests interrupted by the previous stop were recorded as abandoned");
    }
    out.println("  metrics     " + base + "/metrics   health " + base + "/healthz   ready " + base + "/readyz");
  }

  private static String limit(int n, String unit) {
    return n == 0 ? "unlimited " + unit : n + " " + unit;
  }
}
