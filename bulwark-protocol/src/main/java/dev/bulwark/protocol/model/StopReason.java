package dev.bulwark.protocol.model;

/**
 * Why a choice ended. Mapping: OpenAI {@code stop} = END_TURN or STOP_SEQUENCE, {@code length} =
 * MAX_TOKENS, {@code tool_calls} = TOOL_USE, {@code content_filter} = REFUSAL; Anthropic {@code
 * end_turn}, {@code max_tokens}, {@code stop_sequence}, {@code tool_use}, {@code refusal}, {@code
 * pause_turn} map one to one.
 */
public enum StopReason {
  END_TURN,
  MAX_TOKENS,
  STOP_SEQUENCE,
  TOOL_USE,
  /** A safeguard stopped the output (OpenAI {@code content_filter}, Anthropic {@code refusal}). */
  REFUSAL,
  PAUSE_TURN
}
