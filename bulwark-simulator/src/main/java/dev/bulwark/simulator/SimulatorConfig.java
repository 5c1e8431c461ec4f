package dev.bulwark.simulator;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link SimulatedUpstream} listens and answers. Immutable; build one with {@link
 * #builder()}. Only the script can change while the simulator runs ({@link
 * SimulatedUpstream#updateScript}).
 */
public final class SimulatorConfig {
  /** The longest ttft or delay accepted; anything longer is a typo, and {@code hang} exists. */
  static final Duration MAX_DELAY = Duration.ofHours(1);

  private final String host;
  private final int port;
  private final Duration ttft;
  private final double tokensPerSecond;
  private final int chunkTokens;
  private final Script script;
  private final @Nullable String requiredApiKey;
  private final List<String> modelNames;
  private final int maxBodyBytes;
  private final int instances;
  private final Clock clock;

  private SimulatorConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.ttft = b.ttft;
    this.tokensPerSecond = b.tokensPerSecond;
    this.chunkTokens = b.chunkTokens;
    this.script = b.script;
    this.requiredApiKey = b.requiredApiKey;
    this.modelNames = b.modelNames;
    this.maxBodyBytes = b.maxBodyBytes;
    this.instances = b.instances;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every setting at its default: 127.0.0.1, an ephemeral port, echo, no delays. */
  public static SimulatorConfig defaults() {
    return builder().build();
  }

  /** A builder pre-filled with this configuration's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.ttft = ttft;
    b.tokensPerSecond = tokensPerSecond;
    b.chunkTokens = chunkTokens;
    b.script = script;
    b.requiredApiKey = requiredApiKey;
    b.modelNames = modelNames;
    b.maxBodyBytes = maxBodyBytes;
    b.instances = instances;
    b.clock = clock;
    return b;
  }

  /** The address to listen on; 127.0.0.1 by default. */
  public String host() {
    return host;
  }

  /** The port to listen on; 0 (the default) picks a free one. */
  public int port() {
    return port;
  }

  /** Default time to first token; zero by default. */
  public Duration ttft() {
    return ttft;
  }

  /** Default output rate; 0 (the default) is as fast as possible. */
  public double tokensPerSecond() {
    return tokensPerSecond;
  }

  /** Default tokens per stream event; 1 by default. */
  public int chunkTokens() {
    return chunkTokens;
  }

  /** The script the simulator starts with. */
  public Script script() {
    return script;
  }

  /** The API key clients must present, or null to accept any (or none). */
  public @Nullable String requiredApiKey() {
    return requiredApiKey;
  }

  /** The models {@code GET /v1/models} lists; any model name is accepted in requests. */
  public List<String> modelNames() {
    return modelNames;
  }

  /** The largest request body accepted; larger ones get 413. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** How many event loops serve the port; 1 by default. */
  public int instances() {
    return instances;
  }

  /** The clock for response timestamps ({@code created}). */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "SimulatorConfig{"
        + host
        + ":"
        + port
        + ", ttft="
        + ttft.toMillis()
        + "ms"
        + ", tokensPerSecond="
        + tokensPerSecond
        + ", chunkTokens="
        + chunkTokens
        + ", "
        + script
        + ", requiredApiKey="
        + (requiredApiKey == null ? "none" : "<masked>")
        + ", models="
        + modelNames
        + ", maxBodyBytes="
        + maxBodyBytes
        + ", instances="
        + instances
        + "}";
  }

  static Duration checkDuration(String field, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + d.toMillis() + "ms");
    }
    if (d.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException(
          field + " must be at most 1 hour, was " + d.toMillis() + "ms");
    }
    return d;
  }

  static double checkRate(double rate) {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(
          "tokensPerSecond must be a finite number >= 0 (0 = as fast as possible), was " + rate);
    }
    return rate;
  }

  static int checkChunkTokens(int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("chunkTokens must be >= 1, was " + tokens);
    }
    return tokens;
  }

  /** Builds a {@link SimulatorConfig}; every setter validates its argument. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private Duration ttft = Duration.ZERO;
    private double tokensPerSecond;
    private int chunkTokens = 1;
    private Script script = Script.echo();
    private @Nullable String requiredApiKey;
    private List<String> modelNames = List.of("bulwark-sim");
    private int maxBodyBytes = 10 * 1024 * 1024;
    private int instances = 1;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder host(String host) {
      requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /** The port to listen on, 0-65535; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, was " + port);
      }
      this.port = port;
      return this;
    }

    public Builder ttft(Duration ttft) {
      requireNonNull(ttft, "ttft");
      this.ttft = checkDuration("ttft", ttft);
      return this;
    }

    /** Output tokens per second; 0 is as fast as possible. */
    public Builder tokensPerSecond(double rate) {
      this.tokensPerSecond = checkRate(rate);
      return this;
    }

    /** Tokens per stream event, >= 1. */
    public Builder chunkTokens(int tokens) {
      this.chunkTokens = checkChunkTokens(tokens);
      return this;
    }

    public Builder script(Script script) {
      this.script = requireNonNull(script, "script");
      return this;
    }

    /**
     * Loads the script from a file (see {@link Script#load}).
     *
     * @throws ScriptException naming the line, entry and field of the first problem
     */
    public Builder scriptFile(Path file) throws IOException, ScriptException {
      return script(Script.load(file));
    }

    /** Requires clients to present this key (as a bearer token or {@code x-api-key}); else 401. */
    public Builder requiredApiKey(String key) {
      requireNonNull(key, "requiredApiKey");
      if (key.isBlank()) {
        throw new IllegalArgumentException("requiredApiKey must not be blank");
      }
      this.requiredApiKey = key;
      return this;
    }

    public Builder modelNames(List<String> names) {
      requireNonNull(names, "modelNames");
      if (names.isEmpty()) {
        throw new IllegalArgumentException("modelNames must not be empty");
      }
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        if (n == null || n.isBlank()) {
          throw new IllegalArgumentException("modelNames[" + i + "] must not be blank");
        }
      }
      this.modelNames = List.copyOf(names);
      return this;
    }

    /** The largest request body accepted, at least 1 KiB. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBodyBytes must be >= 1024, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** How many event loops serve the port, 1-64. */
    public Builder instances(int instances) {
      if (instances < 1 || instances > 64) {
        throw new IllegalArgumentException("instances must be 1-64, was " + instances);
      }
      this.instances = instances;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public SimulatorConfig build() {
      return new SimulatorConfig(this);
    }
  }
}
