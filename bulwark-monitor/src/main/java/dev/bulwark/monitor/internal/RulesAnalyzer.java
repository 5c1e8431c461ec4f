package dev.bulwark.monitor.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.bulwark.classify.phrase.LiveSignatures;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.monitor.analyzer.AnalysisContext;
import dev.bulwark.monitor.analyzer.Analyzer;
import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.AnalyzerFactory;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.analyzer.NodeOutput;
import dev.bulwark.monitor.analyzer.PastExchange;
import dev.bulwark.monitor.analyzer.Settings;
import dev.bulwark.monitor.analyzer.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code rules}: cheap rules over text and metadata, including the account's recent exchanges.
 *
 * <pre>
 * settings:
 *   refusal_streak: 3          # a finding when this many exchanges in a row were refused
 *   rephrase_similarity: 0.5   # a finding when the prompt is this similar (word shingles, 0-1)
 *   rephrase_window: 10m       #   to a prompt refused within this window
 *   patterns:                  # regular expressions over the last user turn and the completion
 *     - {id: override, regex: '(?i)ignore (all )?previous instructions', category: jailbreak,
 *        severity: low, on: prompt}      # on: prompt, completion or both (default prompt)
 * </pre>
 *
 * An exchange counts as refused when the gateway blocked or halted it, or when the completion opens
 * like a refusal. Outputs: values {@code hits} (rules that fired), {@code refusals} (the streak
 * length) and {@code rephrase} (the highest similarity to a recently refused prompt); labels: the ids
 * of the rules that fired. Keeps, per exchange, whether it was refused and a MinHash signature of its
 * last user turn (never the text).
 *
 * <p>It also applies the deployed rapid-response release's signature rules ({@link
 * AnalyzerEnvironment#releaseSignatures()}) as the gateway's signature stage does (prompt rules on the
 * last user turn, completion rules on the completion): a match is a hit and a finding in the rule's
 * category, high for a blocking rule, labelled {@value AnalyzerEnvironment#RELEASE_SIGNATURES} and the
 * rule id.
 */
final class RulesAnalyzer implements Analyzer {
  static final String REFUSED = "refused";
  static final String SIGNATURE = "sig";

  private static final Pattern REFUSAL = Pattern.compile(
      "(?is)^\\W{0,4}(i'?m sorry|i am sorry|sorry, (but )?i|i can(?:no|')t|i cannot|i won'?t|i will not|"
          + "i'?m (not able|unable)|i am (not able|unable)|as an ai\\b|i must decline|i'?m afraid i can)");

  private final int streak;
  private final double similarity;
  private final Duration window;
  private final List<Rule> patterns;
  private final LiveSignatures releaseSignatures;

  private record Rule(String id, Pattern regex, String category, Severity severity, boolean prompt, boolean completion) {}

  private RulesAnalyzer(int streak, double similarity, Duration window, List<Rule> patterns,
      LiveSignatures releaseSignatures) {
    this.streak = streak;
    this.similarity = similarity;
    this.window = window;
    this.patterns = List.copyOf(patterns);
    this.releaseSignatures = releaseSignatures;
  }

  static AnalyzerFactory factory(AnalyzerEnvironment env) {
    return new AnalyzerFactory() {
      @Override
      public String name() {
        return "rules";
      }

      @Override
      public Set<String> values() {
        return Set.of("hits", "refusals", "rephrase");
      }

      @Override
      public Analyzer create(Settings s) {
        s.allow("refusal_streak", "rephrase_similarity", "rephrase_window", "patterns");
        int streak = s.integer("refusal_streak", 3, 2, 1000);
        double sim = s.number("rephrase_similarity", 0.5, 0.05, 1.0);
        Duration window = s.duration("rephrase_window", Duration.ofMinutes(10));
        List<Rule> rules = new ArrayList<>();
        for (Settings r : s.list("patterns")) {
          r.allow("id", "regex", "category", "severity", "on");
          String id = r.string("id", "");
          if (!id.matches("[a-z][a-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException(r.field("id") + ": lower case letters, digits, '_', '.', '-', was '" + id + "'");
          }
          Pattern p;
          try {
            p = Pattern.compile(r.string("regex", ""));
          } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(r.field("regex") + ": not a regular expression: " + e.getDescription());
          }
          String sev = r.choice("severity", "low", "low", "medium", "high", "critical");
          String on = r.choice("on", "prompt", "prompt", "completion", "both");
          rules.add(new Rule(id, p, r.string("category", "rules." + id),
              Severity.parse(sev).orElseThrow(), !on.equals("completion"), !on.equals("prompt")));
        }
        return new RulesAnalyzer(streak, sim, window, rules, env.releaseSignatures());
      }
    };
  }

  /** Whether the gateway or the model refused the exchange. */
  static boolean refused(Exchange e) {
    String a = e.gatewayAction();
    if (a.equals("block") || a.equals("halt")) {
      return true;
    }
    String c = e.completion();
    return !c.isEmpty() && REFUSAL.matcher(c.length() > 200 ? c.substring(0, 200) : c).find();
  }

  @Override
  public NodeOutput analyze(Exchange exchange, AnalysisContext context) {
    boolean refused = refused(exchange);
    String lastTurn = exchange.lastUserTurn();
    int[] sig = MinHash.of(lastTurn);
    context.features().put(REFUSED, refused);
    if (sig != null) {
      ArrayNode a = context.features().putArray(SIGNATURE);
      for (int v : sig) {
        a.add(v);
      }
    }
    NodeOutput.Builder out = NodeOutput.builder(0);
    int hits = 0;
    double score = 0;
    List<String> detail = new ArrayList<>();

    // Refusals in a row, this exchange included.
    int run = refused ? 1 : 0;
    List<PastExchange> history = context.history();
    if (refused) {
      for (int i = history.size() - 1; i >= 0; i--) {
        JsonNode r = history.get(i).features().get(REFUSED);
        if (r == null || !r.asBoolean()) {
          break;
        }
        run++;
      }
    }
    out.value("refusals", run);
    if (run >= streak) {
      hits++;
      score = Math.max(score, Math.min(1.0, 0.5 * run / streak));
      out.label("refusal_streak");
      Severity sev = run >= 2 * streak ? Severity.MEDIUM : Severity.LOW;
      out.finding(new Finding("probing.refusal_streak", sev, Math.min(1.0, 0.5 * run / streak),
          run + " refused exchanges in a row"));
      detail.add("refusal streak " + run);
    }

    // Rephrasing a recently refused request.
    double best = 0;
    if (sig != null) {
      for (PastExchange past : history) {
        if (past.occurredAt().isBefore(exchange.occurredAt().minus(window))) {
          continue;
        }
        JsonNode r = past.features().get(REFUSED);
        JsonNode ps = past.features().get(SIGNATURE);
        if (r == null || !r.asBoolean() || ps == null || !ps.isArray() || ps.size() != MinHash.SIZE) {
          continue;
        }
        int[] other = new int[MinHash.SIZE];
        for (int i = 0; i < MinHash.SIZE; i++) {
          other[i] = ps.get(i).asInt();
        }
        best = Math.max(best, MinHash.similarity(sig, other));
      }
    }
    out.value("rephrase", best);
    if (best >= similarity) {
      hits++;
      score = Math.max(score, best);
      out.label("rephrase_after_refusal");
      out.finding(new Finding("probing.rephrase", Severity.MEDIUM, best, String.format(Locale.ROOT,
          "prompt is %.2f similar to one refused within %s", best, window)));
      detail.add(String.format(Locale.ROOT, "rephrase %.2f", best));
    }

    for (Rule rule : patterns) {
      boolean hit = (rule.prompt && rule.regex.matcher(lastTurn).find())
          || (rule.completion && rule.regex.matcher(exchange.completion()).find());
      if (hit) {
        hits++;
        score = Math.max(score, 0.6);
        out.label(rule.id);
        out.finding(new Finding(rule.category, rule.severity, 0.6, "rule " + rule.id + " matched"));
        detail.add("rule " + rule.id);
      }
    }
    Optional<PhraseStage> signatures = releaseSignatures.current();
    if (signatures.isPresent()) {
      Optional<Assessment> m = LiveSignatures.match(signatures.get(), Conversation.ofUser("monitor", lastTurn),
          exchange.completion());
      if (m.isPresent()) {
        Assessment a = m.get();
        String id = a.reason() == null ? "unknown" : a.reason();
        String category = a.scores().asMap().keySet().stream().findFirst().orElse("jailbreak");
        // The gateway blocks on a blocking rule: a high-severity finding; a flagging rule, a medium one.
        Severity sev = a.action() == Action.BLOCK ? Severity.HIGH : Severity.MEDIUM;
        hits++;
        score = Math.max(score, 0.9);
        out.label(AnalyzerEnvironment.RELEASE_SIGNATURES).label(id);
        out.finding(new Finding(category, sev, 0.9, "rapid-response signature rule " + id + " matched ("
            + signatures.get().version() + ")"));
        detail.add("signature " + id);
      }
    }
    if (exchange.gatewayAction().equals("flag")) {
      out.label("gateway_flag");
    }
    out.value("hits", hits);
    out.score(score);
    List<Finding> found = out.build().findings();
    out.category(found.isEmpty() ? null : found.get(0).category());
    return out.detail(detail.isEmpty() ? "no rule fired" : String.join(", ", detail)).build();
  }

  @Override
  public double costUnits() {
    return 0.5;
  }
}
