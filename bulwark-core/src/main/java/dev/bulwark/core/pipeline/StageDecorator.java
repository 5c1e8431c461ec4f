package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.StagePolicy;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** One stage wrapped around the rest of a {@link Guard} chain. */
final class StageDecorator<S extends Stage, I> implements Guard<I> {
  private final S stage;
  private final Guard<I> next;
  private final StageRunner runner;
  private final Action stopAction;
  private final Work<S, I> work;

  StageDecorator(
      S stage,
      Guard<I> next,
      StageRunner runner,
      Action stopAction,
      Work<S, I> work) {
    this.stage = requireNonNull(stage, "stage");
    this.next = requireNonNull(next, "next");
    this.runner = requireNonNull(runner, "runner");
    this.stopAction = requireNonNull(stopAction, "stopAction");
    this.work = requireNonNull(work, "work");
  }

  @Override
  public CompletableFuture<Decision> check(I input, Policy policy) {
    return runner
        .run(stage, policy.stage(stage.policyName()), stopAction,
            work.apply(stage, input, policy.stage(stage.policyName())))
        .thenCompose(
            verdict ->
                verdict.stops()
                    ? CompletableFuture.completedFuture(Decision.EMPTY.prepend(verdict))
                    : next.check(input, policy).thenApply(rest -> rest.prepend(verdict)));
  }

  @Override
  public String toString() {
    return stage.name() + " -> " + next;
  }

  /** The work of one stage on one input under the tier's settings for that stage. */
  @FunctionalInterface
  interface Work<S, I> {
    Callable<Assessment> apply(S stage, I input, StagePolicy policy);
  }
}
