package dev.bulwark.monitor.internal;

import dev.bulwark.monitor.analyzer.PastExchange;
import dev.bulwark.monitor.flow.RiskPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One account's risk and recent exchanges while a batch runs: loaded before, written after. Confined
 * to the thread running the account's exchanges.
 */
final class AccountState {
  final String account;
  double score;
  @Nullable Instant updatedAt;
  final List<PastExchange> history;
  private final int historyLimit;
  boolean changed;

  AccountState(String account, double score, @Nullable Instant updatedAt, List<PastExchange> history, int historyLimit) {
    this.account = account;
    this.score = score;
    this.updatedAt = updatedAt;
    this.history = new ArrayList<>(history);
    this.historyLimit = historyLimit;
  }

  /** A copy to work on: a batch that fails must leave the cached state as it was. */
  AccountState copy() {
    AccountState c = new AccountState(account, score, updatedAt, history, historyLimit);
    return c;
  }

  /** The score decayed to {@code at}. */
  double riskAt(Instant at, RiskPolicy policy) {
    return updatedAt == null ? score : policy.decay(score, Duration.between(updatedAt, at));
  }

  /** Adds {@code added} at {@code at}; returns the new score. */
  double add(Instant at, double added, RiskPolicy policy) {
    double now = riskAt(at, policy) + added;
    score = now;
    if (updatedAt == null || at.isAfter(updatedAt)) {
      updatedAt = at;
    }
    changed = true;
    return now;
  }

  void remember(PastExchange past) {
    history.add(past);
    while (history.size() > historyLimit) {
      history.remove(0);
    }
  }
}
