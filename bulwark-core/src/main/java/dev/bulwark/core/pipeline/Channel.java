package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * One stream of text inside a completion: a content block of one choice.
 *
 * @param choice the choice index (OpenAI {@code n}); 0 for protocols with one choice
 * @param block the content block's index within its choice
 * @param kind what the block carries
 */
public record Channel(int choice, int block, ContentKind kind) {
  public Channel {
    requireNonNull(kind, "kind");
    if (choice < 0 || block < 0) {
      throw new IllegalArgumentException("choice and block must be >= 0, were " + choice + ", " + block);
    }
  }
}
