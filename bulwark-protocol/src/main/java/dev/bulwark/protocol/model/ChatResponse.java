package dev.bulwark.protocol.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A whole (non-streamed) chat response in canonical form.
 *
 * @param id the provider's response id
 * @param model the model name as the provider reported it
 * @param created creation time, epoch seconds
 * @param choices one per choice; Anthropic has exactly one
 * @param usage token counts
 */
public record ChatResponse(
    String id, String model, long created, List<Choice> choices, Usage usage) {
  public ChatResponse {
    requireNonNull(id, "id");
    requireNonNull(model, "model");
    choices = List.copyOf(choices);
    requireNonNull(usage, "usage");
  }

  /**
   * One choice: its content parts (text, thinking, redacted thinking, tool use) and why it ended.
   *
   * @param refusal OpenAI's {@code message.refusal} text, or null
   */
  public record Choice(
      int index,
      List<ContentPart> content,
      @Nullable StopReason stopReason,
      @Nullable String stopSequence,
      @Nullable String refusal) {
    public Choice {
      content = List.copyOf(content);
    }
  }
}
