package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of running a chain of stages: every verdict in stage order, and the resulting action
 * (the most severe of them).
 */
public record Decision(Action action, List<Verdict> verdicts) {
  /** No stage ran. */
  public static final Decision EMPTY = new Decision(Action.ALLOW, List.of());

  public Decision {
    requireNonNull(action, "action");
    verdicts = List.copyOf(verdicts);
  }

  /** The decision of a list of verdicts. */
  public static Decision of(List<Verdict> verdicts) {
    Action action = Action.ALLOW;
    for (Verdict v : verdicts) {
      action = action.max(v.action());
    }
    return new Decision(action, verdicts);
  }

  /** This decision with a verdict that ran before the others. */
  public Decision prepend(Verdict first) {
    List<Verdict> all = new ArrayList<>(verdicts.size() + 1);
    all.add(first);
    all.addAll(verdicts);
    return new Decision(action.max(first.action()), all);
  }

  /** The first verdict that stopped the exchange, if any. */
  public Optional<Verdict> decisive() {
    return verdicts.stream().filter(Verdict::stops).findFirst();
  }

  /** Whether the exchange must stop. */
  public boolean stops() {
    return action.stops();
  }
}
