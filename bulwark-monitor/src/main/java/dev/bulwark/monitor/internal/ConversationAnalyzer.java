package dev.bulwark.monitor.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.monitor.analyzer.AnalysisContext;
import dev.bulwark.monitor.analyzer.Analyzer;
import dev.bulwark.monitor.analyzer.AnalyzerFactory;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.PastExchange;
import dev.bulwark.monitor.analyzer.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code conversation}: looks across the turns of a conversation and across the account's recent
 * exchanges, for a harmful request split into pieces that each look innocent enough to pass.
 *
 * <p>Two aggregates, the higher of which is the score:
 *
 * <ul>
 *   <li><b>joined</b>: the conversation's user turns read as one text by the classifier (stage 1,
 *       or the cascade with stage 2 where stage 1 is unsure), so an intent spread over turns is read
 *       whole;
 *   <li><b>coherent evidence</b>: per category, {@code 1 - prod(1 - p)} over the pieces that score at
 *       least {@code floor} in it (stage 1): the conversation's user turns, and the last user turns of
 *       the account's other exchanges within {@code window} (each counted once, by a hash of its
 *       text). Weak signals in one category add up; signals scattered over categories do not.
 * </ul>
 *
 * A finding when the score reaches {@code threshold} and no single piece does on its own (a piece
 * that does is the exchange classifier's finding, not a split request), with at least {@code
 * min_pieces} pieces behind it.
 *
 * <p>Only {@code categories} are aggregated: by default the CBRN categories and jailbreak. With the
 * built-in model, {@code harmful.other} scores above 0.2 on about 8% of benign exchanges (the CBRN
 * categories on under 1%), so accumulating it over a busy account's exchanges would flag ordinary
 * users (bench/monitor.sh measured it).
 *
 * <pre>
 * settings:
 *   threshold: 0.5
 *   floor: 0.2
 *   min_pieces: 2
 *   max_turns: 8        # the conversation's newest user turns read
 *   window: 30m         # the account's exchanges read
 *   joined: stage1      # classify the joined turns with stage1, cascade (stage 2 where unsure), or off
 *   categories: [cbrn.biological, cbrn.chemical, cbrn.radiological, cbrn.nuclear, jailbreak]
 * </pre>
 *
 * Keeps, per exchange, the stage-1 probabilities of its last user turn and a 64-bit hash of it.
 */
final class ConversationAnalyzer implements Analyzer {
  static final String LAST_TURN_SCORES = "lt";
  static final String LAST_TURN_HASH = "lh";

  private final Supplier<Classifiers> classifiers;
  private final double threshold;
  private final double floor;
  private final int minPieces;
  private final int maxTurns;
  private final Duration window;
  private final String joined;
  private final List<Category> categories;

  private ConversationAnalyzer(Supplier<Classifiers> classifiers, double threshold, double floor, int minPieces, int maxTurns,
      Duration window, String joined, List<Category> categories) {
    this.classifiers = classifiers;
    this.threshold = threshold;
    this.floor = floor;
    this.minPieces = minPieces;
    this.maxTurns = maxTurns;
    this.window = window;
    this.joined = joined;
    this.categories = List.copyOf(categories);
  }

  static AnalyzerFactory factory(Supplier<Classifiers> classifiers) {
    return new AnalyzerFactory() {
      @Override
      public String name() {
        return "conversation";
      }

      @Override
      public Set<String> values() {
        return Set.of("joined", "coherent", "pieces", "account_pieces");
      }

      @Override
      public Analyzer create(Settings s) {
        s.allow("threshold", "floor", "min_pieces", "max_turns", "window", "joined", "categories");
        double threshold = s.number("threshold", 0.5, 0.01, 1.0);
        double floor = s.number("floor", 0.2, 0.0, 1.0);
        if (floor >= threshold) {
          throw new IllegalArgumentException(s.field("floor") + ": must be below threshold (" + threshold + "), was " + floor);
        }
        List<Category> categories = new ArrayList<>();
        if (s.has("categories")) {
          for (String id : s.strings("categories")) {
            categories.add(Category.byId(id).orElseThrow(() -> new IllegalArgumentException(s.field("categories")
                + ": unknown category '" + id + "'")));
          }
          if (categories.isEmpty()) {
            throw new IllegalArgumentException(s.field("categories") + ": name at least one category");
          }
        } else {
          for (Category c : Category.ALL) {
            if (c != Category.HARMFUL_OTHER) {
              categories.add(c);
            }
          }
        }
        return new ConversationAnalyzer(classifiers, threshold, floor, s.integer("min_pieces", 2, 2, 100),
            s.integer("max_turns", 8, 1, 100), s.duration("window", Duration.ofMinutes(30)),
            s.choice("joined", "stage1", "stage1", "cascade", "off"), categories);
      }
    };
  }

