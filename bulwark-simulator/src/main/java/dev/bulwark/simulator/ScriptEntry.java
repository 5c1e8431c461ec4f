package dev.bulwark.simulator;

import static java.util.Objects.requireNonNull;

import dev.bulwark.protocol.model.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One scripted response: when it applies (a prompt match) and what the simulated model answers.
 * Immutable; build one with {@link #builder()}.
 *
 * <p>The prompt it is matched against is the text of the request's last user message. An entry with
 * neither {@code match} nor {@code regex} matches every prompt. An entry with no {@code text} and
 * no tool calls echoes the prompt, so a scripted delay, fault or thinking block can still be
 * combined with the default echo.
 */
public final class ScriptEntry {
  private final @Nullable String match;
  private final @Nullable String matchLower;
  private final @Nullable Pattern regex;
  private final @Nullable String text;
  private final @Nullable String thinking;
  private final List<ToolCall> toolCalls;
  private final @Nullable StopReason stopReason;
  private final @Nullable Duration ttft;
  private final @Nullable Double tokensPerSecond;
  private final @Nullable Integer chunkTokens;
  private final @Nullable Integer inputTokens;
  private final @Nullable Integer outputTokens;
  private final @Nullable Integer status;
  private final @Nullable String errorMessage;
  private final Duration delay;
  private final @Nullable Fault fault;

  private ScriptEntry(Builder b) {
    this.match = b.match;
    this.matchLower = b.match == null ? null : b.match.toLowerCase(Locale.ROOT);
    this.regex = b.regex;
    this.text = b.text;
    this.thinking = b.thinking;
    this.toolCalls = List.copyOf(b.toolCalls);
    this.stopReason = b.stopReason;
    this.ttft = b.ttft;
    this.tokensPerSecond = b.tokensPerSecond;
    this.chunkTokens = b.chunkTokens;
    this.inputTokens = b.inputTokens;
    this.outputTokens = b.outputTokens;
    this.status = b.status;
    this.errorMessage = b.errorMessage;
    this.delay = b.delay;
    this.fault = b.fault;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether this entry applies to a prompt.
   *
   * @param prompt the last user message's text
   * @param promptLower the same text lower-cased with {@link Locale#ROOT}, computed once per
   *     request
   */
  boolean matches(String prompt, String promptLower) {
    if (matchLower != null) {
      return promptLower.contains(matchLower);
    }
    if (regex != null) {
      return regex.matcher(prompt).find();
    }
    return true;
  }

  /** Case-insensitive substring to look for in the prompt, or null. */
  public @Nullable String match() {
    return match;
  }

  /** A pattern to find in the prompt, or null. */
  public @Nullable Pattern regex() {
    return regex;
  }

  /** The answer text, or null to echo the prompt (or to answer with tool calls only). */
  public @Nullable String text() {
    return text;
  }

  /** Reasoning emitted as a thinking block before the text, or null. */
  public @Nullable String thinking() {
    return thinking;
  }

  public List<ToolCall> toolCalls() {
    return toolCalls;
  }

  /**
   * The stop reason, or null for the default (tool use when there are tool calls, else end turn).
   */
  public @Nullable StopReason stopReason() {
    return stopReason;
  }

  /** Time to first token, or null for the simulator's default. */
  public @Nullable Duration ttft() {
    return ttft;
  }

  /** Output rate, or null for the simulator's default; 0 is as fast as possible. */
  public @Nullable Double tokensPerSecond() {
    return tokensPerSecond;
  }

  /** Tokens per stream event, or null for the simulator's default. */
  public @Nullable Integer chunkTokens() {
    return chunkTokens;
  }

  /** Reported input tokens, or null to count the prompt's words. */
  public @Nullable Integer inputTokens() {
    return inputTokens;
  }

  /** Reported output tokens, or null to count the tokens emitted. */
  public @Nullable Integer outputTokens() {
    return outputTokens;
  }

  /** An HTTP error status to answer with instead of a completion, or null. */
  public @Nullable Integer status() {
    return status;
  }

  /** The error's message when {@link #status()} is set. */
  public @Nullable String errorMessage() {
    return errorMessage;
  }

  /** How long to wait before sending anything (headers included); zero by default. */
  public Duration delay() {
    return delay;
  }

  public @Nullable Fault fault() {
    return fault;
  }

  @Override
  public String toString() {
    String when = match != null ? "match=" + match : regex != null ? "regex=" + regex : "any";
    return "ScriptEntry{" + when + (status != null ? ", status=" + status : "") + "}";
  }

  /** Builds a {@link ScriptEntry}; every setter validates its argument and refuses a second set. */
  public static final class Builder {
    private @Nullable String match;
    private @Nullable Pattern regex;
    private @Nullable String text;
    private @Nullable String thinking;
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private @Nullable StopReason stopReason;
    private @Nullable Duration ttft;
    private @Nullable Double tokensPerSecond;
    private @Nullable Integer chunkTokens;
    private @Nullable Integer inputTokens;
    private @Nullable Integer outputTokens;
    private @Nullable Integer status;
    private @Nullable String errorMessage;
    private Duration delay = Duration.ZERO;
    private boolean delaySet;
    private @Nullable Fault fault;

    private Builder() {}

    /** Applies when the prompt contains {@code substring}, ignoring case. */
    public Builder match(String substring) {
      requireNonNull(substring, "match");
      ensureUnset("match", match);
      if (regex != null) {
        throw new IllegalStateException("match and regex are exclusive; regex is " + regex);
      }
      this.match = substring;
      return this;
    }

    /** Applies when {@code pattern} is found in the prompt (use {@code (?i)} to ignore case). */
    public Builder regex(String pattern) {
      requireNonNull(pattern, "regex");
      return regex(Pattern.compile(pattern));
    }

    public Builder regex(Pattern pattern) {
      requireNonNull(pattern, "regex");
      ensureUnset("regex", regex);
      if (match != null) {
        throw new IllegalStateException("match and regex are exclusive; match is '" + match + "'");
      }
      this.regex = pattern;
      return this;
    }

    public Builder text(String text) {
      requireNonNull(text, "text");
      ensureUnset("text", this.text);
      this.text = text;
      return this;
    }

    public Builder thinking(String thinking) {
      requireNonNull(thinking, "thinking");
      ensureUnset("thinking", this.thinking);
      this.thinking = thinking;
      return this;
    }

    /** Adds a tool call; calls are made in the order added. */
    public Builder toolCall(String name, String argumentsJson) {
      toolCalls.add(new ToolCall(name, argumentsJson));
      return this;
    }

    public Builder toolCall(ToolCall call) {
      toolCalls.add(requireNonNull(call, "toolCall"));
      return this;
    }

    public Builder stopReason(StopReason reason) {
      requireNonNull(reason, "stopReason");
      ensureUnset("stopReason", stopReason);
      this.stopReason = reason;
      return this;
    }

    public Builder ttft(Duration ttft) {
      requireNonNull(ttft, "ttft");
      ensureUnset("ttft", this.ttft);
      this.ttft = SimulatorConfig.checkDuration("ttft", ttft);
      return this;
    }

    public Builder tokensPerSecond(double rate) {
      ensureUnset("tokensPerSecond", tokensPerSecond);
      this.tokensPerSecond = SimulatorConfig.checkRate(rate);
      return this;
    }

    public Builder chunkTokens(int tokens) {
      ensureUnset("chunkTokens", chunkTokens);
      this.chunkTokens = SimulatorConfig.checkChunkTokens(tokens);
      return this;
    }

    public Builder inputTokens(int tokens) {
      ensureUnset("inputTokens", inputTokens);
      if (tokens < 0) {
        throw new IllegalArgumentException("inputTokens must be >= 0, was " + tokens);
      }
      this.inputTokens = tokens;
      return this;
    }

    public Builder outputTokens(int tokens) {
      ensureUnset("outputTokens", outputTokens);
      if (tokens < 0) {
        throw new IllegalArgumentException("outputTokens must be >= 0, was " + tokens);
      }
      this.outputTokens = tokens;
      return this;
    }

    /** Answers with this HTTP error status (400-599) and the protocol's error body. */
    public Builder status(int status) {
      ensureUnset("status", this.status);
      if (status < 400 || status > 599) {
        throw new IllegalArgumentException(
            "status must be an error status, 400-599, was " + status);
      }
      this.status = status;
      return this;
    }

    public Builder errorMessage(String message) {
      requireNonNull(message, "errorMessage");
      ensureUnset("errorMessage", errorMessage);
      this.errorMessage = message;
      return this;
    }

    /** Waits this long before sending anything, headers included. */
    public Builder delay(Duration delay) {
      requireNonNull(delay, "delay");
      if (delaySet) {
        throw new IllegalStateException("delay was already set to " + this.delay);
      }
      this.delay = SimulatorConfig.checkDuration("delay", delay);
      this.delaySet = true;
      return this;
    }

    public Builder fault(Fault fault) {
      requireNonNull(fault, "fault");
      ensureUnset("fault", this.fault);
      this.fault = fault;
      return this;
    }

    public ScriptEntry build() {
      if (errorMessage != null && status == null) {
        throw new IllegalStateException("errorMessage is set but status is not");
      }
      if (status != null) {
        // An error entry answers with an error body only; anything else would be silently unused.
        if (text != null || thinking != null || !toolCalls.isEmpty()) {
          throw new IllegalStateException(
              "status "
                  + status
                  + " answers with an error; text, thinking and tool calls are not"
                  + " allowed with it");
        }
        if (fault != null) {
          throw new IllegalStateException(
              "status "
                  + status
                  + " answers with an error; a fault is not allowed with it (a delay is)");
        }
      }
      if (thinking != null && thinking.isEmpty()) {
        throw new IllegalStateException("thinking must not be empty; leave it out instead");
      }
      return new ScriptEntry(this);
    }

    private static void ensureUnset(String field, @Nullable Object current) {
      if (current != null) {
        throw new IllegalStateException(field + " was already set to " + current);
      }
    }
  }
}
