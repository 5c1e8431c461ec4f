package dev.bulwark.monitor.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Ticker;
import dev.bulwark.monitor.Delivery;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.PastExchange;
import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.RiskPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs a batch: each account's deliveries in order on one thread, different accounts in parallel.
 * An exchange that fails stops its account's later ones in this batch (they stay queued, behind its
 * retry), so an account's exchanges are always analysed in order.
 */
final class BatchProcessor {
  private final ExecutorService executor;
  private final Ticker ticker;

  BatchProcessor(ExecutorService executor, Ticker ticker) {
    this.executor = requireNonNull(executor, "executor");
    this.ticker = requireNonNull(ticker, "ticker");
  }

  List<Outcome> process(List<Delivery> deliveries, Flowchart flowchart, Map<String, AccountState> states)
      throws InterruptedException {
    Map<String, List<Delivery>> byAccount = new LinkedHashMap<>();
    for (Delivery d : deliveries) {
      byAccount.computeIfAbsent(d.account(), a -> new ArrayList<>()).add(d);
    }
    List<Future<List<Outcome>>> futures = new ArrayList<>();
    for (Map.Entry<String, List<Delivery>> e : byAccount.entrySet()) {
      AccountState state = requireNonNull(states.get(e.getKey()), "state of " + e.getKey());
      futures.add(executor.submit(() -> processAccount(e.getValue(), flowchart, state)));
    }
    List<Outcome> out = new ArrayList<>();
    for (Future<List<Outcome>> f : futures) {
      try {
        out.addAll(f.get());
      } catch (ExecutionException ex) {
        throw new IllegalStateException("processing an account failed unexpectedly", ex.getCause());
      }
    }
    return out;
  }

  private List<Outcome> processAccount(List<Delivery> deliveries, Flowchart flowchart, AccountState state)
      throws InterruptedException {
    List<Outcome> out = new ArrayList<>();
    for (Delivery d : deliveries) {
      Exchange exchange;
      try {
        exchange = ExchangeParser.parse(d);
      } catch (IllegalArgumentException e) {
        out.add(new Outcome.Failed(d, String.valueOf(e.getMessage()), true));
        continue;
      }
      Outcome o = processOne(d, exchange, flowchart, state);
      out.add(o);
      if (o instanceof Outcome.Failed) {
        break; // later exchanges of this account wait behind its retry
      }
    }
    return out;
  }

  private Outcome processOne(Delivery d, Exchange exchange, Flowchart flowchart, AccountState state)
      throws InterruptedException {
    RiskPolicy policy = flowchart.risk();
    double before = state.riskAt(exchange.occurredAt(), policy);
    RunContext context = new RunContext(exchange, before, state.history);
    FlowchartRunner.Run run;
    try {
      run = FlowchartRunner.run(flowchart, context, ticker);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      return new Outcome.Failed(d, "flowchart " + flowchart.version() + " failed: " + what, false);
    }
    double added = 0;
    for (FlowchartRunner.NodeFinding f : run.findings()) {
      added += policy.weight(f.finding().severity());
    }
    double after = added > 0 ? state.add(exchange.occurredAt(), added, policy) : before;
    List<Outcome.Planned> actions = new ArrayList<>();
    run.actions().forEach((name, trigger) -> actions.add(new Outcome.Planned(flowchart.actions().get(name), trigger)));
    for (RiskPolicy.Threshold t : policy.thresholds()) {
      if (before < t.level() && after >= t.level()) {
        for (String name : t.actions()) {
          if (!run.actions().containsKey(name) && actions.stream().noneMatch(p -> p.spec().name().equals(name))) {
            actions.add(new Outcome.Planned(flowchart.actions().get(name),
                String.format(Locale.ROOT, "risk>=%s", trim(t.level()))));
          }
        }
      }
    }
    state.remember(new PastExchange(d.seq(), exchange.occurredAt(), context.features()));
    return new Outcome.Processed(d, exchange, run, before, after, actions, context.features());
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