  @Override
  public void prepare() {
    classifiers.get();
  }

  @Override
  public NodeOutput analyze(Exchange exchange, AnalysisContext context) {
    Classifiers classifiers = this.classifiers.get();
    List<String> turns = exchange.userTurns();
    if (turns.size() > maxTurns) {
      turns = turns.subList(turns.size() - maxTurns, turns.size());
    }
    if (turns.isEmpty()) {
      return NodeOutput.builder(0).label("no_text").detail("no user turns").build();
    }
    String last = turns.get(turns.size() - 1);
    Classification lastScore = classifiers.lastTurnStage1(last, context);
    ArrayNode keep = context.features().putArray(LAST_TURN_SCORES);
    for (double p : Classifiers.rounded(lastScore.probabilities())) {
      keep.add(p);
    }
    context.features().put(LAST_TURN_HASH, hash(last));

    // Pieces: the conversation's user turns, then the account's other recent last turns.
    List<Probabilities> pieces = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < turns.size(); i++) {
      String t = turns.get(i);
      if (seen.add(hash(t))) {
        pieces.add(i == turns.size() - 1 ? lastScore.probabilities() : classifiers.stage1.classifyPrompt(t).probabilities());
      }
    }
    int conversationPieces = pieces.size();
    for (PastExchange past : context.history()) {
      if (past.occurredAt().isBefore(exchange.occurredAt().minus(window))) {
        continue;
      }
      JsonNode h = past.features().get(LAST_TURN_HASH);
      JsonNode s = past.features().get(LAST_TURN_SCORES);
      if (h == null || s == null || !s.isArray() || s.size() != Category.ALL.size() || !seen.add(h.asText())) {
        continue;
      }
      double[] p = new double[Category.ALL.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = s.get(i).asDouble();
      }
      pieces.add(Probabilities.of(p));
    }

    double single = 0;
    for (Probabilities p : pieces) {
      for (Category c : categories) {
        single = Math.max(single, p.get(c));
      }
    }
    double coherent = 0;
    int coherentPieces = 0;
    Category coherentCategory = null;
    for (Category c : categories) {
      double none = 1;
      int n = 0;
      for (Probabilities p : pieces) {
        double v = p.get(c);
        if (v >= floor) {
          none *= 1 - v;
          n++;
        }
      }
      double agg = 1 - none;
      if (n >= minPieces && agg > coherent) {
        coherent = agg;
        coherentPieces = n;
        coherentCategory = c;
      }
    }
    double joinedScore = 0;
    Category joinedCategory = null;
    if (!joined.equals("off") && turns.size() >= 2) {
      Classification j = (joined.equals("cascade") ? classifiers.banded : classifiers.stage1)
          .classifyPrompt(String.join("\n", turns));
      for (Category c : categories) {
        if (j.probabilities().get(c) > joinedScore) {
          joinedScore = j.probabilities().get(c);
          joinedCategory = c;
        }
      }
    }
    boolean joinedLeads = joinedScore > coherent;
    double score = Math.max(joinedScore, coherent);
    Category category = joinedLeads ? joinedCategory : coherentCategory;
    int behind = joinedLeads ? turns.size() : coherentPieces;
    NodeOutput.Builder out = NodeOutput.builder(score)
        .category(category == null ? null : category.id())
        .value("joined", joinedScore)
        .value("coherent", coherent)
        .value("pieces", behind)
        .value("account_pieces", pieces.size() - conversationPieces)
        .detail(String.format(Locale.ROOT, "joined %.3f over %d turns, coherent %.3f over %d pieces, highest piece %.3f",
            joinedScore, turns.size(), coherent, coherentPieces, single));
    if (category != null && score >= threshold && single < threshold && behind >= minPieces) {
      out.label("split_request");
      out.finding(new Finding(category.id(), Classifiers.severity(category), score, String.format(Locale.ROOT,
          "%s request split over %d pieces (%s %.3f; no piece above %.3f alone)", category.id(), behind,
          joinedLeads ? "joined" : "coherent", score, single)));
    }
    return out.build();
  }

  static String hash(String text) {
    String normalized = text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    long h = 1125899906842597L;
    for (int i = 0; i < normalized.length(); i++) {
      h = 31 * h + normalized.charAt(i);
    }
    h ^= (h >>> 33);
    h *= 0xff51afd7ed558ccdL;
    h ^= (h >>> 33);
    return Long.toHexString(h);
  }

  @Override
  public double costUnits() {
    return 6;
  }
}
