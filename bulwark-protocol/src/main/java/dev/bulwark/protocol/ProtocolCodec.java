package dev.bulwark.protocol;

import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.Protocol;
import org.jspecify.annotations.Nullable;

/**
 * One protocol's wire format, both as a server (parsing client requests, encoding responses for
 * clients) and as a client (encoding upstream requests, parsing upstream responses). Stateless and
 * thread-safe; streams get their own {@link StreamDecoder} and {@link StreamEncoder}.
 */
public interface ProtocolCodec {
  /** The protocol this codec speaks. */
  Protocol protocol();

  /** The request path, {@code /v1/chat/completions} or {@code /v1/messages}. */
  String path();

  /**
   * Parses and validates a client's request body (UTF-8 JSON).
   *
   * @throws ProtocolException naming the first invalid field
   */
  ChatRequest parseRequest(byte[] body) throws ProtocolException;

  /**
   * Encodes a request for an upstream that speaks this protocol. Fields of {@link ChatRequest#extra()}
   * are written only when the request came in this same protocol.
   *
   * @param defaultMaxTokens the output limit to send when the request has none and the protocol
   *     requires one (Anthropic)
   */
  byte[] encodeRequest(ChatRequest request, int defaultMaxTokens);

  /**
   * Parses an upstream's whole response body.
   *
   * @throws ProtocolException if it is not a valid response of this protocol
   */
  ChatResponse parseResponse(byte[] body) throws ProtocolException;

  /** Encodes a whole response for a client. */
  byte[] encodeResponse(ChatResponse response);

  /** A decoder for one upstream stream. */
  StreamDecoder newDecoder();

  /**
   * An encoder for one client stream.
   *
   * @param request the client's request (for {@code n} and {@code stream_options.include_usage})
   */
  StreamEncoder newEncoder(ChatRequest request);

  /** The protocol's error body for a client. */
  byte[] errorBody(ErrorKind kind, String message, @Nullable String param);

  /**
   * Parses an upstream's error body into a message safe to pass on, or null if it is not this
   * protocol's error shape.
   */
  @Nullable String parseErrorMessage(byte[] body);
}
