package dev.bulwark.protocol.model;

/** The author of a message in a request. */
public enum MessageRole {
  /** System or developer instructions (OpenAI {@code system}/{@code developer}; Anthropic {@code system}). */
  SYSTEM,
  USER,
  ASSISTANT,
  /** A tool result (OpenAI {@code tool} messages; Anthropic {@code tool_result} blocks in a user turn). */
  TOOL
}
