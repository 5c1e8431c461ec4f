package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.core.Action;
import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.RateLimits;
import dev.bulwark.core.policy.Retention;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import dev.bulwark.gateway.Route;
import dev.bulwark.gateway.UpstreamSpec;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.store.Durability;
import dev.bulwark.store.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Loads the YAML configuration.
 *
 * <p>The embedded defaults ({@code bulwark-default.yaml}) are a complete, working configuration. A
 * user's file replaces whole top-level sections: a section it has replaces the default's, a section it
 * lacks keeps the default's. Secrets never live in the file: upstream keys and the store password are
 * read from the environment variables the file names ({@code api_key_env}, {@code password_env}), and
 * {@code BULWARK_STORE_URL} overrides the store's URL.
 */
public final class ConfigLoader {
  /** The classpath resource holding the defaults. */
  public static final String DEFAULTS = "/bulwark-default.yaml";

  private static final String[] SECTIONS = {
    "server", "store", "upstreams", "routes", "stages", "policies", "tiers", "simulator", "admin", "monitor", "response"
  };

  /** The name routes use for the built-in simulated model, which runs when no upstream is defined. */
  public static final String SIMULATED = "simulated";

  private final Map<String, String> env;
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  /** @param env the environment to read secrets from ({@code System.getenv()} in production) */
  public ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(requireNonNull(env, "env"));
  }

  /** Loads the embedded defaults, overlaid with {@code file} when given. */
  public BulwarkConfig load(@Nullable Path file) throws ConfigException {
    ObjectNode merged = (ObjectNode) readDefaults();
    String source = "embedded defaults";
    if (file != null) {
      JsonNode user = readFile(file);
      Node root = Node.root(user);
      root.allow(SECTIONS);
      for (String section : root.keys()) {
        merged.set(section, user.get(section));
      }
      source = file.toString();
    }
    return parse(source, Node.root(merged));
  }

  private JsonNode readDefaults() throws ConfigException {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("the embedded defaults " + DEFAULTS + " are missing from the build");
      }
      return yaml.readTree(in);
    } catch (IOException e) {
      throw new ConfigException("", "the embedded defaults cannot be read: " + e.getMessage(), e);
    }
  }

  private JsonNode readFile(Path file) throws ConfigException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      JsonNode node = yaml.readTree(bytes);
      return node == null ? yaml.createObjectNode() : node;
    } catch (NoSuchFileException e) {
      throw new ConfigException("", "configuration file " + file + " does not exist");
    } catch (JacksonException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new ConfigException("", file + " is not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("", "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private BulwarkConfig parse(String source, Node root) throws ConfigException {
    root.allow(SECTIONS);
    BulwarkConfig.Server server = server(root.object("server"));
    StoreConfig store = store(root.object("store"));
    List<UpstreamSpec> upstreams = upstreams(root);
    List<Route> routes = routes(root, upstreams);
    List<BulwarkConfig.StageSpec> stages = stages(root);
    Set<String> stageNames = new LinkedHashSet<>();
    stages.forEach(s -> stageNames.add(s.name()));
    Map<String, Policy> policies = policies(root, stageNames);
    Map<String, String> tiers = tiers(root, policies);
    BulwarkConfig.Simulator simulator = simulator(root.object("simulator"));
    AdminConfig admin = AdminConfig.parse(root.object("admin"), tiers.keySet());
    MonitorConfig monitor = MonitorConfig.parse(root.object("monitor"), upstreams, env);
    ResponseConfig response = ResponseConfig.parse(root.object("response"));
    return new BulwarkConfig(source, server, store, upstreams, routes, stages, policies, tiers, simulator, admin, monitor,
        response);
  }

  private static BulwarkConfig.Server server(Node n) throws ConfigException {
    n.allow("host", "port", "event_loops", "max_body_bytes", "max_response_bytes", "default_max_tokens",
        "max_held_chars", "refusal_message", "key_poll_interval", "stage_threads");
    String host = n.string("host", "127.0.0.1");
    if (host.isBlank()) {
      throw new ConfigException(n.child("host"), "must not be blank");
    }
    Duration poll = n.duration("key_poll_interval", Duration.ofMillis(500));
    if (poll.isZero()) {
      throw new ConfigException(n.child("key_poll_interval"), "must be positive");
    }
    return new BulwarkConfig.Server(
        host,
        n.integer("port", 8080, 0, 65535),
        n.integer("event_loops", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 256),
        n.integer("max_body_bytes", 4 * 1024 * 1024, 1024, Integer.MAX_VALUE),
        n.integer("max_response_bytes", 32 * 1024 * 1024, 1024, Integer.MAX_VALUE),
        n.integer("default_max_tokens", 4096, 1, 1_000_000),
        n.integer("max_held_chars", 1 << 20, 1024, Integer.MAX_VALUE),
        n.string("refusal_message", "This request was declined by the deployment's safeguards."),
        poll,
        n.integer("stage_threads", Math.max(2, Runtime.getRuntime().availableProcessors()), 1, 1024));
  }

  private StoreConfig store(Node n) throws ConfigException {
    n.allow("url", "user", "password_env", "pool_size", "durability", "max_batch", "schema");
    String url = Optional.ofNullable(env.get("BULWARK_STORE_URL")).filter(s -> !s.isBlank())
        .orElse(n.string("url", "jdbc:sqlite:./bulwark-data/bulwark.db"));
    String field = env.containsKey("BULWARK_STORE_URL") ? "BULWARK_STORE_URL" : n.child("url");
    StoreConfig.Builder b = StoreConfig.builder();
    try {
      b.url(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(field, stripPrefix(e.getMessage()));
    }
    Optional<String> user = n.string("user");
    if (user.isPresent()) {
      b.user(user.get());
    }
    Optional<String> passwordEnv = n.string("password_env");
    if (passwordEnv.isPresent()) {
      String password = env.get(passwordEnv.get());
      if (password == null) {
        throw new ConfigException(n.child("password_env"),
            "environment variable " + passwordEnv.get() + " is not set");
      }
      b.password(password);
    }
    b.poolSize(n.integer("pool_size", 4, 1, 256));
    b.durability(n.enumeration("durability", Durability.class, Durability.NORMAL));
    b.maxBatch(n.integer("max_batch", 512, 1, 100_000));
    n.string("schema").ifPresent(b::schema);
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The store's builder names its fields as store.<field> already.
      String m = e.getMessage() == null ? "invalid" : e.getMessage();
      throw m.startsWith("store.") ? new ConfigException("", m) : new ConfigException(n.path(), m);
    }
  }

  private List<UpstreamSpec> upstreams(Node root) throws ConfigException {
    List<UpstreamSpec> out = new ArrayList<>();
    for (Map.Entry<String, Node> e : root.objects("upstreams").entrySet()) {
      Node n = e.getValue().allow("protocol", "base_url", "api_key_env", "connect_timeout", "read_timeout",
          "max_connections", "headers");
      UpstreamSpec.Builder b;
      try {
        b = UpstreamSpec.builder(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(n.path(), ex.getMessage());
      }
      b.protocol(n.enumeration("protocol", Protocol.class, Protocol.OPENAI));
      String url = n.requiredString("base_url");
      try {
        b.baseUrl(new URI(url.trim()));
      } catch (URISyntaxException | IllegalArgumentException ex) {
        throw new ConfigException(n.child("base_url"), "must be an http or https URL, was '" + url + "'");
      }
      Optional<String> keyEnv = n.string("api_key_env");
      if (keyEnv.isPresent()) {
        String key = env.get(keyEnv.get());
        if (key == null || key.isBlank()) {
          throw new ConfigException(n.child("api_key_env"),
              "environment variable " + keyEnv.get() + " is not set");
        }
        b.apiKey(key);
      }
      b.connectTimeout(positive(n, "connect_timeout", Duration.ofSeconds(5)));
      b.readTimeout(positive(n, "read_timeout", Duration.ofSeconds(120)));
      b.maxConnections(n.integer("max_connections", 64, 1, 10_000));
      for (Map.Entry<String, String> h : n.stringMap("headers").entrySet()) {
        String lower = h.getKey().toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("authorization") || lower.equals("x-api-key")) {
          throw new ConfigException(n.child("headers") + "." + h.getKey(),
              "credentials do not belong in the file; use api_key_env");
        }
        b.header(h.getKey(), h.getValue());
      }
      out.add(b.build());
    }
    return out;
  }

  private static List<Route> routes(Node root, List<UpstreamSpec> upstreams) throws ConfigException {
    List<Route> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    upstreams.forEach(u -> names.add(u.name()));
    for (Node n : root.list("routes")) {
      n.allow("model", "upstream", "upstream_model");
      String model = n.requiredString("model");
      String upstream = n.requiredString("upstream");
      if (upstreams.isEmpty() && !upstream.equals(SIMULATED)) {
        throw new ConfigException(n.child("upstream"), "names upstream '" + upstream
            + "', but no upstreams are defined; without upstreams the only one is the built-in '"
            + SIMULATED + "' model");
      }
      if (!upstreams.isEmpty() && !names.contains(upstream)) {
        throw new ConfigException(n.child("upstream"), "names upstream '" + upstream
            + "', which is not defined; defined upstreams: " + String.join(", ", names));
      }
      if (!seen.add(model)) {
        throw new ConfigException(n.child("model"), "model '" + model + "' is routed twice");
      }
      try {
        out.add(new Route(model, upstream, n.string("upstream_model", Route.ANY.equals(model) ? Route.ANY : model)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(n.path(), e.getMessage());
      }
    }
    if (!upstreams.isEmpty() && out.isEmpty()) {
      throw new ConfigException("routes", "upstreams are defined but no model is routed to them");
    }
    return out;
  }

  private static List<BulwarkConfig.StageSpec> stages(Node root) throws ConfigException {
    List<BulwarkConfig.StageSpec> out = new ArrayList<>();
    for (Map.Entry<String, Node> e : root.objects("stages").entrySet()) {
      Node n = e.getValue();
      String type = n.requiredString("type");
      if (type.equals("classifier")) {
        out.add(classifier(e.getKey(), n));
        continue;
      }
      if (!type.equals("phrase_list")) {
        throw new ConfigException(n.child("type"), "must be one of phrase_list, classifier, was '" + type + "'");
      }
      n.allow("type", "rules");
      List<PhraseRule> rules = new ArrayList<>();
      Set<String> ids = new LinkedHashSet<>();
      for (Node r : n.list("rules")) {
        r.allow("id", "phrase", "pattern", "max_length", "category", "action", "scope");
        String id = r.requiredString("id");
        if (!ids.add(id)) {
          throw new ConfigException(r.child("id"), "rule id '" + id + "' is used twice");
        }
        String category = r.requiredString("category");
        Action action = r.enumeration("action", RuleAction.class, RuleAction.BLOCK) == RuleAction.BLOCK
            ? Action.BLOCK : Action.FLAG;
        PhraseRule.Scope scope = r.enumeration("scope", PhraseRule.Scope.class, PhraseRule.Scope.BOTH);
        try {
          if (r.has("phrase") == r.has("pattern")) {
            throw new ConfigException(r.path(), "give exactly one of phrase and pattern");
          }
          if (r.has("phrase")) {
            if (r.has("max_length")) {
              throw new ConfigException(r.child("max_length"), "applies to patterns only");
            }
            rules.add(PhraseRule.phrase(id, category, action, r.requiredString("phrase"), scope));
          } else {
            int max = r.integer("max_length", 256, 1, PhraseRule.MAX_PATTERN_LENGTH);
            rules.add(PhraseRule.pattern(id, category, action, r.requiredString("pattern"), max, scope));
          }
        } catch (IllegalArgumentException ex) {
          throw new ConfigException(r.path(), ex.getMessage());
        }
      }
      out.add(new BulwarkConfig.PhraseList(e.getKey(), rules));
    }
    return out;
  }

  private static BulwarkConfig.Classifier classifier(String name, Node n) throws ConfigException {
    n.allow("type", "model", "digest", "scope", "band", "stage2", "checkpoint_chars");
    String model = n.string("model", "builtin");
    Optional<String> digest = n.string("digest");
    if (digest.isPresent() && !digest.get().matches("sha256:[0-9a-f]{64}")) {
      throw new ConfigException(n.child("digest"), "must be sha256: followed by 64 lower-case hex digits");
    }
    if (!model.equals("builtin") && !Files.isRegularFile(Path.of(model))) {
      throw new ConfigException(n.child("model"), "must be 'builtin' or the path of a model archive; no file at " + model);
    }
    String scope = n.string("scope", "both");
    if (!List.of("prompt", "completion", "both").contains(scope)) {
      throw new ConfigException(n.child("scope"), "must be one of prompt, completion, both, was '" + scope + "'");
    }
    Double low = null;
    Double high = null;
    if (n.has("band")) {
      Node band = n.object("band").allow("low", "high");
      if (!band.has("low") || !band.has("high")) {
        throw new ConfigException(band.path(), "give both low and high (or no band, for the model's calibrated one)");
      }
      low = band.number("low", 0.0, 0.0, 1.0);
      high = band.number("high", 1.0, 0.0, 1.0);
      if (low > high) {
        throw new ConfigException(band.child("low"), "must not exceed band.high (" + high + "), was " + low);
      }
    }
    return new BulwarkConfig.Classifier(
        name, model, digest.orElse(null), scope, low, high, n.bool("stage2", true),
        n.integer("checkpoint_chars", 512, 16, 65_536));
  }

  private static Map<String, Policy> policies(Node root, Set<String> stageNames) throws ConfigException {
    Map<String, Policy> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : root.objects("policies").entrySet()) {
      Node n = e.getValue().allow("version", "retention", "limits", "stages");
      Policy.Builder b;
      try {
        b = Policy.builder(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(n.path(), ex.getMessage());
      }
      b.version(n.integer("version", 1, 1, Integer.MAX_VALUE));
      b.retention(n.enumeration("retention", Retention.class, Retention.HASHES));
      Node limits = n.object("limits").allow("requests_per_minute", "max_concurrent");
      b.limits(new RateLimits(
          limits.integer("requests_per_minute", 0, 0, 100_000_000),
          limits.integer("max_concurrent", 0, 0, 1_000_000)));
      Node stages = n.object("stages");
      StagePolicy defaults = StagePolicy.DEFAULT;
      if (stages.has("default")) {
        defaults = stagePolicy(stages.object("default"), StagePolicy.DEFAULT);
        b.defaultStage(defaults);
      }
      for (String stage : stages.keys()) {
        if (stage.equals("default")) {
          continue;
        }
        if (!stageNames.contains(stage)) {
          throw new ConfigException(stages.child(stage), "no stage is named '" + stage
              + "'; configured stages: " + (stageNames.isEmpty() ? "(none)" : String.join(", ", stageNames)));
        }
        b.stage(stage, stagePolicy(stages.object(stage), defaults));
      }
      out.put(e.getKey(), b.build());
    }
    if (out.isEmpty()) {
      throw new ConfigException("policies", "at least one policy is required");
    }
    return out;
  }

  private static StagePolicy stagePolicy(Node n, StagePolicy base) throws ConfigException {
    n.allow("mode", "on_failure", "timeout", "thresholds", "monitor_categories");
    Duration timeout = n.duration("timeout", base.timeout());
    if (timeout.isZero()) {
      throw new ConfigException(n.child("timeout"), "must be positive");
    }
    Map<String, Double> thresholds = new TreeMap<>(base.thresholds());
    if (n.has("thresholds")) {
      Node t = n.object("thresholds");
      for (String category : t.keys()) {
        checkCategory(t.child(category), category);
        thresholds.put(category, t.number(category, 0.5, 0.000001, 1.0));
      }
    }
    Set<String> monitor = new TreeSet<>(base.monitorCategories());
    if (n.has("monitor_categories")) {
      monitor.clear();
      for (String category : n.strings("monitor_categories")) {
        checkCategory(n.child("monitor_categories"), category);
        monitor.add(category);
      }
    }
    return new StagePolicy(
        n.enumeration("mode", StageMode.class, base.mode()),
        n.enumeration("on_failure", FailureMode.class, base.onFailure()),
        timeout, thresholds, monitor);
  }

  private static Map<String, String> tiers(Node root, Map<String, Policy> policies) throws ConfigException {
    Map<String, String> out = new LinkedHashMap<>();
    Node tiers = root.object("tiers");
    for (String tier : tiers.keys()) {
      String policy = tiers.requiredString(tier);
      if (!tier.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
        throw new ConfigException(tiers.child(tier), "tier names are 1-64 of [a-z0-9_-]");
      }
      if (!policies.containsKey(policy)) {
        throw new ConfigException(tiers.child(tier), "names policy '" + policy
            + "', which is not defined; defined policies: " + String.join(", ", policies.keySet()));
      }
      out.put(tier, policy);
    }
    if (out.isEmpty()) {
      throw new ConfigException("tiers", "at least one tier is required");
    }
    return out;
  }

  private static BulwarkConfig.Simulator simulator(Node n) throws ConfigException {
    n.allow("ttft", "tokens_per_second", "chunk_tokens", "script");
    Optional<String> script = n.string("script");
    return new BulwarkConfig.Simulator(
        n.duration("ttft", Duration.ZERO),
        n.number("tokens_per_second", 0, 0, 1_000_000),
        n.integer("chunk_tokens", 1, 1, 10_000),
        script.map(Path::of).orElse(null));
  }

  private static Duration positive(Node n, String key, Duration fallback) throws ConfigException {
    Duration d = n.duration(key, fallback);
    if (d.isZero()) {
      throw new ConfigException(n.child(key), "must be positive");
    }
    return d;
  }

  private static String stripPrefix(@Nullable String message) {
    if (message == null) {
      return "invalid";
    }
    int colon = message.indexOf(": ");
    return colon > 0 && colon < 40 && message.substring(0, colon).matches("[a-z_.]+") ? message.substring(colon + 2) : message;
  }

  /** A rule's action as written in the file. */
  private static void checkCategory(String path, String category) throws ConfigException {
    if (Category.byId(category).isEmpty()) {
      throw new ConfigException(path, "unknown category '" + category + "'; categories: "
          + Category.ALL.stream().map(Category::id).collect(java.util.stream.Collectors.joining(", ")));
    }
  }

  private enum RuleAction {
    BLOCK,
    FLAG
  }
}
