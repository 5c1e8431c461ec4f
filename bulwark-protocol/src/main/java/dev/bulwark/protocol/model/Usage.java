package dev.bulwark.protocol.model;

/**
 * Token counts.
 *
 * @param inputTokens prompt tokens (OpenAI {@code prompt_tokens}, Anthropic {@code input_tokens})
 * @param outputTokens completion tokens (OpenAI {@code completion_tokens}, Anthropic {@code
 *     output_tokens})
 */
public record Usage(int inputTokens, int outputTokens) {
  /** Nothing counted yet. */
  public static final Usage ZERO = new Usage(0, 0);

  public Usage {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0");
    }
  }

  public int totalTokens() {
    return inputTokens + outputTokens;
  }
}
