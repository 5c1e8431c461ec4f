package dev.bulwark.core.pipeline;

/** Who wrote a turn of a conversation. */
public enum Role {
  /** System or developer instructions, and tool definitions. */
  SYSTEM,
  USER,
  ASSISTANT,
  /** A tool's result, fed back to the model: a path for indirect prompt injection. */
  TOOL
}
