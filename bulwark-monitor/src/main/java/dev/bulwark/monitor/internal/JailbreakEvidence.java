package dev.bulwark.monitor.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.monitor.analyzer.Exchange;
import dev.bulwark.monitor.analyzer.Finding;
import dev.bulwark.monitor.incident.EvidenceKeeping;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Whether a run's findings point at a jailbreak, and the exchange's text as the incident action keeps
 * it (see {@link EvidenceKeeping}). Stateless.
 *
 * <p>A run points at a jailbreak when a finding has the {@code jailbreak} category (the classifiers,
 * the conversation analyzer, a rule, the LLM judge), or when the exemplar analyzer made a finding and
 * its nearest neighbour is a known jailbreak (label {@code jailbreak}, and its family when known).
 */
final class JailbreakEvidence {
  static final String JAILBREAK = "jailbreak";
  private static final Set<String> KIND_LABELS = Set.of("jailbreak", "harmful", "no_match");

  private JailbreakEvidence() {}

  /** Why the run's findings point at a jailbreak: one line per sign, never text; empty when none does. */
  static List<String> reasons(FlowchartRunner.Run run) {
    Set<String> out = new LinkedHashSet<>();
    for (FlowchartRunner.NodeFinding nf : run.findings()) {
      Finding f = nf.finding();
      if (JAILBREAK.equals(f.category())) {
        out.add(nf.node() + ": " + nf.analyzer() + " found " + JAILBREAK + " (" + f.severity().wireName() + ")");
      }
    }
    for (FlowchartRunner.NodeRun r : run.path()) {
      if (r.analyzer().equals("exemplar_similarity") && r.output().hasFinding()
          && r.output().labels().contains(JAILBREAK)) {
        String family = null;
        for (String l : r.output().labels()) {
          if (!KIND_LABELS.contains(l)) {
            family = l;
          }
        }
        out.add(r.node() + ": near a known jailbreak exemplar" + (family == null ? "" : " of family " + family));
      }
    }
    return new ArrayList<>(out);
  }

  /** The kept text: the body to store, and whether it was cut. */
  record Kept(ObjectNode body, boolean truncated, int chars) {}

  /**
   * The exchange's text, redacted, then cut to the budget: the newest turns first (each cut at its
   * end), then the completion. Redacting before cutting means a cut never leaves a partial address
   * that the redactor would no longer recognise.
   *
   * @throws RuntimeException when the redaction fails (the caller keeps nothing then)
   */
  static Kept keep(Exchange ex, EvidenceKeeping keeping) {
    Deque<ObjectNode> turns = new ArrayDeque<>();
    int budget = keeping.maxPromptChars();
    boolean truncated = false;
    int chars = 0;
    List<Exchange.Turn> all = ex.turns();
    for (int i = all.size() - 1; i >= 0; i--) {
      Exchange.Turn t = all.get(i);
      if (budget <= 0) {
        truncated = true;
        break;
      }
      String text = keeping.redaction().redact(t.text());
      String cut = cut(text, budget);
      truncated |= cut.length() < text.length();
      budget -= cut.length();
      chars += cut.length();
      turns.addFirst(JsonNodeFactory.instance.objectNode().put("role", t.role()).put("text", cut));
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode a = body.putArray("turns");
    turns.forEach(a::add);
    String completion = ex.completion().isEmpty() ? "" : keeping.redaction().redact(ex.completion());
    String cutCompletion = cut(completion, keeping.maxCompletionChars());
    truncated |= cutCompletion.length() < completion.length();
    chars += cutCompletion.length();
    body.put("completion", cutCompletion);
    return new Kept(body, truncated, chars);
  }

  /** The first {@code max} characters of {@code s}, never splitting a surrogate pair. */
  static String cut(@Nullable String s, int max) {
    if (s == null || max <= 0) {
      return "";
    }
    if (s.length() <= max) {
      return s;
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
