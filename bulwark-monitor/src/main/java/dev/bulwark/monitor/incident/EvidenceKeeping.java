package dev.bulwark.monitor.incident;

import static java.util.Objects.requireNonNull;

/**
 * Whether and how the monitor keeps the text of an exchange that opens or adds to an incident while
 * its findings point at a jailbreak (see {@link IncidentExchanges}). The outbox text is deleted when
 * the monitor acknowledges the exchange, so this is the one chance to keep it; rapid response turns
 * such incidents into reports.
 *
 * <p>Only text that went through {@link #redaction()} is written, cut to {@link #maxPromptChars()}
 * (the newest turns first) and {@link #maxCompletionChars()}. The whole text is redacted before it is
 * cut, so a cut never leaves half an address unmasked. A monitor built without an {@code
 * EvidenceKeeping} keeps no text at all, and records that it did not.
 *
 * @param redaction masks personal data and secrets; must be thread-safe (analysis runs in parallel)
 * @param maxPromptChars the most prompt characters kept per exchange, at least 256
 * @param maxCompletionChars the most completion characters kept per exchange, 0 for none
 */
public record EvidenceKeeping(Redaction redaction, int maxPromptChars, int maxCompletionChars) {
  /** The default prompt budget per exchange. */
  public static final int DEFAULT_PROMPT_CHARS = 16_000;

  /** The default completion budget per exchange. */
  public static final int DEFAULT_COMPLETION_CHARS = 4_000;

  /** Masks personal data and secrets in a text (rapid response's {@code Redactor::redact}). */
  @FunctionalInterface
  public interface Redaction {
    String redact(String text);
  }

  public EvidenceKeeping {
    requireNonNull(redaction, "redaction");
    if (maxPromptChars < 256 || maxPromptChars > 1_000_000) {
      throw new IllegalArgumentException("maxPromptChars must be between 256 and 1000000, was " + maxPromptChars);
    }
    if (maxCompletionChars < 0 || maxCompletionChars > 1_000_000) {
      throw new IllegalArgumentException("maxCompletionChars must be between 0 and 1000000, was " + maxCompletionChars);
    }
  }

  /** Keeps text redacted by {@code redaction}, with the default budgets. */
  public static EvidenceKeeping redactedBy(Redaction redaction) {
    return new EvidenceKeeping(redaction, DEFAULT_PROMPT_CHARS, DEFAULT_COMPLETION_CHARS);
  }
}
