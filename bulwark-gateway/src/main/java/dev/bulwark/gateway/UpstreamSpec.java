package dev.bulwark.gateway;

import static java.util.Objects.requireNonNull;

import dev.bulwark.protocol.model.Protocol;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An upstream model server: OpenAI-compatible (OpenAI, vLLM, Ollama, llama.cpp server, ...) or
 * Anthropic. Immutable; build with {@link #builder(String)}.
 */
public final class UpstreamSpec {
  private final String name;
  private final Protocol protocol;
  private final URI baseUrl;
  private final @Nullable String apiKey;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int maxConnections;
  private final Map<String, String> headers;

  private UpstreamSpec(Builder b) {
    this.name = b.name;
    this.protocol = requireNonNull(b.protocol, "protocol");
    this.baseUrl = requireNonNull(b.baseUrl, "baseUrl");
    this.apiKey = b.apiKey;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.maxConnections = b.maxConnections;
    this.headers = Map.copyOf(b.headers);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public Protocol protocol() {
    return protocol;
  }

  /** The server root (and any path prefix); the protocol's path, e.g. {@code /v1/messages}, follows. */
  public URI baseUrl() {
    return baseUrl;
  }

  /** The upstream's API key, or null when it needs none (a local vLLM, say). Never logged. */
  public @Nullable String apiKey() {
    return apiKey;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The longest silence allowed while waiting for the response or between streamed bytes. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** Connections kept per event loop. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Extra headers sent with every request (e.g. {@code anthropic-version}, an org header). */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "UpstreamSpec{" + name + ", " + protocol.wireName() + ", " + baseUrl
        + ", apiKey=" + (apiKey == null ? "none" : "<masked>") + "}";
  }

  /** Builds an {@link UpstreamSpec}; setters validate. */
  public static final class Builder {
    private final String name;
    private @Nullable Protocol protocol;
    private @Nullable URI baseUrl;
    private @Nullable String apiKey;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(120);
    private int maxConnections = 64;
    private final Map<String, String> headers = new LinkedHashMap<>();

    private Builder(String name) {
      requireNonNull(name, "name");
      if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
        throw new IllegalArgumentException(
            "upstream name must be 1-64 of [a-z0-9_-] starting with a letter or digit, was '" + name + "'");
      }
      this.name = name;
    }

    public Builder protocol(Protocol protocol) {
      this.protocol = requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * The base URL: {@code https://api.openai.com}, {@code http://127.0.0.1:8000} (vLLM), {@code
     * https://api.anthropic.com}. A trailing {@code /v1} is accepted and dropped, since the protocol's
     * path already starts with it.
     */
    public Builder baseUrl(URI url) {
      requireNonNull(url, "url");
      String scheme = url.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("base_url must be an http or https URL, was '" + url + "'");
      }
      if (url.getHost() == null) {
        throw new IllegalArgumentException("base_url has no host: '" + url + "'");
      }
      String s = url.toString();
      while (s.endsWith("/")) {
        s = s.substring(0, s.length() - 1);
      }
      if (s.endsWith("/v1")) {
        s = s.substring(0, s.length() - 3);
      }
      this.baseUrl = URI.create(s);
      return this;
    }

    public Builder apiKey(@Nullable String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect_timeout");
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "read_timeout");
      return this;
    }

    public Builder maxConnections(int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("max_connections must be in [1, 10000], was " + max);
      }
      this.maxConnections = max;
      return this;
    }

    public Builder header(String name, String value) {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
      headers.put(name, value);
      return this;
    }

    public UpstreamSpec build() {
      if (protocol == null) {
        throw new IllegalStateException("upstream " + name + ": protocol is not set");
      }
      if (baseUrl == null) {
        throw new IllegalStateException("upstream " + name + ": base_url is not set");
      }
      return new UpstreamSpec(this);
    }

    private static Duration positive(Duration d, String field) {
      requireNonNull(d, field);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(field + " must be positive, was " + d);
      }
      return d;
    }
  }
}
