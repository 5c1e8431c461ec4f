package dev.bulwark.monitor.internal;

import dev.bulwark.monitor.analyzer.AnalysisContext;
import dev.bulwark.monitor.analyzer.Analyzer;
import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.AnalyzerFactory;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.ExemplarIndex;
import dev.bulwark.monitor.analyzer.ExemplarStore;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.Settings;
import dev.bulwark.monitor.analyzer.Severity;
import dev.bulwark.classify.model.Encoder;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code exemplar_similarity}: the exchange's nearest neighbours among known jailbreaks and harmful
 * requests ({@link ExemplarIndex}), by cosine similarity of MiniLM embeddings.
 *
 * <pre>
 * settings:
 *   k: 5               # neighbours read
 *   threshold: 0.8     # a finding at or above this similarity
 *   text: last_turn    # last_turn, completion or both (the higher similarity counts)
 * </pre>
 *
 * Outputs: {@code score} (the best similarity, below zero read as zero), {@code category} (the best
 * neighbour's), value {@code similarity}, labels: the best neighbour's kind and family.
 */
final class ExemplarAnalyzer implements Analyzer {
  private final Supplier<Encoder> encoder;
  private final Supplier<ExemplarIndex> index;
  private final int k;
  private final double threshold;
  private final String text;

  private ExemplarAnalyzer(Supplier<Encoder> encoder, Supplier<ExemplarIndex> index, int k, double threshold, String text) {
    this.encoder = encoder;
    this.index = index;
    this.k = k;
    this.threshold = threshold;
    this.text = text;
  }

  static AnalyzerFactory factory(AnalyzerEnvironment env) {
    return new AnalyzerFactory() {
      @Override
      public String name() {
        return "exemplar_similarity";
      }

      @Override
      public Set<String> values() {
        return Set.of("similarity");
      }

      @Override
      public Analyzer create(Settings s) {
        s.allow("k", "threshold", "text");
        int k = s.integer("k", 5, 1, 100);
        double threshold = s.number("threshold", 0.8, -1, 1);
        String text = s.choice("text", "last_turn", "last_turn", "completion", "both");
        return new ExemplarAnalyzer(env::encoder, env::exemplars, k, threshold, text);
      }
    };
  }

  @Override
  public void prepare() {
    encoder.get();
    index.get();
  }

  @Override
  public NodeOutput analyze(Exchange exchange, AnalysisContext context) {
    ExemplarIndex index = this.index.get();
    ExemplarIndex.Neighbour best = null;
    if (!text.equals("completion") && !exchange.lastUserTurn().isBlank()) {
      best = better(best, nearest(exchange.lastUserTurn(), context, "embedding.last_turn"));
    }
    if (!text.equals("last_turn") && !exchange.completion().isBlank()) {
      best = better(best, nearest(exchange.completion(), context, "embedding.completion"));
    }
    if (best == null) {
      return NodeOutput.builder(0).label("no_match").detail(index.size() == 0 ? "no exemplars" : "no text").build();
    }
    double sim = best.similarity();
    NodeOutput.Builder out = NodeOutput.builder(Math.max(0, Math.min(1, sim)))
        .category(best.exemplar().category())
        .value("similarity", sim)
        .label(best.exemplar().kind())
        .detail(String.format(Locale.ROOT, "nearest %s (%s) at %.3f", best.exemplar().id(),
            best.exemplar().category(), sim));
    if (best.exemplar().family() != null) {
      out.label(best.exemplar().family());
    }
    if (sim >= threshold) {
      Severity sev = best.exemplar().category().startsWith("cbrn.") ? Severity.HIGH : Severity.MEDIUM;
      out.finding(new Finding(best.exemplar().category(), sev, Math.max(0, Math.min(1, sim)), String.format(Locale.ROOT,
          "%.3f similar to known %s exemplar %s%s", sim, best.exemplar().kind(), best.exemplar().id(),
          best.exemplar().family() == null ? "" : " (family " + best.exemplar().family() + ")")));
    }
    return out.build();
  }

  private ExemplarIndex.@Nullable Neighbour nearest(String t, AnalysisContext context, String key) {
    float[] q = context.memo(key, () -> ExemplarStore.embed(encoder.get(), t));
    List<ExemplarIndex.Neighbour> n = index.get().nearest(q, k);
    return n.isEmpty() ? null : n.get(0);
  }

  private static ExemplarIndex.@Nullable Neighbour better(
      ExemplarIndex.@Nullable Neighbour a, ExemplarIndex.@Nullable Neighbour b) {
    if (a == null) {
      return b;
    }
    return b == null || a.similarity() >= b.similarity() ? a : b;
  }

  @Override
  public double costUnits() {
    return 110;
  }
}
