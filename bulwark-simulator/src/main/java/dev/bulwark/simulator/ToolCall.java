package dev.bulwark.simulator;

import static java.util.Objects.requireNonNull;

import dev.bulwark.simulator.internal.Json;

/**
 * A tool call a scripted response makes.
 *
 * @param name the tool's name
 * @param arguments the arguments as JSON text; streamed to the client in several argument deltas
 */
public record ToolCall(String name, String arguments) {
  public ToolCall {
    requireNonNull(name, "name");
    requireNonNull(arguments, "arguments");
    if (name.isBlank()) {
      throw new IllegalArgumentException("tool call name must not be blank");
    }
    // Checked here, not at answer time, so that a bad script stops start-up instead of sending
    // clients arguments they cannot parse (the malformed fault exists for that).
    String problem = Json.syntaxProblem(arguments);
    if (problem != null) {
      throw new IllegalArgumentException("tool call arguments must be JSON text: " + problem);
    }
  }
}
