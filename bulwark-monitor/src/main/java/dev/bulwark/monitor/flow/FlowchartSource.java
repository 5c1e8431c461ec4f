package dev.bulwark.monitor.flow;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flowchart in force, swapped atomically. The monitor reads {@link #current()} once per batch,
 * so each run uses exactly one version, and a swap never interrupts a run: runs already started
 * finish on the version they began with.
 *
 * <p>{@link #watch} reloads a file when its content changes. A file that does not load (bad YAML, an
 * invalid node) leaves the current flowchart in force and is reported ({@link #lastError()}, the log,
 * {@link #failedReloads()}): a typo must not take monitoring down.
 */
public final class FlowchartSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlowchartSource.class);

  private final AtomicReference<Flowchart> current;
  private final AtomicLong swaps = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<@Nullable String> lastError = new AtomicReference<>();
  private volatile @Nullable ScheduledFuture<?> watching;
  private volatile @Nullable String watchedText;

  public FlowchartSource(Flowchart initial) {
    this.current = new AtomicReference<>(requireNonNull(initial, "initial"));
  }

  /** The flowchart in force. */
  public Flowchart current() {
    return current.get();
  }

  /** Puts {@code next} in force for every batch that starts from now on; returns the one it replaced. */
  public Flowchart swap(Flowchart next) {
    Flowchart previous = current.getAndSet(requireNonNull(next, "next"));
    swaps.incrementAndGet();
    if (!previous.version().equals(next.version())) {
      log.info("flowchart {} replaces {}", next.version(), previous.version());
    }
    return previous;
  }

  /**
   * Parses {@code file} and swaps it in.
   *
   * @throws FlowchartException if it does not load (the current flowchart stays)
   */
  public Flowchart reload(Path file, FlowchartParser parser) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Flowchart next = parser.parse(text, file.toString());
    swap(next);
    watchedText = text;
    return next;
  }

  /**
   * Checks {@code file} every {@code interval} on {@code scheduler} and swaps in its flowchart when
   * its content changed and it loads. Call once.
   */
  public void watch(Path file, FlowchartParser parser, ScheduledExecutorService scheduler, Duration interval) {
    requireNonNull(file, "file");
    requireNonNull(parser, "parser");
    if (watching != null) {
      throw new IllegalStateException("already watching a file");
    }
    try {
      watchedText = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      watchedText = null;
    }
    long ms = interval.toMillis();
    watching = scheduler.scheduleWithFixedDelay(() -> check(file, parser), ms, ms, TimeUnit.MILLISECONDS);
  }

  private void check(Path file, FlowchartParser parser) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      record("cannot read " + file + ": " + e.getMessage());
      return;
    }
    if (text.equals(watchedText)) {
      return;
    }
    watchedText = text;
    try {
      swap(parser.parse(text, file.toString()));
      lastError.set(null);
    } catch (FlowchartException | IllegalStateException e) {
      record(e.getMessage());
    }
  }

  private void record(@Nullable String message) {
    failed.incrementAndGet();
    lastError.set(message);
    log.error("flowchart reload failed, keeping {}: {}", current().version(), message);
  }

  /** How many times a flowchart was swapped in. */
  public long swaps() {
    return swaps.get();
  }

  /** How many reloads of the watched file failed. */
  public long failedReloads() {
    return failed.get();
  }

  /** The last reload error, or null after a successful one. */
  public @Nullable String lastError() {
    return lastError.get();
  }

  @Override
  public void close() {
    ScheduledFuture<?> w = watching;
    if (w != null) {
      w.cancel(false);
    }
  }
}
