package dev.bulwark.protocol.model;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A streamed chat response in canonical form. Decoders turn either protocol's SSE into these events;
 * encoders turn them into either protocol's SSE.
 *
 * <p>Order: one {@link MessageStart}; then per choice, blocks in sequence, each {@link BlockStart},
 * zero or more {@link BlockDelta}s (and {@link SignatureDelta}s for thinking), {@link BlockStop}; then
 * {@link ChoiceStop} per choice; {@link UsageUpdate}s whenever counts are known; finally {@link
 * MessageStop}, or {@link StreamError} if the stream broke. Block indexes count from 0 within each
 * choice and never repeat; blocks of one choice do not overlap.
 */
public sealed interface StreamEvent
    permits StreamEvent.MessageStart,
        StreamEvent.BlockStart,
        StreamEvent.BlockDelta,
        StreamEvent.SignatureDelta,
        StreamEvent.BlockStop,
        StreamEvent.ChoiceStop,
        StreamEvent.UsageUpdate,
        StreamEvent.Ping,
        StreamEvent.StreamError,
        StreamEvent.MessageStop {

  /** The response began. */
  record MessageStart(String id, String model, long created, Usage usage) implements StreamEvent {
    public MessageStart {
      requireNonNull(id, "id");
      requireNonNull(model, "model");
      requireNonNull(usage, "usage");
    }
  }

  /**
   * A content block began.
   *
   * @param toolId the tool call's id for {@link BlockType#TOOL_USE}, else null
   * @param toolName the tool's name for {@link BlockType#TOOL_USE}, else null
   * @param data the encrypted data of a {@link BlockType#REDACTED_THINKING} block, else null
   */
  record BlockStart(
      int choice,
      int block,
      BlockType type,
      @Nullable String toolId,
      @Nullable String toolName,
      @Nullable String data)
      implements StreamEvent {
    public BlockStart {
      requireNonNull(type, "type");
    }
  }

  /** More text of a block: answer text, thinking, or tool-call arguments (JSON text). */
  record BlockDelta(int choice, int block, BlockType type, String text) implements StreamEvent {
    public BlockDelta {
      requireNonNull(type, "type");
      requireNonNull(text, "text");
    }

    /** The same delta with other text (a prefix or suffix of this one, when releasing part of it). */
    public BlockDelta withText(String other) {
      return new BlockDelta(choice, block, type, other);
    }
  }

  /** Anthropic's signature over a thinking block; opaque, passed through. */
  record SignatureDelta(int choice, int block, String signature) implements StreamEvent {
    public SignatureDelta {
      requireNonNull(signature, "signature");
    }
  }

  /** A content block ended. */
  record BlockStop(int choice, int block) implements StreamEvent {}

  /** A choice ended. */
  record ChoiceStop(int choice, StopReason reason, @Nullable String stopSequence)
      implements StreamEvent {
    public ChoiceStop {
      requireNonNull(reason, "reason");
    }
  }

  /** Token counts so far (cumulative, not increments). */
  record UsageUpdate(Usage usage) implements StreamEvent {
    public UsageUpdate {
      requireNonNull(usage, "usage");
    }
  }

  /** A keep-alive. */
  record Ping() implements StreamEvent {}

  /**
   * The stream failed.
   *
   * @param type the error type in Anthropic's vocabulary ({@code api_error}, {@code overloaded_error},
   *     ...)
   * @param message a message safe to show the client
   */
  record StreamError(String type, String message) implements StreamEvent {
    public StreamError {
      requireNonNull(type, "type");
      requireNonNull(message, "message");
    }
  }

  /** The response ended normally. */
  record MessageStop() implements StreamEvent {}
}
