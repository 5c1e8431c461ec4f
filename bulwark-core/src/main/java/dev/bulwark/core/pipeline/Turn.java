package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

/** The text of one turn of a conversation, whatever protocol it came in. */
public record Turn(Role role, String text) {
  public Turn {
    requireNonNull(role, "role");
    requireNonNull(text, "text");
  }
}
