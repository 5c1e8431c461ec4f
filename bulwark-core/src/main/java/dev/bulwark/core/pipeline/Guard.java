package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.policy.Policy;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A chain of whole-text safeguard checks, each a decorator around the rest of the chain (as Armeria's
 * {@code HttpService.decorate}). A stage that stops the exchange short-circuits the chain. Never
 * completes exceptionally: failures become verdicts through {@link StageRunner}.
 *
 * @param <I> what the chain reads: a {@link Conversation} before the model runs, an {@link Exchange}
 *     after
 */
@FunctionalInterface
public interface Guard<I> {
  /** Checks {@code input} under {@code policy}. */
  CompletableFuture<Decision> check(I input, Policy policy);

  /** This guard wrapped by {@code decorator}. */
  default Guard<I> decorate(Function<? super Guard<I>, ? extends Guard<I>> decorator) {
    return requireNonNull(decorator.apply(this), "decorator returned null");
  }

  /** The end of every chain: allows, with no verdicts. */
  static <I> Guard<I> allowAll() {
    return (input, policy) -> CompletableFuture.completedFuture(Decision.EMPTY);
  }

  /** A chain over prompt stages, run in list order; a stop is a {@link Action#BLOCK}. */
  static Guard<Conversation> forPrompts(List<? extends PromptStage> stages, StageRunner runner) {
    return chain(stages, runner, Action.BLOCK, (stage, prompt, policy) -> () -> stage.assess(prompt, policy));
  }

  /** A chain over completion stages, run in list order; a stop is a {@link Action#HALT}. */
  static Guard<Exchange> forCompletions(List<? extends CompletionStage> stages, StageRunner runner) {
    return chain(
        stages, runner, Action.HALT,
        (stage, exchange, policy) -> () -> stage.assess(exchange.prompt(), exchange.completion(), policy));
  }

  private static <S extends Stage, I> Guard<I> chain(
      List<? extends S> stages,
      StageRunner runner,
      Action stopAction,
      StageDecorator.Work<S, I> work) {
    Guard<I> guard = allowAll();
    for (int i = stages.size() - 1; i >= 0; i--) {
      S stage = stages.get(i);
      guard = guard.decorate(next -> new StageDecorator<>(stage, next, runner, stopAction, work));
    }
    return guard;
  }

  /** A prompt and its finished completion. */
  record Exchange(Conversation prompt, Completion completion) {
    public Exchange {
      requireNonNull(prompt, "prompt");
      requireNonNull(completion, "completion");
    }
  }
}
