package dev.bulwark.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A finished completion, as its channels' full texts, in the order the channels started. */
public record Completion(List<Part> parts) {
  public Completion {
    parts = List.copyOf(parts);
  }

  /** The full text of one channel. */
  public record Part(Channel channel, String text) {
    public Part {
      requireNonNull(channel, "channel");
      requireNonNull(text, "text");
    }
  }
}
