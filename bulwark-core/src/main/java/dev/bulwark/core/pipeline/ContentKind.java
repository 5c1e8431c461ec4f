package dev.bulwark.core.pipeline;

/** The kind of content a streamed channel carries. Every kind is scored before it is released. */
public enum ContentKind {
  /** Ordinary answer text. */
  TEXT,
  /** Visible reasoning ("thinking" or {@code reasoning_content}). */
  THINKING,
  /** The name of a tool the model calls. */
  TOOL_NAME,
  /** The JSON arguments of a tool call, as streamed. */
  TOOL_ARGUMENTS;

  /** The lower-case name used in events. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
