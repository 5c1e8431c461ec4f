package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import dev.bulwark.core.ScanStatus;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.Verdict;
import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one stage under its policy and turns what happened into a {@link Verdict}: monitor-only mode
 * turns a stop into a flag, and a failure or timeout follows the stage's failure mode (closed unless
 * the tier says otherwise). Never completes exceptionally.
 */
public final class StageRunner {
  private final Executor offload;
  private final Ticker ticker;

  /**
   * @param offload where {@link Stage.Execution#OFFLOAD} stages run
   * @param ticker the clock for latency
   */
  public StageRunner(Executor offload, Ticker ticker) {
    this.offload = requireNonNull(offload, "offload");
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /**
   * Runs {@code work} for {@code stage} under {@code policy}.
   *
   * @param stopAction what a stop means here: {@code BLOCK} before the model ran, {@code HALT} after
   */
  public CompletableFuture<Verdict> run(
      Stage stage, StagePolicy policy, Action stopAction, Callable<Assessment> work) {
    if (policy.mode() == StageMode.OFF) {
      return CompletableFuture.completedFuture(skippedByPolicy(stage));
    }
    long start = ticker.read();
    if (stage.execution() == Stage.Execution.INLINE) {
      Verdict v;
      try {
        v = fromAssessment(stage, policy, stopAction, work.call(), ticker.read() - start);
      } catch (Exception | LinkageError e) {
        v = fromFailure(stage, policy, stopAction, e, ticker.read() - start);
      }
      return CompletableFuture.completedFuture(v);
    }
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return work.call();
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            offload)
        .orTimeout(policy.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .handle(
            (assessment, error) -> {
              long nanos = ticker.read() - start;
              return error == null
                  ? fromAssessment(stage, policy, stopAction, assessment, nanos)
                  : fromFailure(stage, policy, stopAction, unwrap(error), nanos);
            });
  }

  /** The verdict of a stage the policy switched off. */
  public static Verdict skippedByPolicy(Stage stage) {
    return Verdict.skipped(stage.name(), stage.version(), "off for this tier");
  }

  /** The verdict for an assessment, with monitor-only mode applied. */
  public static Verdict fromAssessment(
      Stage stage, StagePolicy policy, Action stopAction, Assessment a, long nanos) {
    Action proposed = a.action().stops() ? stopAction : a.action();
    Action effective =
        proposed.stops() && policy.mode() == StageMode.MONITOR ? Action.FLAG : proposed;
    return new Verdict(
        stage.name(), stage.version(), effective, proposed, ScanStatus.SCANNED, a.scores(),
        a.reason(), nanos);
  }

  /** The verdict for a failed stage, following its failure mode. */
  public static Verdict fromFailure(
      Stage stage, StagePolicy policy, Action stopAction, Throwable error, long nanos) {
    String reason =
        error instanceof TimeoutException
            ? "timeout after " + policy.timeout().toMillis() + " ms"
            : "error: " + error.getClass().getSimpleName();
    boolean closed = policy.onFailure() == FailureMode.CLOSED;
    if (closed && policy.mode() == StageMode.ENFORCE) {
      return new Verdict(
          stage.name(), stage.version(), stopAction, stopAction, ScanStatus.FAILED_CLOSED,
          CategoryScores.none(), reason, nanos);
    }
    // Fail-open, or a monitor-only stage (which never stops anything, not even on failure): the content
    // passes, and the verdict says it passed unscanned. A monitor-only failure is flagged for review.
    Action action = policy.mode() == StageMode.MONITOR ? Action.FLAG : Action.ALLOW;
    return new Verdict(
        stage.name(), stage.version(), action, closed ? stopAction : Action.ALLOW,
        ScanStatus.FAILED_OPEN, CategoryScores.none(), reason, nanos);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
