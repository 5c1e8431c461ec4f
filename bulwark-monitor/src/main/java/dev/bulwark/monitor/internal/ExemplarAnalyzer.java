package dev.bulwark.monitor.internal;

import dev.bulwark.classify.Category;
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
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.exemplar.LiveExemplarIndex;
import dev.bulwark.classify.model.Encoder;
import java.util.ArrayList;
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
 *
 * <p>It also searches the deployed rapid-response release's exemplar index ({@link
 * AnalyzerEnvironment#releaseExemplars()}), as the gateway's exemplar stage does: the last user turn,
 * embedded window by window ({@link Embedder#minilm}), against each family's calibrated threshold (the
 * {@code threshold} setting does not apply: those thresholds were set for prompts). A family reached is
 * a high-severity {@code jailbreak} finding, labelled {@code rapid_response} and the family, with value
 * {@code release_similarity}; the score is then the larger of the two similarities (a family not
 * reached leaves it as the monitor's own exemplars make it). Each exchange uses the release version
 * current when the analyzer started on it.
 */
final class ExemplarAnalyzer implements Analyzer {
  /** The category of a finding on a rapid-response family (the gateway's exemplar stage blocks as it). */
  static final String RELEASE_CATEGORY = Category.JAILBREAK.id();

  /** The label of an exchange close to a rapid-response family. */
  static final String RELEASE_LABEL = "rapid_response";

  private final Supplier<Encoder> encoder;
  private final Supplier<ExemplarIndex> index;
  private final LiveExemplarIndex release;
  private final Supplier<Embedder> releaseEmbedder;
  private final int k;
  private final double threshold;
  private final String text;

  private ExemplarAnalyzer(Supplier<Encoder> encoder, Supplier<ExemplarIndex> index, LiveExemplarIndex release,
      int k, double threshold, String text) {
    this.encoder = encoder;
    this.index = index;
    this.release = release;
    this.releaseEmbedder = AnalyzerEnvironment.memoize(
        () -> Embedder.minilm(encoder.get(), Canonicalizer.defaults(), Embedder.DEFAULT_MAX_WINDOWS));
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
        return Set.of("similarity", "release_similarity");
      }

      @Override
      public Analyzer create(Settings s) {
        s.allow("k", "threshold", "text");
        int k = s.integer("k", 5, 1, 100);
        double threshold = s.number("threshold", 0.8, -1, 1);
        String text = s.choice("text", "last_turn", "last_turn", "completion", "both");
        return new ExemplarAnalyzer(env::encoder, env::exemplars, env.releaseExemplars(), k, threshold, text);
      }
    };
  }

  @Override
  public void prepare() {
    encoder.get();
    index.get();
    releaseEmbedder.get();
  }

  @Override
  public NodeOutput analyze(Exchange exchange, AnalysisContext context) {
    ExemplarIndex index = this.index.get();
    dev.bulwark.classify.exemplar.ExemplarIndex releaseIndex = release.current();
    ExemplarIndex.Neighbour best = null;
    if (!text.equals("completion") && !exchange.lastUserTurn().isBlank()) {
      best = better(best, nearest(exchange.lastUserTurn(), context, "embedding.last_turn"));
    }
    if (!text.equals("last_turn") && !exchange.completion().isBlank()) {
      best = better(best, nearest(exchange.completion(), context, "embedding.completion"));
    }
    ReleaseMatch family = releaseMatch(releaseIndex, exchange, context);
    if (best == null && family == null) {
      return NodeOutput.builder(0).label("no_match")
          .detail(index.size() == 0 && releaseIndex.isEmpty() ? "no exemplars" : "no text").build();
    }
    double sim = best == null ? 0 : best.similarity();
    // A release family raises the score only when reached: below its calibrated threshold a
    // similarity says less than the monitor's own exemplars' does.
    double score = family != null && family.match.matched() ? Math.max(sim, family.match.similarity()) : sim;
    NodeOutput.Builder out = NodeOutput.builder(Math.max(0, Math.min(1, score)));
    List<String> detail = new ArrayList<>();
    if (best != null) {
      out.category(best.exemplar().category()).value("similarity", sim).label(best.exemplar().kind());
      detail.add(String.format(Locale.ROOT, "nearest %s (%s) at %.3f", best.exemplar().id(),
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
    }
    if (family != null) {
      dev.bulwark.classify.exemplar.ExemplarIndex.Match m = family.match;
      out.value("release_similarity", m.similarity());
      detail.add(String.format(Locale.ROOT, "rapid-response family %s at %.3f (threshold %.3f, index %s)", m.family(),
          m.similarity(), m.threshold(), family.version));
      if (m.matched()) {
        if (best == null || m.similarity() >= sim) {
          out.category(RELEASE_CATEGORY);
        }
        out.label(RELEASE_LABEL).label(m.family());
        out.finding(new Finding(RELEASE_CATEGORY, Severity.HIGH, Math.max(0, Math.min(1, m.similarity())),
            String.format(Locale.ROOT, "%.3f similar to rapid-response family %s (threshold %.3f, exemplar %s)",
                m.similarity(), m.family(), m.threshold(), m.id())));
      }
    }
    return out.detail(String.join("; ", detail)).build();
  }

  /** The deployed release's closest family for the last user turn, or null (no index, no text). */
  private @Nullable ReleaseMatch releaseMatch(dev.bulwark.classify.exemplar.ExemplarIndex releaseIndex, Exchange exchange,
      AnalysisContext context) {
    if (releaseIndex.isEmpty() || exchange.lastUserTurn().isBlank()) {
      return null;
    }
    Embedder embedder = releaseEmbedder.get();
    if (!releaseIndex.encoderId().equals(embedder.encoderId())) {
      // Fail rather than compare vectors of two encoders: the node's failure is recorded.
      throw new IllegalStateException("rapid-response exemplar index " + releaseIndex.version() + " holds "
          + releaseIndex.encoderId() + " vectors, the monitor's encoder makes " + embedder.encoderId());
    }
    List<float[]> q = context.memo("release_embedding.last_turn", () -> embedder.embed(exchange.lastUserTurn()));
    List<dev.bulwark.classify.exemplar.ExemplarIndex.Match> all = releaseIndex.closest(q);
    return all.isEmpty() ? null : new ReleaseMatch(all.get(0), releaseIndex.version());
  }

  private record ReleaseMatch(dev.bulwark.classify.exemplar.ExemplarIndex.Match match, String version) {}

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
