package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What one analyzer said about one exchange. Edge conditions read it: {@code node.score}, {@code
 * node.category}, {@code node.finding}, {@code node.failed}, {@code 'label' in node.labels}, and
 * {@code node.<value>} for each of {@link #values()}.
 *
 * @param failed whether the analyzer could not do its work (its failure is then also a finding when
 *     the analyzer says so: the LLM judge's are)
 * @param score the headline score in [0, 1]: how suspicious the exchange looks to this analyzer
 * @param category the category behind the score, if any
 * @param values further numbers, by name; the analyzer's factory declares the names
 * @param labels short tags (rule ids, jailbreak families)
 * @param findings what it found
 * @param detail one line for {@code explain}; never the exchange's text
 */
public record NodeOutput(
    boolean failed,
    double score,
    @Nullable String category,
    Map<String, Double> values,
    Set<String> labels,
    List<Finding> findings,
    String detail) {

  public NodeOutput {
    if (!(score >= 0.0 && score <= 1.0)) {
      throw new IllegalArgumentException("score must be in [0, 1], was " + score);
    }
    values = Map.copyOf(values);
    labels = Set.copyOf(new TreeSet<>(labels));
    findings = List.copyOf(findings);
    requireNonNull(detail, "detail");
  }

  /** A builder for an output that did not fail. */
  public static Builder builder(double score) {
    return new Builder(score);
  }

  /** The output of an analyzer that could not work: a finding when {@code finding} is given. */
  public static NodeOutput failure(String detail, @Nullable Finding finding) {
    return new NodeOutput(true, finding == null ? 0.0 : finding.score(),
        finding == null ? null : finding.category(), Map.of("failed", 1.0), Set.of(),
        finding == null ? List.of() : List.of(finding), detail);
  }

  /** Whether it found anything. */
  public boolean hasFinding() {
    return !findings.isEmpty();
  }

  /** This output without its findings (a node configured with {@code findings: false}). */
  public NodeOutput withoutFindings() {
    return findings.isEmpty() ? this : new NodeOutput(failed, score, category, values, labels, List.of(), detail);
  }

  /** Builds a {@link NodeOutput}. */
  public static final class Builder {
    private double score;
    private @Nullable String category;
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Set<String> labels = new TreeSet<>();
    private final List<Finding> findings = new java.util.ArrayList<>();
    private String detail = "";

    private Builder(double score) {
      this.score = score;
    }

    /** Replaces the score given to {@link NodeOutput#builder(double)}. */
    public Builder score(double score) {
      this.score = score;
      return this;
    }

    public Builder category(@Nullable String category) {
      this.category = category;
      return this;
    }

    public Builder value(String name, double value) {
      values.put(requireNonNull(name, "name"), value);
      return this;
    }

    public Builder label(String label) {
      labels.add(requireNonNull(label, "label"));
      return this;
    }

    public Builder finding(Finding finding) {
      findings.add(requireNonNull(finding, "finding"));
      return this;
    }

    public Builder detail(String detail) {
      this.detail = requireNonNull(detail, "detail");
      return this;
    }

    public NodeOutput build() {
      return new NodeOutput(false, score, category, values, labels, findings, detail);
    }
  }
}
