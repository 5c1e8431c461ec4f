package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

/**
 * Something an analyzer judged suspicious about an exchange. Findings feed the account's risk score
 * (weighted by severity) and are stored with the run.
 *
 * @param category what kind of misuse: a classifier category id ({@code cbrn.chemical}) or an
 *     analyzer's own ({@code judge.failure}, {@code probing.refusal_streak})
 * @param severity how serious
 * @param score the analyzer's confidence, in [0, 1]
 * @param summary one line for analysts; never the exchange's text
 */
public record Finding(String category, Severity severity, double score, String summary) {
  public Finding {
    requireNonNull(category, "category");
    requireNonNull(severity, "severity");
    requireNonNull(summary, "summary");
    if (!(score >= 0.0 && score <= 1.0)) {
      throw new IllegalArgumentException("finding score must be in [0, 1], was " + score);
    }
  }
}
