package dev.bulwark.protocol.model;

/**
 * Extended thinking requested by the client (Anthropic {@code thinking: {type: enabled,
 * budget_tokens}}).
 *
 * @param budgetTokens the most tokens the model may think for
 */
public record ThinkingConfig(int budgetTokens) {
  public ThinkingConfig {
    if (budgetTokens < 1) {
      throw new IllegalArgumentException("budgetTokens must be >= 1, was " + budgetTokens);
    }
  }
}
