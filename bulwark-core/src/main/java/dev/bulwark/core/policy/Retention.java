package dev.bulwark.core.policy;

/** What the decision record keeps of prompts and completions. */
public enum Retention {
  /** Only SHA-256 digests of the text (the default): enough to match, not to read. */
  HASHES,
  /** The full text, for tiers whose agreement allows it. */
  FULL
}
