package dev.bulwark.protocol.model;

/** The kind of a streamed content block. */
public enum BlockType {
  TEXT,
  THINKING,
  REDACTED_THINKING,
  TOOL_USE
}
