package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.policy.Policy;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/** One stage wrapped around the rest of a {@link Guard} chain. */
final class StageDecorator<S extends Stage, I> implements Guard<I> {
  private final S stage;
  private final Guard<I> next;
  private final StageRunner runner;
  private final Action stopAction;
  private final BiFunction<S, I, Callable<Assessment>> work;

  StageDecorator(
      S stage,
      Guard<I> next,
      StageRunner runner,
      Action stopAction,
      BiFunction<S, I, Callable<Assessment>> work) {
    this.stage = requireNonNull(stage, "stage");
    this.next = requireNonNull(next, "next");
    this.runner = requireNonNull(runner, "runner");
    this.stopAction = requireNonNull(stopAction, "stopAction");
    this.work = requireNonNull(work, "work");
  }

  @Override
  public CompletableFuture<Decision> check(I input, Policy policy) {
    return runner
        .run(stage, policy.stage(stage.name()), stopAction, work.apply(stage, input))
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
}
