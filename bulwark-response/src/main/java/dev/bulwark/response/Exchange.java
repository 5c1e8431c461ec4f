package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One example exchange of an attack: a prompt (a single user turn, or a multi-turn conversation) and
 * the completion the model gave, when there is one.
 */
public record Exchange(List<Turn> prompt, @Nullable String completion) {
  public Exchange {
    prompt = List.copyOf(prompt);
    if (prompt.isEmpty()) {
      throw new IllegalArgumentException("an exchange needs at least one prompt turn");
    }
  }

  /** A single user turn with no completion. */
  public static Exchange ofText(String text) {
    return new Exchange(List.of(new Turn(Role.USER, requireNonNull(text, "text"))), null);
  }

  /** The prompt's turns joined by blank lines. */
  public String promptText() {
    return prompt.stream().map(Turn::text).collect(Collectors.joining("\n\n"));
  }

  /** The last user turn's text (the attack message), or the last turn's when no turn is the user's. */
  public String lastUserText() {
    for (int i = prompt.size() - 1; i >= 0; i--) {
      if (prompt.get(i).role() == Role.USER) {
        return prompt.get(i).text();
      }
    }
    return prompt.get(prompt.size() - 1).text();
  }

  /** The prompt as the pipeline reads it. */
  public Conversation conversation(String model) {
    return new Conversation(model, prompt, 0);
  }

  /** This exchange's prompt with a new last user turn (the rest of the conversation kept). */
  public Exchange withLastUserText(String text) {
    java.util.ArrayList<Turn> turns = new java.util.ArrayList<>(prompt);
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (turns.get(i).role() == Role.USER) {
        turns.set(i, new Turn(Role.USER, text));
        return new Exchange(turns, completion);
      }
    }
    turns.add(new Turn(Role.USER, text));
    return new Exchange(turns, completion);
  }
}
