package dev.bulwark.protocol.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Whether and which tool the model must call.
 *
 * @param mode auto, none, any (OpenAI {@code required}) or a named tool
 * @param toolName the tool for {@link Mode#TOOL}, else null
 * @param disableParallel Anthropic {@code disable_parallel_tool_use} / OpenAI {@code
 *     parallel_tool_calls: false}
 */
public record ToolChoice(Mode mode, @Nullable String toolName, boolean disableParallel) {
  public ToolChoice {
    requireNonNull(mode, "mode");
    if ((mode == Mode.TOOL) != (toolName != null)) {
      throw new IllegalArgumentException("a tool name is given exactly when the mode is TOOL");
    }
  }

  /** The modes of tool choice. */
  public enum Mode {
    AUTO,
    NONE,
    ANY,
    TOOL
  }
}
