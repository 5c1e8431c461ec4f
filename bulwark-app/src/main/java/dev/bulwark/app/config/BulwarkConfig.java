package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.gateway.Route;
import dev.bulwark.gateway.UpstreamSpec;
import dev.bulwark.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A loaded and validated configuration. Every part is already checked: building the gateway from it
 * cannot fail on a bad value.
 *
 * @param source where it came from: the file's path, or "embedded defaults"
 * @param server listen address and limits
 * @param store the database
 * @param upstreams the model servers; empty means "start the built-in simulated model"
 * @param routes client-facing model names to upstreams
 * @param stages the safeguard stages, in pipeline order
 * @param policies policies by name
 * @param tiers tier name to policy name; written to the store at start-up
 * @param simulator the simulated model's settings, used when there are no upstreams
 * @param admin the admin API and the due-diligence rules
 * @param monitor the asynchronous monitor
 * @param response rapid response inside {@code serve}
 */
public record BulwarkConfig(
    String source,
    Server server,
    StoreConfig store,
    List<UpstreamSpec> upstreams,
    List<Route> routes,
    List<StageSpec> stages,
    Map<String, Policy> policies,
    Map<String, String> tiers,
    Simulator simulator,
    AdminConfig admin,
    MonitorConfig monitor,
    ResponseConfig response) {

  public BulwarkConfig {
    requireNonNull(source, "source");
    requireNonNull(server, "server");
    requireNonNull(store, "store");
    upstreams = List.copyOf(upstreams);
    routes = List.copyOf(routes);
    stages = List.copyOf(stages);
    policies = Map.copyOf(policies);
    tiers = Map.copyOf(tiers);
    requireNonNull(simulator, "simulator");
    requireNonNull(admin, "admin");
    requireNonNull(monitor, "monitor");
    requireNonNull(response, "response");
  }

  /** The {@code server} section. */
  public record Server(
      String host,
      int port,
      int eventLoops,
      int maxBodyBytes,
      int maxResponseBytes,
      int defaultMaxTokens,
      int maxHeldChars,
      String refusalMessage,
      Duration keyPollInterval,
      int stageThreads) {}

  /** The {@code simulator} section: the built-in model used when no upstream is configured. */
  public record Simulator(Duration ttft, double tokensPerSecond, int chunkTokens, @Nullable Path script) {}

  /** A configured stage. */
  public sealed interface StageSpec permits PhraseList, Classifier {
    String name();
  }

  /**
   * A {@code classifier} stage: the trained cascade on prompts, on streamed completions, or both.
   *
   * @param model {@code builtin} for the model that ships in the jar, else a model archive's path
   * @param digest the archive's expected {@code sha256:} digest, or null to trust the archive's own
   * @param scope where it runs: {@code prompt}, {@code completion} or {@code both}
   * @param bandLow stage-1 scores at or above this escalate to stage 2; null for the model's calibrated band
   * @param bandHigh stage-1 scores at or above this decide without stage 2; null for the model's
   * @param stage2 whether stage 2 runs at all
   * @param checkpointChars in a stream, how often (in characters) stage 2 and the decoded views rescore
   */
  public record Classifier(
      String name,
      String model,
      @Nullable String digest,
      String scope,
      @Nullable Double bandLow,
      @Nullable Double bandHigh,
      boolean stage2,
      int checkpointChars) implements StageSpec {
    public Classifier {
      requireNonNull(name, "name");
      requireNonNull(model, "model");
      requireNonNull(scope, "scope");
    }
  }

  /** A {@code phrase_list} stage. */
  public record PhraseList(String name, List<PhraseRule> rules) implements StageSpec {
    public PhraseList {
      requireNonNull(name, "name");
      rules = List.copyOf(rules);
    }
  }
}
