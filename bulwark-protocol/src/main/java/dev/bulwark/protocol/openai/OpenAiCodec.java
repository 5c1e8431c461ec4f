package dev.bulwark.protocol.openai;

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
 * The OpenAI Chat Completions codec. Stateless and thread-safe.
 *
 * <h2>Requests</h2>
 *
 * <ul>
 *   <li>Leading {@code system} and {@code developer} messages become {@link ChatRequest#system()};
 *       later ones stay in place as SYSTEM messages (the Anthropic codec folds them into its system
 *       prompt). Encoding writes one {@code system} message per system text part ({@code developer}
 *       is not written: every compatible server knows {@code system}, and OpenAI treats it as
 *       developer instructions for its reasoning models).
 *   <li>{@code tool} messages become TOOL messages of one ToolResult each; assistant {@code
 *       tool_calls} become ToolUse parts (after any {@code reasoning_content}, as Thinking, and
 *       text). An assistant {@code refusal} (field or part) is kept as text. Encoding writes one
 *       {@code tool} message per ToolResult, in order and ahead of the rest of its message, with its
 *       text only; thinking, redacted thinking and images are not written into an assistant message.
 *   <li>Images: {@code image_url} with an http(s) URL, or a {@code data:<type>;base64,} URL for
 *       inline data (its {@code detail} is not kept); {@code input_audio} and {@code file} parts are
 *       kept as {@link dev.bulwark.protocol.model.ContentPart.Opaque} and only reach an OpenAI
 *       upstream.
 *   <li>{@code max_completion_tokens} is preferred to the older {@code max_tokens}; encoding always
 *       writes {@code max_completion_tokens}, and none when the request has no limit. {@code
 *       parallel_tool_calls: false} is {@link dev.bulwark.protocol.model.ToolChoice#disableParallel()}
 *       (with mode AUTO when there is no {@code tool_choice}). {@code tool_choice} and {@code
 *       parallel_tool_calls} are written only with tools. A function's {@code strict} flag is
 *       validated but not kept.
 *   <li>A streaming upstream request always asks for {@code stream_options.include_usage}: the
 *       gateway needs token counts whatever the client asked; {@link ChatRequest#includeUsage()}
 *       decides only what the client's {@link StreamEncoder} sends.
 *   <li>Other top-level fields ({@code response_format}, {@code seed}, {@code user}, ...) are kept in
 *       {@link ChatRequest#extra()} and written back only for a request that came in as OpenAI.
 *       Anthropic's {@link dev.bulwark.protocol.model.ThinkingConfig} has no OpenAI form and is not
 *       written.
 * </ul>
 *
 * <h2>Responses and streams</h2>
 *
 * <p>{@code finish_reason} {@code stop} is END_TURN (or STOP_SEQUENCE where vLLM names the matched
 * {@code stop_reason}), {@code length} MAX_TOKENS, {@code tool_calls} TOOL_USE, {@code content_filter}
 * REFUSAL; encoding writes END_TURN, STOP_SEQUENCE and PAUSE_TURN as {@code stop}. {@code
 * reasoning_content} (or {@code reasoning}) is Thinking. A REFUSAL is written as {@code
 * content_filter}, with {@code message.refusal} when the choice has refusal text and {@code content:
 * null} when it has no text. Text parts of one choice are concatenated. Response ids get the {@code
 * chatcmpl-} prefix when they lack it. See {@link OpenAiStreamDecoder} and {@link
 * OpenAiStreamEncoder} for streams.
 */
public final class OpenAiCodec implements ProtocolCodec {
  private final Clock clock;

  /** A codec that reads the time, for responses that lack {@code created}, from {@code clock}. */
  public OpenAiCodec(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  public OpenAiCodec() {
    this(Clock.systemUTC());
  }

  @Override
  public Protocol protocol() {
    return Protocol.OPENAI;
  }

  @Override
  public String path() {
    return "/v1/chat/completions";
  }

  @Override
  public ChatRequest parseRequest(byte[] body) throws ProtocolException {
    return OpenAiRequests.parse(requireNonNull(body, "body"));
  }

  @Override
  public byte[] encodeRequest(ChatRequest request, int defaultMaxTokens) {
    // OpenAI needs no output limit, so defaultMaxTokens is not used.
    return Json.bytes(OpenAiRequests.encode(requireNonNull(request, "request")));
  }

  @Override
  public ChatResponse parseResponse(byte[] body) throws ProtocolException {
    return OpenAiResponses.parse(requireNonNull(body, "body"), clock.instant().getEpochSecond());
  }

  @Override
  public byte[] encodeResponse(ChatResponse response) {
    return Json.bytes(OpenAiResponses.encode(requireNonNull(response, "response")));
  }

  @Override
  public StreamDecoder newDecoder() {
    return new OpenAiStreamDecoder(() -> clock.instant().getEpochSecond());
  }

  @Override
  public StreamEncoder newEncoder(ChatRequest request) {
    requireNonNull(request, "request");
    return new OpenAiStreamEncoder(request.n(), request.includeUsage());
  }

  @Override
  public byte[] errorBody(ErrorKind kind, String message, @Nullable String param) {
    requireNonNull(kind, "kind");
    requireNonNull(message, "message");
    return Json.bytes(OpenAiResponses.errorBody(kind, message, param));
  }

  @Override
  public @Nullable String parseErrorMessage(byte[] body) {
    return OpenAiResponses.errorMessage(Json.tryRead(requireNonNull(body, "body")));
  }
}
