package dev.bulwark.protocol.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * A function the model may call.
 *
 * @param name the tool's name
 * @param description what it does, or null
 * @param inputSchema the JSON Schema of its arguments (OpenAI {@code parameters}, Anthropic
 *     {@code input_schema})
 */
public record ToolDefinition(String name, @Nullable String description, JsonNode inputSchema) {
  public ToolDefinition {
    requireNonNull(name, "name");
    requireNonNull(inputSchema, "inputSchema");
  }
}
