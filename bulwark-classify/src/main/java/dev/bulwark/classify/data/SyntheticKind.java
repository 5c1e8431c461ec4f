package dev.bulwark.classify.data;

import java.util.Optional;

/**
 * The kinds of examples {@link SyntheticGenerator} makes; an example's source is {@code
 * synthetic:<id>}. Base kinds come from the constitution alone; derived kinds transform a pool of
 * prompts (data rows and base examples) and jailbreak templates.
 */
public enum SyntheticKind {
  /** Disallowed CBRN requests: intent x target x register x framing x persona. Harmful. */
  CBRN_REQUEST("cbrn-request", true, 6000),
  /** Allowed requests about the same targets (history, policy, medicine, safety, defense). Benign. */
  CBRN_ALLOWED("cbrn-allowed", true, 5000),
  /** {@code harmful.other} goals through the same registers, so that the register is no signal. */
  OTHER_REQUEST("other-request", true, 3000),
  /** Everyday requests with alarming words ("kill a zombie process"). Benign. */
  BENIGN_ALARMING("benign-alarming", true, 2500),
  /**
   * Short everyday requests (greetings, advice, coding, trivia, questions about the assistant) and
   * questions with alarming words in allowed framings (history, safety, medicine, pests, games). Benign.
   */
  BENIGN_EVERYDAY("benign-everyday", true, 3000),
  /** Chemistry, biology and physics homework. Benign. */
  SCIENCE_HOMEWORK("science-homework", true, 1500),
  /**
   * The constitution's benign prompts with helpful answers that open like compliance ("Sure, here is
   * how to kill a process: ..."). Benign completions.
   */
  BENIGN_COMPLIANT("benign-compliant", true, 500),
  /** Jailbreak templates, wrappers and many-shot transcripts around harmful payloads. */
  JAILBREAK_HARMFUL("jailbreak-harmful", false, 3000),
  /** The same around benign payloads: the jailbreak target only. */
  JAILBREAK_BENIGN("jailbreak-benign", false, 2000),
  /** Encoded harmful requests: the payload's harm targets (plus jailbreak when also wrapped). */
  ENCODED_HARMFUL("encoded-harmful", false, 1500),
  /** Encoded benign requests: benign (jailbreak only when also wrapped). */
  ENCODED_BENIGN("encoded-benign", false, 1500),
  /** Typos and odd casing on harmful and benign prompts; the label is kept. */
  NOISY("noisy", false, 2000),
  /** Harmful prompts with refusals, partial refusals and benign continuations. Benign completions. */
  COMPLETION_REFUSAL("completion-refusal", false, 2500),
  /** Harmful prompts with a compliant opening and a redacted body. Harmful completions. */
  COMPLETION_COMPLIANCE("completion-compliance", false, 1500),
  /**
   * Benign prompts from the pool with a compliance-shaped opening and the same redacted bodies as
   * {@link #COMPLETION_COMPLIANCE}, or with a general answer to an allowed CBRN question. Benign.
   */
  COMPLETION_BENIGN("completion-benign", false, 1500);

  private final String id;
  private final boolean base;
  private final int defaultCount;

  SyntheticKind(String id, boolean base, int defaultCount) {
    this.id = id;
    this.base = base;
    this.defaultCount = defaultCount;
  }

  /** The kind's id, e.g. {@code cbrn-request}. */
  public String id() {
    return id;
  }

  /** The source its examples carry: {@code synthetic:<id>}. */
  public String source() {
    return "synthetic:" + id;
  }

  /** Whether it is made from the constitution alone (else from a pool of prompts). */
  public boolean base() {
    return base;
  }

  /** The count in {@link GeneratorSpec#defaults()}. */
  public int defaultCount() {
    return defaultCount;
  }

  /** The kind with this id. */
  public static Optional<SyntheticKind> byId(String id) {
    for (SyntheticKind k : values()) {
      if (k.id.equals(id)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
