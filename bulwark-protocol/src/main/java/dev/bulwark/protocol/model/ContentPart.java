package dev.bulwark.protocol.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One part of a message's content. */
public sealed interface ContentPart
    permits ContentPart.Text,
        ContentPart.Image,
        ContentPart.ToolUse,
        ContentPart.ToolResult,
        ContentPart.Thinking,
        ContentPart.RedactedThinking,
        ContentPart.Opaque {

  /** Plain text. */
  record Text(String text) implements ContentPart {
    public Text {
      requireNonNull(text, "text");
    }
  }

  /**
   * An image, either by URL or inline base64 data.
   *
   * @param url an http(s) URL, or null when the data is inline
   * @param mediaType the media type of inline data (e.g. {@code image/png}), or null
   * @param base64 the inline data, or null
   */
  record Image(@Nullable String url, @Nullable String mediaType, @Nullable String base64)
      implements ContentPart {
    public Image {
      if ((url == null) == (base64 == null)) {
        throw new IllegalArgumentException("an image has exactly one of url and base64 data");
      }
    }
  }

  /**
   * A tool call made by the assistant.
   *
   * @param id the call's id, which the tool result refers to
   * @param name the tool's name
   * @param arguments the arguments as JSON text, exactly as the model produced them (OpenAI sends a
   *     string; Anthropic an object, serialized here)
   */
  record ToolUse(String id, String name, String arguments) implements ContentPart {
    public ToolUse {
      requireNonNull(id, "id");
      requireNonNull(name, "name");
      requireNonNull(arguments, "arguments");
    }
  }

  /** The result of a tool call, fed back to the model. */
  record ToolResult(String toolUseId, List<ContentPart> content, boolean isError)
      implements ContentPart {
    public ToolResult {
      requireNonNull(toolUseId, "toolUseId");
      content = List.copyOf(content);
    }
  }

  /**
   * Visible reasoning.
   *
   * @param text the reasoning text
   * @param signature Anthropic's opaque signature over it, or null (OpenAI-compatible servers send none)
   */
  record Thinking(String text, @Nullable String signature) implements ContentPart {
    public Thinking {
      requireNonNull(text, "text");
    }
  }

  /** Reasoning the provider encrypted; passed through, never readable. */
  record RedactedThinking(String data) implements ContentPart {
    public RedactedThinking {
      requireNonNull(data, "data");
    }
  }

  /**
   * A part this model does not know (a document, audio, a future type), kept as the source
   * protocol's JSON so that a same-protocol upstream still receives it.
   */
  record Opaque(Protocol protocol, JsonNode json) implements ContentPart {
    public Opaque {
      requireNonNull(protocol, "protocol");
      requireNonNull(json, "json");
    }
  }
}
