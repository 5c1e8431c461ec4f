package dev.bulwark.gateway.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.gateway.UpstreamSpec;
import dev.bulwark.protocol.ErrorKind;
import dev.bulwark.protocol.model.Protocol;
import io.netty.handler.timeout.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * Sends requests to one upstream over a pooled, keep-alive HTTP client, with the upstream's key and
 * headers. Failures are classified the gateway's way: the upstream unreachable is {@link
 * ErrorKind#BAD_GATEWAY}, silent past the read timeout is {@link ErrorKind#TIMEOUT}.
 */
final class UpstreamClient implements AutoCloseable {
  private final UpstreamSpec spec;
  private final HttpClientAgent client;
  private final String absoluteUrl;

  UpstreamClient(Vertx vertx, UpstreamSpec spec) {
    this.spec = requireNonNull(spec, "spec");
    URI base = spec.baseUrl();
    HttpClientOptions options =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setTcpNoDelay(true)
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, spec.connectTimeout().toMillis()))
            .setDecompressionSupported(true)
            .setSsl("https".equals(base.getScheme()))
            .setTrustAll(false);
    this.client =
        vertx.httpClientBuilder()
            .with(options)
            .with(new PoolOptions().setHttp1MaxSize(spec.maxConnections()).setMaxWaitQueueSize(-1))
            .build();
    this.absoluteUrl =
        base + (spec.protocol() == Protocol.OPENAI ? "/v1/chat/completions" : "/v1/messages");
  }

  UpstreamSpec spec() {
    return spec;
  }

  /**
   * Opens a request and sends the body. The returned request can be {@linkplain
   * HttpClientRequest#reset() reset} to cancel it.
   */
  Future<Sent> send(Buffer body, boolean stream, Map<String, String> extraHeaders) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(absoluteUrl)
            .setIdleTimeout(spec.readTimeout().toMillis())
            .putHeader("content-type", "application/json")
            .putHeader("accept", stream ? "text/event-stream" : "application/json");
    String key = spec.apiKey();
    if (spec.protocol() == Protocol.OPENAI) {
      if (key != null) {
        options.putHeader("authorization", "Bearer " + key);
      }
    } else {
      if (key != null) {
        options.putHeader("x-api-key", key);
      }
      options.putHeader("anthropic-version", "2023-06-01");
    }
    spec.headers().forEach(options::putHeader);
    extraHeaders.forEach(options::putHeader);
    return client
        .request(options)
        .compose(
            request ->
                request.send(body).map(response -> new Sent(request, response)));
  }

  /** A request in flight and its response head. */
  record Sent(HttpClientRequest request, HttpClientResponse response) {}

  /** How a transport failure reads to the client. */
  static ErrorKind classify(Throwable failure) {
    Throwable t = failure;
    while (t != null) {
      if (t instanceof TimeoutException
          || t instanceof java.util.concurrent.TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        return t instanceof io.netty.channel.ConnectTimeoutException ? ErrorKind.BAD_GATEWAY : ErrorKind.TIMEOUT;
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return ErrorKind.BAD_GATEWAY;
      }
      t = t.getCause();
    }
    return ErrorKind.BAD_GATEWAY;
  }

  @Override
  public void close() {
    client.close();
  }
}
