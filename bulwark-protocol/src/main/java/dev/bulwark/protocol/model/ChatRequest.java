package dev.bulwark.protocol.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A chat request in canonical form.
 *
 * @param source the protocol the client spoke
 * @param model the client-facing model name
 * @param system system instructions (Anthropic {@code system}; OpenAI leading {@code system} and
 *     {@code developer} messages), as text parts; empty if none
 * @param messages the conversation, system messages excluded
 * @param tools the tools on offer
 * @param toolChoice the tool choice, or null for the provider's default
 * @param maxTokens the output token limit, or null (OpenAI) for the provider's default
 * @param temperature sampling temperature, or null
 * @param topP nucleus sampling, or null
 * @param stop stop sequences
 * @param stream whether the client asked for a stream
 * @param n number of choices (OpenAI {@code n}); 1 for Anthropic
 * @param includeUsage OpenAI {@code stream_options.include_usage}; Anthropic always reports usage
 * @param thinking extended thinking, or null
 * @param extra the source protocol's other top-level fields, passed through unchanged when the
 *     upstream speaks the same protocol and dropped otherwise
 */
public record ChatRequest(
    Protocol source,
    String model,
    List<ContentPart> system,
    List<Message> messages,
    List<ToolDefinition> tools,
    @Nullable ToolChoice toolChoice,
    @Nullable Integer maxTokens,
    @Nullable Double temperature,
    @Nullable Double topP,
    List<String> stop,
    boolean stream,
    int n,
    boolean includeUsage,
    @Nullable ThinkingConfig thinking,
    ObjectNode extra) {

  public ChatRequest {
    requireNonNull(source, "source");
    requireNonNull(model, "model");
    system = List.copyOf(system);
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
    stop = List.copyOf(stop);
    requireNonNull(extra, "extra");
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
  }

  /** This request with another model name (the upstream's name for the model). */
  public ChatRequest withModel(String upstreamModel) {
    return new ChatRequest(
        source, upstreamModel, system, messages, tools, toolChoice, maxTokens, temperature, topP,
        stop, stream, n, includeUsage, thinking, extra);
  }

  /** This request with usage reporting switched on (the gateway always wants token counts). */
  public ChatRequest withIncludeUsage(boolean include) {
    return new ChatRequest(
        source, model, system, messages, tools, toolChoice, maxTokens, temperature, topP, stop,
        stream, n, include, thinking, extra);
  }

  /** This request with extra system instructions appended (a prompt patch). */
  public ChatRequest withSystemAppended(String text) {
    List<ContentPart> s = new java.util.ArrayList<>(system);
    s.add(new ContentPart.Text(text));
    return new ChatRequest(
        source, model, s, messages, tools, toolChoice, maxTokens, temperature, topP, stop, stream,
        n, includeUsage, thinking, extra);
  }
}
