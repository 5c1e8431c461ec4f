package dev.bulwark.protocol.openai;

import dev.bulwark.protocol.model.ContentPart;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** OpenAI's image URLs: http(s) links, or {@code data:<media type>;base64,<data>} for inline data. */
final class DataUrls {
  private DataUrls() {}

  /** The image an {@code image_url.url} names, or null if it is neither http(s) nor base64 data. */
  static ContentPart.@Nullable Image parseImage(String url) {
    String lower = url.substring(0, Math.min(url.length(), 8)).toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new ContentPart.Image(url, null, null);
    }
    if (!lower.startsWith("data:")) {
      return null;
    }
    int comma = url.indexOf(',');
    if (comma < 0) {
      return null;
    }
    String meta = url.substring(5, comma);
    if (!meta.toLowerCase(Locale.ROOT).endsWith(";base64")) {
      return null;
    }
    String mediaType = meta.substring(0, meta.length() - ";base64".length());
    int semicolon = mediaType.indexOf(';');
    if (semicolon >= 0) {
      mediaType = mediaType.substring(0, semicolon);
    }
    return new ContentPart.Image(
        null, mediaType.isEmpty() ? null : mediaType, url.substring(comma + 1));
  }

  /** The URL to send for an image: its link, or a data URL for inline data. */
  static String toUrl(ContentPart.Image image) {
    if (image.url() != null) {
      return image.url();
    }
    String mediaType = image.mediaType() == null ? "application/octet-stream" : image.mediaType();
    return "data:" + mediaType + ";base64," + image.base64();
  }
}
