package dev.bulwark.bench;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run of the load generator does: which endpoint, with which request, how many requests in
 * flight, for how long. Immutable; build one with {@link #builder}.
 *
 * @param label names this run in results, e.g. {@code bulwark-phrase c=64 stream}
 * @param system the system under test, e.g. {@code direct}, {@code portkey}, {@code bulwark-phrase}
 * @param baseUrl {@code http://host:port}; the shape's path is appended
 * @param shape the client protocol
 * @param headers extra request headers (the API key, a gateway's routing headers)
 * @param model the model name sent
 * @param prompt the user message sent
 * @param stream whether to ask for a stream
 * @param maxTokens {@code max_tokens} sent
 * @param concurrency requests kept in flight (closed loop: each finished request starts the next); in
 *     an open loop, the most connections
 * @param rate requests a second in an open loop (each due at its time, whatever became of the others,
 *     its latency counted from then); 0 for a closed loop
 * @param warmup time before measuring; requests run but are not recorded
 * @param duration the measured time
 * @param eventLoops the generator's event loops; connections are spread over them
 * @param requestTimeout a request silent this long fails
 * @param samplesPerConnection the first responses of each connection to read in full, to check them
 * @param watch processes whose CPU time to report over the measured time: name to pid
 * @param clockTicks the kernel's clock ticks per second ({@code getconf CLK_TCK}), for /proc times
 */
public record LoadSpec(
    String label,
    String system,
    URI baseUrl,
    ApiShape shape,
    Map<String, String> headers,
    String model,
    String prompt,
    boolean stream,
    int maxTokens,
    int concurrency,
    double rate,
    Duration warmup,
    Duration duration,
    int eventLoops,
    Duration requestTimeout,
    int samplesPerConnection,
    Map<String, Long> watch,
    int clockTicks) {

  public LoadSpec {
    requireNonNull(label, "label");
    requireNonNull(system, "system");
    requireNonNull(baseUrl, "baseUrl");
    requireNonNull(shape, "shape");
    headers = Map.copyOf(headers);
    requireNonNull(model, "model");
    requireNonNull(prompt, "prompt");
    requireNonNull(warmup, "warmup");
    requireNonNull(duration, "duration");
    requireNonNull(requestTimeout, "requestTimeout");
    watch = Map.copyOf(watch);
    if (!"http".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException("baseUrl: must be an http URL with a host, was " + baseUrl);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: must be >= 1, was " + concurrency);
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate: must be >= 0 requests a second, was " + rate);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens: must be >= 1, was " + maxTokens);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup: must not be negative, was " + warmup);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration: must be positive, was " + duration);
    }
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops: must be >= 1, was " + eventLoops);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout: must be positive, was " + requestTimeout);
    }
    if (samplesPerConnection < 0) {
      throw new IllegalArgumentException("samplesPerConnection: must be >= 0, was " + samplesPerConnection);
    }
    if (clockTicks < 1) {
      throw new IllegalArgumentException("clockTicks: must be >= 1, was " + clockTicks);
    }
  }

  /**
   * A builder with the defaults: OpenAI shape, the 43-word {@link LoadGenerator#DEFAULT_PROMPT},
   * streaming, concurrency 1, 5 s warm-up, 15 s measured.
   */
  public static Builder builder(URI baseUrl) {
    return new Builder(baseUrl);
  }

  /** The port of {@link #baseUrl}, with the scheme's default when it names none. */
  int port() {
    return baseUrl.getPort() > 0 ? baseUrl.getPort() : 80;
  }

  /** Builds a {@link LoadSpec}; {@link #build} validates. */
  public static final class Builder {
    private final URI baseUrl;
    private String label = "";
    private String system = "unnamed";
    private ApiShape shape = ApiShape.OPENAI;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String model = "bench";
    private String prompt = LoadGenerator.DEFAULT_PROMPT;
    private boolean stream = true;
    private int maxTokens = 256;
    private int concurrency = 1;
    private double rate;
    private Duration warmup = Duration.ofSeconds(5);
    private Duration duration = Duration.ofSeconds(15);
    private int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int samplesPerConnection = 2;
    private final Map<String, Long> watch = new LinkedHashMap<>();
    private int clockTicks = 100;

    private Builder(URI baseUrl) {
      this.baseUrl = requireNonNull(baseUrl, "baseUrl");
    }

    public Builder label(String label) {
      this.label = requireNonNull(label, "label");
      return this;
    }

    public Builder system(String system) {
      this.system = requireNonNull(system, "system");
      return this;
    }

    public Builder shape(ApiShape shape) {
      this.shape = requireNonNull(shape, "shape");
      return this;
    }

    public Builder header(String name, String value) {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      if (headers.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), value) != null) {
        throw new IllegalArgumentException("header '" + name + "' is given twice");
      }
      return this;
    }

    public Builder model(String model) {
      this.model = requireNonNull(model, "model");
      return this;
    }

    public Builder prompt(String prompt) {
      this.prompt = requireNonNull(prompt, "prompt");
      return this;
    }

    public Builder stream(boolean stream) {
      this.stream = stream;
      return this;
    }

    public Builder maxTokens(int maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /** Requests a second for an open loop; 0 (the default) for a closed loop. */
    public Builder rate(double rate) {
      this.rate = rate;
      return this;
    }

    public Builder warmup(Duration warmup) {
      this.warmup = requireNonNull(warmup, "warmup");
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = requireNonNull(duration, "duration");
      return this;
    }

    public Builder eventLoops(int eventLoops) {
      this.eventLoops = eventLoops;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    public Builder samplesPerConnection(int samples) {
      this.samplesPerConnection = samples;
      return this;
    }

    public Builder watch(String name, long pid) {
      requireNonNull(name, "name");
      if (watch.putIfAbsent(name, pid) != null) {
        throw new IllegalArgumentException("process '" + name + "' is watched twice");
      }
      return this;
    }

    public Builder clockTicks(int clockTicks) {
      this.clockTicks = clockTicks;
      return this;
    }

    /** A builder with this one's settings, to vary. */
    public Builder copy() {
      Builder b = new Builder(baseUrl);
      b.label = label;
      b.system = system;
      b.shape = shape;
      b.headers.putAll(headers);
      b.model = model;
      b.prompt = prompt;
      b.stream = stream;
      b.maxTokens = maxTokens;
      b.concurrency = concurrency;
      b.rate = rate;
      b.warmup = warmup;
      b.duration = duration;
      b.eventLoops = eventLoops;
      b.requestTimeout = requestTimeout;
      b.samplesPerConnection = samplesPerConnection;
      b.watch.putAll(watch);
      b.clockTicks = clockTicks;
      return b;
    }

    public LoadSpec build() {
      String l = label.isEmpty()
          ? system + " c=" + concurrency + (rate > 0 ? String.format(java.util.Locale.ROOT, " @%.0f/s", rate) : "")
              + (stream ? " stream" : " whole")
          : label;
      return new LoadSpec(l, system, baseUrl, shape, headers, model, prompt, stream, maxTokens,
          concurrency, rate, warmup, duration, eventLoops, requestTimeout, samplesPerConnection, watch,
          clockTicks);
    }
  }
}
