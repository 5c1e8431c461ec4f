package dev.bulwark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** The client protocol the generator speaks: the request it sends and what marks content and the end. */
public enum ApiShape {
  /** OpenAI Chat Completions: {@code POST /v1/chat/completions}. */
  OPENAI("/v1/chat/completions", "\"content\":", "[DONE]", "\"content_filter\""),
  /** Anthropic Messages: {@code POST /v1/messages}. */
  ANTHROPIC("/v1/messages", "\"text\":", "message_stop", "\"refusal\"");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String path;
  private final String contentField;
  private final String endMarker;
  private final String refusalMarker;

  ApiShape(String path, String contentField, String endMarker, String refusalMarker) {
    this.path = path;
    this.contentField = contentField;
    this.endMarker = endMarker;
    this.refusalMarker = refusalMarker;
  }

  /** The endpoint's path. */
  public String path() {
    return path;
  }

  String contentField() {
    return contentField;
  }

  String endMarker() {
    return endMarker;
  }

  String refusalMarker() {
    return refusalMarker;
  }

  /** The request body: one user message, streamed or not. */
  public byte[] requestBody(String model, String prompt, boolean stream, int maxTokens) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    body.put("max_tokens", maxTokens);
    body.put("stream", stream);
    ObjectNode message = body.putArray("messages").addObject();
    message.put("role", "user");
    message.put("content", prompt);
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
