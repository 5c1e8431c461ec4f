package dev.bulwark.monitor;

import dev.bulwark.monitor.analyzer.AnalysisContext;
import dev.bulwark.monitor.analyzer.Analyzer;
import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.AnalyzerFactory;
import dev.bulwark.monitor.analyzer.AnalyzerRegistry;
import dev.bulwark.monitor.analyzer.BuiltInAnalyzers;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.InMemoryExemplarIndex;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.Settings;
import dev.bulwark.monitor.analyzer.Severity;
import java.util.Set;

/**
 * Analyzers for tests, registered beside the built-ins:
 *
 * <ul>
 *   <li>{@code marker}: a finding ({@code settings.severity}, default high, category test.marker)
 *       when the last user turn contains {@code settings.marker} (default FLAG-ME);
 *   <li>{@code slow}: sleeps {@code settings.ms} per exchange, finds nothing;
 *   <li>{@code explode}: throws when the last user turn contains EXPLODE (a poison the analyzer cannot
 *       digest, so every attempt fails).
 * </ul>
 */
final class TestAnalyzers {
  private TestAnalyzers() {}

  static AnalyzerEnvironment environment() {
    return AnalyzerEnvironment.builder()
        .exemplars(() -> new InMemoryExemplarIndex("none", 384))
        .build();
  }

  static AnalyzerRegistry registry() {
    return registry(environment());
  }

  static AnalyzerRegistry registry(AnalyzerEnvironment env) {
    return BuiltInAnalyzers.registry(env).register(marker()).register(slow()).register(explode()).build();
  }

  static AnalyzerFactory marker() {
    return new AnalyzerFactory() {
      @Override
      public String name() {
        return "marker";
      }

      @Override
      public Set<String> values() {
        return Set.of("hit");
      }

      @Override
      public Analyzer create(Settings s) {
        s.allow("marker", "severity");
        String marker = s.string("marker", "FLAG-ME");
        Severity sev = Severity.parse(s.string("severity", "high"))
            .orElseThrow(() -> new IllegalArgumentException(s.field("severity") + ": unknown severity"));
        return new Analyzer() {
          @Override
          public NodeOutput analyze(Exchange exchange, AnalysisContext context) {
            boolean hit = exchange.lastUserTurn().contains(marker);
            NodeOutput.Builder b = NodeOutput.builder(hit ? 1 : 0).value("hit", hit ? 1 : 0)
                .detail(hit ? "marker found" : "no marker");
            if (hit) {
              b.category("test.marker").finding(new Finding("test.marker", sev, 1.0, "the marker was found"));
            }
            return b.build();
          }

          @Override
          public double costUnits() {
            return 1;
          }
        };
      }
    };
  }

  static AnalyzerFactory slow() {
    return new AnalyzerFactory() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public Set<String> values() {
        return Set.of();
      }

      @Override
      public Analyzer create(Settings s) {
        s.allow("ms");
        int ms = s.integer("ms", 1, 0, 10_000);
        return new Analyzer() {
          @Override
          public NodeOutput analyze(Exchange exchange, AnalysisContext context) throws InterruptedException {
            Thread.sleep(ms);
            return NodeOutput.builder(0).detail("slept " + ms + " ms").build();
          }

          @Override
          public double costUnits() {
            return 3;
          }
        };
      }
    };
  }

  static AnalyzerFactory explode() {
    return new AnalyzerFactory() {
      @Override
      public String name() {
        return "explode";
      }

      @Override
      public Set<String> values() {
        return Set.of();
      }

      @Override
      public Analyzer create(Settings s) {
        return new Analyzer() {
          @Override
          public NodeOutput analyze(Exchange exchange, AnalysisContext context) {
            if (exchange.lastUserTurn().contains("EXPLODE")) {
              throw new IllegalStateException("the analyzer cannot digest this exchange");
            }
            return NodeOutput.builder(0).detail("fine").build();
          }

          @Override
          public double costUnits() {
            return 1;
          }
        };
      }
    };
  }
}
