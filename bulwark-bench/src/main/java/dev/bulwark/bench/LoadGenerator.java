package dev.bulwark.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * An HTTP load generator for chat endpoints, and records for every request the time to first token and
 * the total time in HdrHistograms. A closed loop (the default) keeps {@code concurrency} requests in
 * flight: each finished request starts the next on the same connection. An open loop ({@code --rate})
 * issues requests at a fixed rate over at most {@code concurrency} connections, whether or not earlier
 * ones have finished, so that a system that falls behind shows it in its latency (requests wait for a
 * connection) rather than in a lower rate.
 *
 * <p>Time to first token is measured from just before the request is issued to the arrival of the
 * first bytes holding a server-sent event with non-empty content (see {@link ResponseScanner}); for a
 * response that is not streamed, it is the time to the whole body, the same as the total. A request
 * counts when it <em>ends</em> inside the measured window; requests that end during the warm-up, or
 * after the window while the generator drains, are not recorded. Failures are counted by kind
 * ({@code http_503}, {@code io_ConnectException}, {@code incomplete} for a stream without its end
 * marker, {@code no_content}) and kept out of the latency histograms.
 *
 * <p>Run it as its own JVM, apart from the systems it measures, so that its CPU time shows up as its
 * own (it reports it, and that of processes given with {@code --watch}).
 *
 * <pre>
 * java -cp bulwark-bench.jar dev.bulwark.bench.LoadGenerator --url http://127.0.0.1:8080 \
 *     --header "authorization: Bearer bwk_..." --concurrency 64 --duration 15 --warmup 5 --json out.json
 * </pre>
 *
 * <p>Concurrency: connections are spread over {@link LoadSpec#eventLoops()} lanes, one Vert.x verticle
 * each, with its own client and histograms, confined to its event loop; the main thread only reads a
 * lane's results on that lane's event loop, after the run.
 */
@Command(
    name = "load-generator",
    mixinStandardHelpOptions = true,
    description = "Closed- or open-loop load against an OpenAI or Anthropic chat endpoint; prints a "
        + "table row per cell and writes JSON.")
public final class LoadGenerator implements java.util.concurrent.Callable<Integer> {
  /** The longest latency recorded exactly; longer ones are clamped to it. */
  static final long MAX_RECORDED_NANOS = TimeUnit.SECONDS.toNanos(120);

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--url", required = true, description = "Base URL, e.g. http://127.0.0.1:8080")
  @Nullable URI url;

  @Option(names = "--shape", defaultValue = "openai", description = "openai or anthropic (default: ${DEFAULT-VALUE})")
  String shape = "openai";

  @Option(names = "--system", defaultValue = "unnamed", description = "System name for the results")
  String system = "unnamed";

  @Option(names = "--label", defaultValue = "", description = "Row label (default: system, c and mode)")
  String label = "";

  @Option(names = {"-H", "--header"}, description = "Request header 'Name: value' (repeatable)")
  List<String> headers = new ArrayList<>();

  @Option(names = "--model", defaultValue = "bench", description = "Model name (default: ${DEFAULT-VALUE})")
  String model = "bench";

  @Option(names = "--prompt", description = "The user message (default: a 43-word note)")
  @Nullable String prompt;

  @Option(names = "--stream", defaultValue = "true", arity = "1", description = "Stream (default: ${DEFAULT-VALUE})")
  boolean stream = true;

  @Option(names = "--max-tokens", defaultValue = "256", description = "max_tokens (default: ${DEFAULT-VALUE})")
  int maxTokens = 256;

  @Option(names = {"-c", "--concurrency"}, defaultValue = "1", description = "Requests in flight (default: ${DEFAULT-VALUE})")
  int concurrency = 1;

  @Option(names = "--rate", defaultValue = "0",
      description = "Open loop: requests a second, over at most --concurrency connections; 0 for a closed "
          + "loop (default: ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--duration", defaultValue = "15", description = "Measured seconds (default: ${DEFAULT-VALUE})")
  double durationSeconds = 15;

  @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds (default: ${DEFAULT-VALUE})")
  double warmupSeconds = 5;

  @Option(names = "--event-loops", description = "Generator event loops (default: CPUs)")
  @Nullable Integer eventLoops;

  @Option(names = "--watch", description = "NAME=PID of a process whose CPU time to report (repeatable)")
  List<String> watch = new ArrayList<>();

  @Option(names = "--clock-ticks", defaultValue = "100", description = "getconf CLK_TCK (default: ${DEFAULT-VALUE})")
  int clockTicks = 100;

  @Option(names = "--json", description = "Write the result as JSON to this file (one cell only)")
  @Nullable Path jsonOut;

  @Option(names = "--cell", paramLabel = "MODE:C",
      description = "A cell to run, 'stream:64' or 'whole:64' (repeatable; run in order in this JVM). "
          + "Without --cell: one cell from --stream and --concurrency.")
  List<String> cells = new ArrayList<>();

  @Option(names = "--json-dir", description = "Write each cell's JSON to DIR/SYSTEM-MODE-cC.json")
  @Nullable Path jsonDir;

  @Option(names = "--system-warmup", defaultValue = "0",
      description = "Seconds of unrecorded load before the cells, shared out over them, to warm up the "
          + "JIT compilers of the system and of this JVM (default: ${DEFAULT-VALUE})")
  double systemWarmupSeconds;

  /** The 43-word prompt every system gets; the simulator echoes it as 43 streamed tokens. */
  public static final String DEFAULT_PROMPT =
      "Please summarize the following note for the weekly team update. The quarterly review went well, "
          + "the migration to the new storage cluster finished two days early, and next sprint we plan "
          + "to improve search latency and write clearer onboarding documentation for new engineers.";

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    LoadSpec.Builder b = LoadSpec.builder(requireNonNull(url, "--url"))
        .system(system)
        .label(label)
        .shape(ApiShape.valueOf(shape.toUpperCase(Locale.ROOT)))
        .model(model)
        .prompt(prompt == null ? DEFAULT_PROMPT : prompt)
        .stream(stream)
        .maxTokens(maxTokens)
        .concurrency(concurrency)
        .rate(rate)
        .warmup(seconds(warmupSeconds))
        .duration(seconds(durationSeconds))
        .clockTicks(clockTicks);
    if (eventLoops != null) {
      b.eventLoops(eventLoops);
    }
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--header must be 'Name: value', was " + h);
      }
      b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
    }
    for (String w : watch) {
      int eq = w.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--watch must be NAME=PID, was " + w);
      }
      b.watch(w.substring(0, eq), Long.parseLong(w.substring(eq + 1).trim()));
    }
    List<LoadSpec> specs = new ArrayList<>();
    if (cells.isEmpty()) {
      specs.add(b.build());
    } else {
      if (jsonOut != null) {
        throw new CommandLine.ParameterException(new CommandLine(this), "with --cell, use --json-dir, not --json");
      }
      for (String cell : cells) {
        specs.add(cell(b, cell).build());
      }
    }
    PrintStream out = System.out;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(specs.get(0).eventLoops()));
    int failures = 0;
    try {
      if (systemWarmupSeconds > 0) {
        Duration each = seconds(systemWarmupSeconds / specs.size());
        for (String cell : cells.isEmpty()
            ? List.of((stream ? "stream:" : "whole:") + concurrency + (rate > 0 ? "@" + rate : "")) : cells) {
          Result r = run(vertx, cell(b, cell).warmup(Duration.ZERO).duration(each).build());
          out.println("(warm-up) " + r.row());
        }
      }
      for (LoadSpec spec : specs) {
        Result result = run(vertx, spec);
        out.println(result.row());
        if (jsonOut != null) {
          writeJson(jsonOut, result.json());
        }
        if (jsonDir != null) {
          writeJson(jsonDir.resolve(spec.system() + "-" + (spec.stream() ? "stream" : "whole") + "-c"
              + spec.concurrency() + (spec.rate() > 0 ? "-r" + Math.round(spec.rate()) : "") + ".json"), result.json());
        }
        if (result.requests() == 0) {
          failures++;
        }
      }
    } finally {
      vertx.close().await();
    }
    return failures == 0 ? 0 : 1;
  }

  /**
   * The builder set for one cell: {@code stream:C} or {@code whole:C} for a closed loop of C requests
   * in flight, {@code stream:C@R} for an open loop of R requests a second over at most C connections.
   */
  private LoadSpec.Builder cell(LoadSpec.Builder base, String cell) {
    int colon = cell.indexOf(':');
    String mode = colon < 0 ? "" : cell.substring(0, colon);
    if (!mode.equals("stream") && !mode.equals("whole")) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--cell must be stream:C, whole:C, stream:C@RATE or whole:C@RATE, was " + cell);
    }
    String rest = cell.substring(colon + 1).trim();
    int at = rest.indexOf('@');
    LoadSpec.Builder b = base.copy().stream(mode.equals("stream"))
        .concurrency(Integer.parseInt(at < 0 ? rest : rest.substring(0, at).trim()));
    return at < 0 ? b.rate(0) : b.rate(Double.parseDouble(rest.substring(at + 1).trim()));
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) (s * 1e9));
  }

  static void writeJson(Path file, ObjectNode json) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, JSON.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
  }

  /** Runs the load described by {@code spec} on a Vert.x instance of its own, and returns the result. */
  public static Result run(LoadSpec spec) throws InterruptedException {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(spec.eventLoops()));
    try {
      return run(vertx, spec);
    } finally {
      vertx.close().await();
    }
  }

  /** Runs the load on {@code vertx}'s event loops (one lane each, up to the concurrency). */
  public static Result run(Vertx vertx, LoadSpec spec) throws InterruptedException {
    int lanes = Math.min(spec.eventLoops(), spec.concurrency());
    long start = System.nanoTime();
    Window window = new Window(start + spec.warmup().toNanos(),
        start + spec.warmup().toNanos() + spec.duration().toNanos());
    CountDownLatch finished = new CountDownLatch(lanes);
    List<Lane> all = new CopyOnWriteArrayList<>();
    AtomicInteger index = new AtomicInteger();
    Buffer body = Buffer.buffer(spec.shape().requestBody(spec.model(), spec.prompt(), spec.stream(), spec.maxTokens()));
    String deployment = vertx.deployVerticle(() -> {
          int i = index.getAndIncrement();
          // Spread the connections (and the rate) as evenly as the lanes allow.
          int connections = spec.concurrency() / lanes + (i < spec.concurrency() % lanes ? 1 : 0);
          double rate = spec.rate() * connections / spec.concurrency();
          Lane lane = new Lane(spec, body, connections, rate, window, finished);
          all.add(lane);
          return lane;
        }, new DeploymentOptions().setInstances(lanes))
        .await();

    CpuProbe probe = new CpuProbe(spec.watch(), spec.clockTicks());
    sleepUntil(window.from);
    CpuProbe.Reading before = probe.read();
    sleepUntil(window.to);
    CpuProbe.Reading after = probe.read();
    boolean drained = finished.await(spec.requestTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);

    Tally total = new Tally();
    for (Lane lane : all) {
      total.add(lane.snapshot().await());
    }
    vertx.undeploy(deployment).await();
    return new Result(spec, total, before, after, drained);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  /** The measured window, in {@link System#nanoTime()}. */
  record Window(long from, long to) {
    boolean contains(long t) {
      return t >= from && t <= to;
    }
  }

  /** What a lane counted; merged over lanes at the end. */
  static final class Tally {
    final Histogram ttft = new Histogram(MAX_RECORDED_NANOS, 3);
    final Histogram total = new Histogram(MAX_RECORDED_NANOS, 3);
    /** Open loop: how late each request went out after it was due. */
    final Histogram scheduleLag = new Histogram(MAX_RECORDED_NANOS, 3);
    final Map<String, Long> errors = new TreeMap<>();
    long bytes;
    final List<ResponseScanner.Sample> samples = new ArrayList<>();
    final Map<String, Long> sampleErrors = new TreeMap<>();

    void add(Tally other) {
      ttft.add(other.ttft);
      total.add(other.total);
      scheduleLag.add(other.scheduleLag);
      other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
      bytes += other.bytes;
      samples.addAll(other.samples);
      other.sampleErrors.forEach((k, v) -> sampleErrors.merge(k, v, Long::sum));
    }

    Tally copy() {
      Tally t = new Tally();
      t.add(this);
      return t;
    }
  }

  /**
   * One event loop's share of the load: of the connections, and in an open loop of the rate. It counts
   * down {@code finished} once it has stopped issuing requests and none of its requests is in flight.
   */
  private static final class Lane extends VerticleBase {
    private final LoadSpec spec;
    private final Buffer body;
    private final int connections;
    private final double rate;
    private final Window window;
    private final CountDownLatch finished;
    private final Tally tally = new Tally();
    private @Nullable HttpClientAgent client;
    private @Nullable RequestOptions request;
    private int inFlight;
    private int workersRunning;
    private long issued;
    private boolean stopped;
    private boolean counted;

    Lane(LoadSpec spec, Buffer body, int connections, double rate, Window window, CountDownLatch finished) {
      this.spec = spec;
      this.body = body;
      this.connections = connections;
      this.rate = rate;
      this.window = window;
      this.finished = finished;
    }

    @Override
    public Future<?> start() {
      HttpClientOptions options = new HttpClientOptions()
          .setKeepAlive(true)
          .setTcpNoDelay(true)
          .setDefaultHost(spec.baseUrl().getHost())
          .setDefaultPort(spec.port());
      client = vertx.httpClientBuilder()
          .with(options)
          .with(new PoolOptions().setHttp1MaxSize(Math.max(1, connections)))
          .build();
      RequestOptions r = new RequestOptions()
          .setMethod(HttpMethod.POST)
          .setURI(spec.shape().path())
          .setIdleTimeout(spec.requestTimeout().toMillis())
          .putHeader("content-type", "application/json")
          .putHeader("accept", spec.stream() ? "text/event-stream" : "application/json");
      spec.headers().forEach(r::putHeader);
      request = r;
      if (rate > 0) {
        schedule();
      } else {
        workersRunning = connections;
        for (int i = 0; i < connections; i++) {
          new Worker().next();
        }
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      HttpClientAgent c = client;
      return c == null ? Future.succeededFuture() : c.close();
    }

    /** A copy of the lane's tally, taken on its event loop. */
    Future<Tally> snapshot() {
      Promise<Tally> p = Promise.promise();
      context.runOnContext(v -> p.complete(tally.copy()));
      return p.future();
    }

    /**
     * The open loop: request {@code k} is due at {@code t0 + k / rate}, whatever became of the others.
     * A timer set for the next due time issues whatever is due; Vert.x timers have millisecond
     * resolution, so a request goes out up to about a millisecond after it was due. That lag is the
     * generator's, not the system's: latency counts from when the request was actually issued (a
     * request that then waits for a free connection, because the system fell behind, still counts that
     * wait), and the lag is reported apart ({@code schedule_lag_ms}), so that a generator that cannot
     * keep up shows.
     */
    private void schedule() {
      long t0 = System.nanoTime();
      double interval = 1e9 / rate;
      tick(t0, interval, 0);
    }

    private void tick(long t0, double interval, long k) {
      long now = System.nanoTime();
      long next = k;
      while (t0 + (long) (next * interval) <= now) {
        long due = t0 + (long) (next * interval);
        next++;
        if (due >= window.to) {
          stopped = true;
          checkDone();
          return;
        }
        long issued = System.nanoTime();
        if (window.contains(issued)) {
          tally.scheduleLag.recordValue(Math.min(MAX_RECORDED_NANOS, issued - due));
        }
        send(issued, () -> { });
      }
      long wait = t0 + (long) (next * interval) - System.nanoTime();
      long k2 = next;
      vertx.setTimer(Math.max(1, wait / 1_000_000), id -> tick(t0, interval, k2));
    }

    /** One connection's closed loop: each finished request starts the next. */
    private final class Worker {
      void next() {
        long start = System.nanoTime();
        if (start >= window.to) {
          if (--workersRunning == 0) {
            stopped = true;
            checkDone();
          }
          return;
        }
        send(start, this::next);
      }
    }

    private void checkDone() {
      if (stopped && inFlight == 0 && !counted) {
        counted = true;
        finished.countDown();
      }
    }

    /** Issues one request counted from {@code start}; {@code then} runs once it has settled. */
    private void send(long start, Runnable then) {
      boolean sampled = issued++ < (long) spec.samplesPerConnection() * connections;
      Attempt a = new Attempt(start, sampled, then);
      inFlight++;
      requireNonNull(client).request(requireNonNull(request))
          .compose(req -> req.send(body))
          .onComplete(ar -> {
            if (ar.failed()) {
              a.failed("io_" + ar.cause().getClass().getSimpleName());
              return;
            }
            HttpClientResponse resp = ar.result();
            if (resp.statusCode() != 200) {
              resp.body().onComplete(ignored -> a.failed("http_" + resp.statusCode()));
              return;
            }
            resp.handler(a::bytes);
            resp.exceptionHandler(t -> a.failed("io_" + t.getClass().getSimpleName()));
            resp.endHandler(v -> a.ended());
          });
    }

    /** One request: settles once, by its end or its first failure. */
    private final class Attempt {
      private final long start;
      private final boolean sampled;
      private final Runnable then;
      private final ResponseScanner scanner;
      private long firstContent = -1;
      private boolean settled;

      Attempt(long start, boolean sampled, Runnable then) {
        this.start = start;
        this.sampled = sampled;
        this.then = then;
        this.scanner = new ResponseScanner(spec.shape(), spec.stream(), sampled);
      }

      void bytes(Buffer buf) {
        if (scanner.feed(buf.getBytes()) && firstContent < 0) {
          firstContent = System.nanoTime();
        }
      }

      void ended() {
        long end = System.nanoTime();
        if (settled) {
          return;
        }
        settled = true;
        inFlight--;
        String problem = !scanner.endedCleanly() ? "incomplete" : !scanner.hasContent() ? "no_content" : null;
        if (sampled) {
          tally.samples.add(scanner.sample());
          if (problem != null) {
            tally.sampleErrors.merge(problem, 1L, Long::sum);
          }
        }
        if (window.contains(end)) {
          if (problem != null) {
            tally.errors.merge(problem, 1L, Long::sum);
          } else {
            long ttft = spec.stream() ? firstContent - start : end - start;
            tally.ttft.recordValue(Math.min(MAX_RECORDED_NANOS, Math.max(0, ttft)));
            tally.total.recordValue(Math.min(MAX_RECORDED_NANOS, end - start));
            tally.bytes += scanner.bytes();
          }
        }
        then.run();
        checkDone();
      }

      void failed(String kind) {
        if (settled) {
          return;
        }
        settled = true;
        inFlight--;
        if (window.contains(System.nanoTime())) {
          tally.errors.merge(kind, 1L, Long::sum);
        }
        if (rate > 0) {
          checkDone();
          return;
        }
        // Back off a little after a failure, so that a refusing server is not spun against.
        vertx.setTimer(5, id -> {
          then.run();
          checkDone();
        });
      }
    }
  }

  /** A finished run: the spec, the merged tally and the CPU readings around the window. */
  public static final class Result {
    private final LoadSpec spec;
    private final Tally tally;
    private final CpuProbe.Reading before;
    private final CpuProbe.Reading after;
    private final boolean drained;

    Result(LoadSpec spec, Tally tally, CpuProbe.Reading before, CpuProbe.Reading after, boolean drained) {
      this.spec = spec;
      this.tally = tally;
      this.before = before;
      this.after = after;
      this.drained = drained;
    }

    /** Successful requests recorded. */
    public long requests() {
      return tally.total.getTotalCount();
    }

    public long errors() {
      return tally.errors.values().stream().mapToLong(Long::longValue).sum();
    }

    double seconds() {
      return (after.wallNanos() - before.wallNanos()) / 1e9;
    }

    public double throughput() {
      return requests() / seconds();
    }

    /** A percentile of time to first token, in milliseconds. */
    public double ttftMillis(double percentile) {
      return tally.ttft.getValueAtPercentile(percentile) / 1e6;
    }

    /** A percentile of total time, in milliseconds. */
    public double totalMillis(double percentile) {
      return tally.total.getValueAtPercentile(percentile) / 1e6;
    }

    /** One line for a terminal. */
    public String row() {
      return String.format(Locale.ROOT,
          "%-28s %9.1f req/s  ttft p50 %7.3f p99 %7.3f ms  total p50 %7.3f p99 %7.3f max %8.3f ms  errors %d",
          spec.label(), throughput(), ttftMillis(50), ttftMillis(99), totalMillis(50), totalMillis(99),
          tally.total.getMaxValue() / 1e6, errors());
    }

    /** Everything measured, for {@code results.json}. */
    public ObjectNode json() {
      ObjectNode n = JSON.createObjectNode();
      n.put("label", spec.label());
      n.put("system", spec.system());
      n.put("url", spec.baseUrl() + spec.shape().path());
      n.put("shape", spec.shape().name().toLowerCase(Locale.ROOT));
      n.put("stream", spec.stream());
      n.put("concurrency", spec.concurrency());
      n.put("loop", spec.rate() > 0 ? "open" : "closed");
      n.put("rate_rps", spec.rate());
      n.put("warmup_s", spec.warmup().toNanos() / 1e9);
      n.put("duration_s", round(seconds(), 3));
      n.put("generator_event_loops", Math.min(spec.eventLoops(), spec.concurrency()));
      n.put("prompt_words", spec.prompt().trim().split("\\s+").length);
      n.put("requests", requests());
      n.put("throughput_rps", round(throughput(), 1));
      n.put("error_count", errors());
      ObjectNode errs = n.putObject("errors");
      tally.errors.forEach(errs::put);
      n.put("drained", drained);
      histogram(n.putObject("ttft_ms"), tally.ttft);
      histogram(n.putObject("total_ms"), tally.total);
      if (spec.rate() > 0) {
        histogram(n.putObject("schedule_lag_ms"), tally.scheduleLag);
      }
      n.put("mean_response_bytes", requests() == 0 ? 0 : tally.bytes / requests());
      ObjectNode sample = n.putObject("sample");
      sample.put("responses", tally.samples.size());
      if (!tally.samples.isEmpty()) {
        ResponseScanner.Sample s = tally.samples.get(0);
        sample.put("events", s.events());
        sample.put("content_events", s.contentEvents());
        sample.put("bytes", s.bytes());
      }
      sample.put("refused", tally.samples.stream().filter(ResponseScanner.Sample::refused).count());
      ObjectNode sampleErrs = sample.putObject("errors");
      tally.sampleErrors.forEach(sampleErrs::put);
      ObjectNode cpu = n.putObject("cpu");
      double secs = seconds();
      long done = Math.max(1, requests());
      after.processNanos().forEach((name, t) -> {
        Long b = before.processNanos().get(name);
        if (b != null) {
          cpu(cpu.putObject(name), t - b, secs, done);
        }
      });
      if (after.selfNanos() >= 0 && before.selfNanos() >= 0) {
        cpu(cpu.putObject("load_generator"), after.selfNanos() - before.selfNanos(), secs, done);
      }
      if (after.machineTotalNanos() > before.machineTotalNanos() && before.machineTotalNanos() >= 0) {
        double busy = (double) (after.machineBusyNanos() - before.machineBusyNanos())
            / (after.machineTotalNanos() - before.machineTotalNanos());
        cpu.put("machine_busy_fraction", round(busy, 3));
      }
      return n;
    }

    private static void cpu(ObjectNode n, long nanos, double secs, long requests) {
      n.put("cores", round(nanos / 1e9 / secs, 3));
      n.put("us_per_request", round(nanos / 1e3 / requests, 1));
    }

    private static void histogram(ObjectNode n, Histogram h) {
      n.put("p50", ms(h.getValueAtPercentile(50)));
      n.put("p90", ms(h.getValueAtPercentile(90)));
      n.put("p99", ms(h.getValueAtPercentile(99)));
      n.put("p999", ms(h.getValueAtPercentile(99.9)));
      n.put("max", ms(h.getMaxValue()));
      n.put("mean", round(h.getMean() / 1e6, 4));
    }

    private static double ms(long nanos) {
      return round(nanos / 1e6, 4);
    }

    private static double round(double v, int places) {
      double f = Math.pow(10, places);
      return Math.round(v * f) / f;
    }
  }
}
