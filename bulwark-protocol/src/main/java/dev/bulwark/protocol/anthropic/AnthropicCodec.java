package dev.bulwark.protocol.anthropic;

import static java.util.Objects.requireNonNull;

import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.ProtocolCodec;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.StreamEncoder;
import dev.bulwark.protocol.internal.Json;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.Protocol;
import java.time.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The Anthropic Messages codec. Stateless and thread-safe.
 *
 * <h2>Requests</h2>
 *
 * <ul>
 *   <li>{@code system} (a string or text blocks) is {@link ChatRequest#system()}. Encoding writes the
 *       system parts and then the text of any SYSTEM messages (OpenAI system messages from later in
 *       a conversation): Anthropic has no system turn, so they are folded into the one system prompt,
 *       in order. One text is written as a string, several as text blocks.
 *   <li>A user turn's {@code tool_result} blocks become a TOOL message, and its other blocks a USER
 *       message after it. Encoding merges consecutive turns of one role (TOOL and USER both become
 *       {@code user}) so that roles alternate, puts tool results first within a user turn, and writes
 *       a turn of one plain text block as a string.
 *   <li>{@code tool_use.input} is serialized as the ToolUse's arguments. Encoding parses the
 *       arguments back: blank is {@code {}}, and text that is not a JSON object is sent as {@code
 *       {"_raw": text}} so the history keeps what the model really sent (see {@link ToolInputs}).
 *       Tool ids outside {@code [a-zA-Z0-9_-]} have those characters replaced by {@code _}, the same
 *       way for a call and its result.
 *   <li>Thinking without a signature (from an OpenAI-compatible server) is not sent, as Anthropic
 *       refuses unsigned thinking; empty text parts are not sent either. Images are {@code base64} or
 *       {@code url} sources; documents, search results and file sources are kept as {@link
 *       dev.bulwark.protocol.model.ContentPart.Opaque}, and reach only an Anthropic upstream.
 *   <li>{@code max_tokens} is required; encoding uses {@code defaultMaxTokens} when the request has
 *       no limit. Temperature is capped at 1 (OpenAI allows up to 2). {@code thinking: {type:
 *       enabled}} is {@link dev.bulwark.protocol.model.ThinkingConfig}; other thinking types are
 *       kept in {@code extra}. Server tools are refused: they run inside Anthropic where no safeguard
 *       sees them. {@code tool_choice} is written only with tools.
 *   <li>Other top-level fields ({@code metadata}, {@code top_k}, ...) are kept in {@link
 *       ChatRequest#extra()} and written back only for a request that came in as Anthropic. {@code
 *       cache_control} marks and citations on blocks are not kept, nor OpenAI's participant {@code
 *       name}, which Anthropic has no field for.
 * </ul>
 *
 * <h2>Responses and streams</h2>
 *
 * <p>Stop reasons map one to one ({@code model_context_window_exceeded} is MAX_TOKENS). Input tokens
 * include cache writes and reads. Only choice 0 of a response is written, OpenAI's refusal text
 * becomes the text when there is no other, and ids get the {@code msg_} prefix when they lack it.
 * Anthropic responses carry no timestamp, so {@code created} is read from the clock. See {@link
 * AnthropicStreamDecoder} and {@link AnthropicStreamEncoder} for streams.
 */
public final class AnthropicCodec implements ProtocolCodec {
  private final Clock clock;

  /** A codec that stamps parsed responses and streams with the time of {@code clock}. */
  public AnthropicCodec(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  public AnthropicCodec() {
    this(Clock.systemUTC());
  }

  @Override
  public Protocol protocol() {
    return Protocol.ANTHROPIC;
  }

  @Override
  public String path() {
    return "/v1/messages";
  }

  @Override
  public ChatRequest parseRequest(byte[] body) throws ProtocolException {
    return AnthropicRequests.parse(requireNonNull(body, "body"));
  }

  @Override
  public byte[] encodeRequest(ChatRequest request, int defaultMaxTokens) {
    requireNonNull(request, "request");
    if (request.maxTokens() == null && defaultMaxTokens < 1) {
      throw new IllegalArgumentException("defaultMaxTokens must be >= 1, was " + defaultMaxTokens);
    }
    return Json.bytes(AnthropicRequests.encode(request, defaultMaxTokens));
  }

  @Override
  public ChatResponse parseResponse(byte[] body) throws ProtocolException {
    return AnthropicResponses.parse(requireNonNull(body, "body"), clock.instant().getEpochSecond());
  }

  @Override
  public byte[] encodeResponse(ChatResponse response) {
    return Json.bytes(AnthropicResponses.encode(requireNonNull(response, "response")));
  }

  @Override
  public StreamDecoder newDecoder() {
    return new AnthropicStreamDecoder(() -> clock.instant().getEpochSecond());
  }

  @Override
  public StreamEncoder newEncoder(ChatRequest request) {
    requireNonNull(request, "request");
    return new AnthropicStreamEncoder();
  }

  @Override
  public byte[] errorBody(ErrorKind kind, String message, @Nullable String param) {
    requireNonNull(kind, "kind");
    requireNonNull(message, "message");
    return Json.bytes(AnthropicResponses.errorBody(kind, message, param));
  }

  @Override
  public @Nullable String parseErrorMessage(byte[] body) {
    return AnthropicResponses.errorMessage(Json.tryRead(requireNonNull(body, "body")));
  }
}
