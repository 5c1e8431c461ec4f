package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

import dev.bulwark.gateway.UpstreamSpec;
import dev.bulwark.monitor.MonitorSettings;
import dev.bulwark.monitor.analyzer.JudgeSettings;
import dev.bulwark.protocol.model.Protocol;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code monitor} section: the asynchronous monitor that {@code serve} embeds and {@code bulwark
 * monitor run} starts on its own.
 *
 * <pre>
 * monitor:
 *   enabled: true              # run a monitor worker inside 'serve'
 *   flowchart: builtin         # or the path of a flowchart file, reloaded when it changes
 *   reload_interval: 5s
 *   batch_size: 256
 *   poll_interval: 200ms
 *   lease: 30s                 # how soon a dead worker's partitions go to the others
 *   max_attempts: 5            # then the exchange goes to the dead letters
 *   backoff: {initial: 1s, max: 5m}
 *   threads: 2
 *   history: {window: 1h, limit: 50}
 *   webhooks: {timeout: 5s, max_attempts: 8}
 *   judge:                     # the LLM judge's model; without it the judge node is left out
 *     upstream: openai         # an OpenAI-protocol upstream (its URL, key and headers), or:
 *     # base_url: http://127.0.0.1:8000
 *     # api_key_env: JUDGE_API_KEY
 *     model: gpt-4o-mini
 *     timeout: 10s
 *     max_tokens: 256
 *     max_input_tokens: 4000
 *     retries: 2
 *     tokens_per_minute: 0     # 0: no budget
 * </pre>
 *
 * @param enabled whether {@code serve} runs a worker
 * @param flowchart the flowchart file, or null for the built-in default
 * @param reloadInterval how often the file is checked for changes
 * @param settings the worker's settings (its id is replaced per process)
 * @param judge the judge's model, or null
 */
public record MonitorConfig(
    boolean enabled, @Nullable Path flowchart, Duration reloadInterval, MonitorSettings settings,
    @Nullable JudgeSettings judge) {

  /** The section's defaults. */
  public static final MonitorConfig DEFAULTS =
      new MonitorConfig(true, null, Duration.ofSeconds(5), MonitorSettings.defaults(), null);

  public MonitorConfig {
    requireNonNull(reloadInterval, "reloadInterval");
    requireNonNull(settings, "settings");
  }

  static MonitorConfig parse(Node n, List<UpstreamSpec> upstreams, Map<String, String> env) throws ConfigException {
    n.allow("enabled", "flowchart", "reload_interval", "batch_size", "poll_interval", "lease", "max_attempts",
        "backoff", "threads", "history", "webhooks", "judge");
    boolean enabled = n.bool("enabled", true);
    String file = n.string("flowchart", "builtin");
    Path flowchart = file.equals("builtin") ? null : Path.of(file);
    Duration reload = n.duration("reload_interval", Duration.ofSeconds(5));
    Node backoff = n.object("backoff").allow("initial", "max");
    Node history = n.object("history").allow("window", "limit");
    Node webhooks = n.object("webhooks").allow("timeout", "max_attempts");
    MonitorSettings settings;
    try {
      settings = MonitorSettings.builder()
          .batchSize(n.integer("batch_size", 256, 1, 10_000))
          .pollInterval(n.duration("poll_interval", Duration.ofMillis(200)))
          .lease(n.duration("lease", Duration.ofSeconds(30)))
          .maxAttempts(n.integer("max_attempts", 5, 1, 100))
          .backoff(backoff.duration("initial", Duration.ofSeconds(1)), backoff.duration("max", Duration.ofMinutes(5)))
          .threads(n.integer("threads", 2, 1, 256))
          .history(history.duration("window", Duration.ofHours(1)), history.integer("limit", 50, 0, 1_000))
          .webhooks(webhooks.duration("timeout", Duration.ofSeconds(5)), webhooks.integer("max_attempts", 8, 1, 100))
          .build();
    } catch (IllegalArgumentException e) {
      // The builder names its fields as monitor.<field> already.
      throw new ConfigException("", String.valueOf(e.getMessage()));
    }
    if (reload.isZero() || reload.isNegative()) {
      throw new ConfigException(n.child("reload_interval"), "must be positive");
    }
    JudgeSettings judge = n.has("judge") ? judge(n.object("judge"), upstreams, env) : null;
    return new MonitorConfig(enabled, flowchart, reload, settings, judge);
  }

  private static JudgeSettings judge(Node j, List<UpstreamSpec> upstreams, Map<String, String> env)
      throws ConfigException {
    j.allow("upstream", "base_url", "api_key_env", "model", "timeout", "max_tokens", "max_input_tokens", "retries",
        "retry_backoff", "tokens_per_minute");
    URI base;
    String key = null;
    Map<String, String> headers = Map.of();
    Optional<String> upstream = j.string("upstream");
    if (upstream.isPresent() == j.has("base_url")) {
      throw new ConfigException(j.path(), "name an 'upstream' or give a 'base_url', one of the two");
    }
    if (upstream.isPresent()) {
      UpstreamSpec u = upstreams.stream().filter(x -> x.name().equals(upstream.get())).findFirst()
          .orElseThrow(() -> new ConfigException(j.child("upstream"), "names '" + upstream.get()
              + "', which is not defined under upstreams"));
      if (u.protocol() != Protocol.OPENAI) {
        throw new ConfigException(j.child("upstream"), "the judge speaks the OpenAI protocol; '" + u.name()
            + "' is " + u.protocol().wireName());
      }
      base = u.baseUrl();
      key = u.apiKey();
      headers = u.headers();
    } else {
      String url = j.requiredString("base_url");
      try {
        base = new URI(url.trim());
      } catch (URISyntaxException e) {
        throw new ConfigException(j.child("base_url"), "must be an http or https URL, was '" + url + "'");
      }
      Optional<String> keyEnv = j.string("api_key_env");
      if (keyEnv.isPresent()) {
        key = env.get(keyEnv.get());
        if (key == null || key.isBlank()) {
          throw new ConfigException(j.child("api_key_env"), "environment variable " + keyEnv.get() + " is not set");
        }
      }
    }
    try {
      return new JudgeSettings(base, key, j.requiredString("model"), j.duration("timeout", Duration.ofSeconds(10)),
          j.integer("max_tokens", 256, 16, 100_000), j.integer("max_input_tokens", 4_000, 64, 1_000_000),
          j.integer("retries", 2, 0, 10), j.duration("retry_backoff", Duration.ofMillis(200)),
          j.integer("tokens_per_minute", 0, 0, Integer.MAX_VALUE), headers);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("", String.valueOf(e.getMessage()));
    }
  }
}
