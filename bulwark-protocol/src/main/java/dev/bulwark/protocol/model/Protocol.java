package dev.bulwark.protocol.model;

/** A wire protocol a client or an upstream speaks. */
public enum Protocol {
  /** OpenAI Chat Completions ({@code POST /v1/chat/completions}) and compatible servers. */
  OPENAI,
  /** Anthropic Messages ({@code POST /v1/messages}). */
  ANTHROPIC;

  /** The lower-case name used in configuration and events. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
