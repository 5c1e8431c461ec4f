package dev.bulwark.protocol;

import static java.util.Objects.requireNonNull;

import dev.bulwark.protocol.anthropic.AnthropicCodec;
import dev.bulwark.protocol.model.ChatRequest;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Message;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.openai.OpenAiCodec;

/** The codec of each protocol, and the check that a request can be translated to an upstream. */
public final class Codecs {
  private static final OpenAiCodec OPENAI = new OpenAiCodec();
  private static final AnthropicCodec ANTHROPIC = new AnthropicCodec();

  private Codecs() {}

  /** The shared codec of {@code protocol} (stateless, on the system clock). */
  public static ProtocolCodec of(Protocol protocol) {
    requireNonNull(protocol, "protocol");
    return switch (protocol) {
      case OPENAI -> OPENAI;
      case ANTHROPIC -> ANTHROPIC;
    };
  }

  /**
   * Checks that {@code request} keeps its meaning when sent to an {@code upstream} of another
   * protocol; call it before {@link ProtocolCodec#encodeRequest}, which otherwise drops what it
   * cannot translate. A same-protocol upstream always passes. Refused:
   *
   * <ul>
   *   <li>to Anthropic: {@code n > 1} (Anthropic has one choice per response);
   *   <li>to Anthropic: audio and file parts (OpenAI-only);
   *   <li>to OpenAI: documents, search results and file-id images (Anthropic-only), and images in tool
   *       results (OpenAI tool messages hold text only).
   * </ul>
   *
   * @throws ProtocolException an invalid-request error naming the field
   */
  public static void checkRoutable(ChatRequest request, Protocol upstream)
      throws ProtocolException {
    requireNonNull(request, "request");
    requireNonNull(upstream, "upstream");
    if (request.source() == upstream) {
      return;
    }
    if (upstream == Protocol.ANTHROPIC && request.n() > 1) {
      throw ProtocolException.invalid("n", "n greater than 1 is not supported for this model");
    }
    for (Message m : request.messages()) {
      for (ContentPart p : m.content()) {
        check(p, upstream);
        if (p instanceof ContentPart.ToolResult r) {
          for (ContentPart inner : r.content()) {
            check(inner, upstream);
            if (upstream == Protocol.OPENAI && inner instanceof ContentPart.Image) {
              throw ProtocolException.invalid(
                  "messages", "images in tool results are not supported for this model");
            }
          }
        }
      }
    }
  }

  private static void check(ContentPart p, Protocol upstream) throws ProtocolException {
    if (p instanceof ContentPart.Opaque o && o.protocol() != upstream) {
      String type = o.json().path("type").asText("");
      String what =
          switch (type) {
            case "input_audio" -> "audio content";
            case "file" -> "file content";
            case "document" -> "document content";
            case "search_result" -> "search result content";
            case "image" -> "file-stored image content";
            default -> "this kind of content";
          };
      throw ProtocolException.invalid("messages", what + " is not supported for this model");
    }
  }
}
