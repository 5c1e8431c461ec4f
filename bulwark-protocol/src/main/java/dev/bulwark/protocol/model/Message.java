package dev.bulwark.protocol.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One message of a request.
 *
 * @param role the author
 * @param content the parts, in order
 * @param name OpenAI's optional participant name, or null
 */
public record Message(MessageRole role, List<ContentPart> content, @Nullable String name) {
  public Message {
    requireNonNull(role, "role");
    content = List.copyOf(content);
  }

  /** A message of one text part. */
  public static Message text(MessageRole role, String text) {
    return new Message(role, List.of(new ContentPart.Text(text)), null);
  }
}
