package dev.bulwark.protocol.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.internal.Json;

/** Tool arguments as Anthropic's {@code input} object. */
final class ToolInputs {
  /** The key under which arguments that are not a JSON object are kept, as their exact text. */
  static final String RAW_KEY = "_raw";

  private ToolInputs() {}

  /**
   * The arguments text as an object. Blank text (a call without arguments) is {@code {}}. Text that
   * is not a JSON object (a model's malformed arguments, which OpenAI passes on as they are) is
   * wrapped as {@code {"_raw": text}} rather than replaced by {@code {}}: the history then still
   * shows the model what it actually sent, which is what its tool's error result refers to.
   */
  static ObjectNode toObject(String arguments) {
    if (arguments.isBlank()) {
      return Json.object();
    }
    JsonNode node = Json.tryRead(arguments);
    if (node != null && node.isObject()) {
      return (ObjectNode) node;
    }
    return Json.object().put(RAW_KEY, arguments);
  }
}
