package dev.bulwark.simulator;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request the simulator received, as {@code GET /_sim/requests} shows it.
 *
 * @param seq the request's number, counting from 1 since start
 * @param method the HTTP method
 * @param path the path, without the query
 * @param headers header values by lower-case name (repeated headers joined with {@code ", "}), with
 *     {@code authorization}, {@code x-api-key}, {@code proxy-authorization} and {@code cookie}
 *     masked to their last 4 characters
 * @param body the body as UTF-8 text, cut at 1 MiB
 */
public record RecordedRequest(
    long seq, String method, String path, Map<String, String> headers, String body) {
  public RecordedRequest {
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    headers = Map.copyOf(headers);
    requireNonNull(body, "body");
  }

  /** A header's (masked) value, or null. */
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }
}
