package dev.bulwark.classify.data;

/** What an example asks a classifier to judge. */
public enum ExampleKind {
  /** A prompt (single text or a multi-turn conversation). */
  PROMPT,
  /** A completion, judged in the context of its prompt. */
  COMPLETION
}
