package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The text a prompt stage reads: every turn of the request in order, normalized from whichever client
 * protocol it arrived in.
 *
 * @param model the client-facing model name
 * @param turns the turns with text (system prompt, tool definitions and tool results included)
 * @param unreadableParts how many parts carried no text a stage can read (images, documents), so that
 *     stages can record the content as partly skipped
 */
public record Conversation(String model, List<Turn> turns, int unreadableParts) {
  public Conversation {
    requireNonNull(model, "model");
    turns = List.copyOf(turns);
    if (unreadableParts < 0) {
      throw new IllegalArgumentException("unreadableParts must be >= 0, was " + unreadableParts);
    }
  }

  /** A conversation of one user turn. */
  public static Conversation ofUser(String model, String text) {
    return new Conversation(model, List.of(new Turn(Role.USER, text)), 0);
  }

  /** Total characters over all turns. */
  public long length() {
    long n = 0;
    for (Turn t : turns) {
      n += t.text().length();
    }
    return n;
  }
}
