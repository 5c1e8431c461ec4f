package dev.bulwark.monitor;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How a monitor worker consumes and retries. Immutable; {@link Builder#build()} refuses a bad value
 * with a message naming it ({@code monitor.batch_size: must be between 1 and 10000, was 0}).
 */
public final class MonitorSettings {
  private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

  private final String workerId;
  private final int batchSize;
  private final Duration pollInterval;
  private final Duration lease;
  private final int maxAttempts;
  private final Duration backoffInitial;
  private final Duration backoffMax;
  private final int threads;
  private final Duration historyWindow;
  private final int historyLimit;
  private final Duration webhookTimeout;
  private final int webhookMaxAttempts;

  private MonitorSettings(Builder b) {
    this.workerId = b.workerId;
    this.batchSize = b.batchSize;
    this.pollInterval = b.pollInterval;
    this.lease = b.lease;
    this.maxAttempts = b.maxAttempts;
    this.backoffInitial = b.backoffInitial;
    this.backoffMax = b.backoffMax;
    this.threads = b.threads;
    this.historyWindow = b.historyWindow;
    this.historyLimit = b.historyLimit;
    this.webhookTimeout = b.webhookTimeout;
    this.webhookMaxAttempts = b.webhookMaxAttempts;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static MonitorSettings defaults() {
    return builder().build();
  }

  /** This worker's id among the workers sharing the queue (default: host, pid and a random part). */
  public String workerId() {
    return workerId;
  }

  /** The most exchanges taken per batch. */
  public int batchSize() {
    return batchSize;
  }

  /** How long an idle worker waits before polling again. */
  public Duration pollInterval() {
    return pollInterval;
  }

  /** How long a partition lease lasts without renewal: how soon a dead worker's work comes back. */
  public Duration lease() {
    return lease;
  }

  /** Attempts before an exchange goes to the dead letters. */
  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration backoffInitial() {
    return backoffInitial;
  }

  public Duration backoffMax() {
    return backoffMax;
  }

  /** The delay before attempt {@code failures + 1}: doubling from the initial delay, capped. */
  public Duration backoff(int failures) {
    long ms = backoffInitial.toMillis();
    for (int i = 1; i < failures && ms < backoffMax.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, backoffMax.toMillis()));
  }

  /** Threads that run flowcharts; one account's exchanges always run one after another. */
  public int threads() {
    return threads;
  }

  /** How far back an account's earlier exchanges are visible to analyzers. */
  public Duration historyWindow() {
    return historyWindow;
  }

  /** The most earlier exchanges of an account visible to analyzers. */
  public int historyLimit() {
    return historyLimit;
  }

  public Duration webhookTimeout() {
    return webhookTimeout;
  }

  public int webhookMaxAttempts() {
    return webhookMaxAttempts;
  }

  /** This settings object with another worker id (one per process, from one configuration). */
  public MonitorSettings withWorkerId(String id) {
    return toBuilder().workerId(id).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.workerId = workerId;
    b.batchSize = batchSize;
    b.pollInterval = pollInterval;
    b.lease = lease;
    b.maxAttempts = maxAttempts;
    b.backoffInitial = backoffInitial;
    b.backoffMax = backoffMax;
    b.threads = threads;
    b.historyWindow = historyWindow;
    b.historyLimit = historyLimit;
    b.webhookTimeout = webhookTimeout;
    b.webhookMaxAttempts = webhookMaxAttempts;
    return b;
  }

  @Override
  public String toString() {
    return "MonitorSettings{workerId=" + workerId + ", batchSize=" + batchSize + ", pollInterval="
        + pollInterval + ", lease=" + lease + ", maxAttempts=" + maxAttempts + ", backoff="
        + backoffInitial + ".." + backoffMax + ", threads=" + threads + ", history=" + historyWindow
        + "/" + historyLimit + "}";
  }

  /** A default worker id: the host, the pid and 4 random bytes. */
  public static String defaultWorkerId() {
    String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    byte[] r = new byte[4];
    new SecureRandom().nextBytes(r);
    String id = jvm.replaceAll("[^A-Za-z0-9._:@-]", "_") + "-" + HexFormat.of().formatHex(r);
    return id.length() > 120 ? id.substring(0, 120) : id;
  }

  /** Builds {@link MonitorSettings}. */
  public static final class Builder {
    private String workerId = defaultWorkerId();
    private int batchSize = 256;
    private Duration pollInterval = Duration.ofMillis(200);
    private Duration lease = Duration.ofSeconds(30);
    private int maxAttempts = 5;
    private Duration backoffInitial = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofMinutes(5);
    private int threads = 2;
    private Duration historyWindow = Duration.ofHours(1);
    private int historyLimit = 50;
    private Duration webhookTimeout = Duration.ofSeconds(5);
    private int webhookMaxAttempts = 8;

    private Builder() {}

    public Builder workerId(String id) {
      this.workerId = requireNonNull(id, "id");
      return this;
    }

    public Builder batchSize(int n) {
      this.batchSize = n;
      return this;
    }

    public Builder pollInterval(Duration d) {
      this.pollInterval = requireNonNull(d, "d");
      return this;
    }

    public Builder lease(Duration d) {
      this.lease = requireNonNull(d, "d");
      return this;
    }

    public Builder maxAttempts(int n) {
      this.maxAttempts = n;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = requireNonNull(initial, "initial");
      this.backoffMax = requireNonNull(max, "max");
      return this;
    }

    public Builder threads(int n) {
      this.threads = n;
      return this;
    }

    public Builder history(Duration window, int limit) {
      this.historyWindow = requireNonNull(window, "window");
      this.historyLimit = limit;
      return this;
    }

    public Builder webhooks(Duration timeout, int maxAttempts) {
      this.webhookTimeout = requireNonNull(timeout, "timeout");
      this.webhookMaxAttempts = maxAttempts;
      return this;
    }

    public MonitorSettings build() {
      if (!WORKER_ID.matcher(workerId).matches()) {
        throw new IllegalArgumentException("monitor.worker_id: letters, digits and . _ : @ - only (at most 128), was '"
            + workerId + "'");
      }
      range("monitor.batch_size", batchSize, 1, 10_000);
      positive("monitor.poll_interval", pollInterval);
      positive("monitor.lease", lease);
      if (lease.compareTo(Duration.ofMillis(200)) < 0) {
        throw new IllegalArgumentException("monitor.lease: must be at least 200ms, was " + lease);
      }
      range("monitor.max_attempts", maxAttempts, 1, 100);
      positive("monitor.backoff.initial", backoffInitial);
      if (backoffMax.compareTo(backoffInitial) < 0) {
        throw new IllegalArgumentException("monitor.backoff.max: must be at least backoff.initial ("
            + backoffInitial + "), was " + backoffMax);
      }
      range("monitor.threads", threads, 1, 256);
      positive("monitor.history.window", historyWindow);
      range("monitor.history.limit", historyLimit, 0, 1_000);
      positive("monitor.webhooks.timeout", webhookTimeout);
      range("monitor.webhooks.max_attempts", webhookMaxAttempts, 1, 100);
      return new MonitorSettings(this);
    }

    private static void range(String field, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(field + ": must be between " + min + " and " + max + ", was " + v);
      }
    }

    private static void positive(String field, Duration d) {
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(field + ": must be positive, was " + d);
      }
    }
  }
}
