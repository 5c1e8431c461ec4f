package dev.bulwark.simulator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.Codecs;
import dev.bulwark.protocol.ProtocolCodec;
import dev.bulwark.protocol.ProtocolException;
import dev.bulwark.protocol.StreamDecoder;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.sse.SseParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Test client for a simulator: builds each protocol's request bodies, sends them with the JDK's
 * HTTP client (HTTP/1.1), and reads answers back through the protocol module's own parsers, so the
 * tests check what a gateway would see.
 */
final class Wire {
  static final ObjectMapper JSON = new ObjectMapper();

  final Protocol protocol;
  final ProtocolCodec codec;
  final String baseUrl;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  Wire(Protocol protocol, String baseUrl) {
    this.protocol = requireNonNull(protocol, "protocol");
    this.codec = Codecs.of(protocol);
    this.baseUrl = requireNonNull(baseUrl, "baseUrl");
  }

  String path() {
    return protocol == Protocol.ANTHROPIC ? "/v1/messages" : "/v1/chat/completions";
  }

  /** A request body asking {@code prompt} of the model. */
  ObjectNode body(String prompt, boolean stream) {
    ObjectNode b = JSON.createObjectNode();
    b.put("model", "sim-test");
    if (protocol == Protocol.ANTHROPIC) {
      b.put("max_tokens", 1024);
    }
    ArrayNode messages = b.putArray("messages");
    messages.addObject().put("role", "user").put("content", prompt);
    if (stream) {
      b.put("stream", true);
      if (protocol == Protocol.OPENAI) {
        b.putObject("stream_options").put("include_usage", true);
      }
    }
    return b;
  }

  HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(10))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> post(ObjectNode body) {
    return send(post(path(), body.toString()).build());
  }

  HttpResponse<String> get(String path) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).build());
  }

  HttpResponse<InputStream> open(ObjectNode body) {
    try {
      return http.send(
          post(path(), body.toString()).build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A whole response, parsed. */
  ChatResponse complete(String prompt) throws ProtocolException {
    HttpResponse<String> r = post(body(prompt, false));
    if (r.statusCode() != 200) {
      throw new AssertionError("status " + r.statusCode() + ": " + r.body());
    }
    return codec.parseResponse(r.body().getBytes(StandardCharsets.UTF_8));
  }

  /** A stream, read to its end (or until the connection breaks) and decoded. */
  Streamed stream(ObjectNode body) {
    HttpResponse<InputStream> r = open(body);
    Streamed s = new Streamed(r.statusCode());
    StreamDecoder decoder = codec.newDecoder();
    SseParser parser = new SseParser(1 << 20);
    Consumer<StreamEvent> sink = s.events::add;
    byte[] buf = new byte[8192];
    try (InputStream in = r.body()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        s.raw.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        parser.feed(
            buf,
            0,
            n,
            e -> {
              try {
                decoder.decode(e, sink);
              } catch (ProtocolException ex) {
                s.decodeError = ex;
              }
            });
      }
    } catch (IOException e) {
      s.broken = e; // A truncated chunked body: what a disconnect fault produces.
    } catch (ProtocolException e) {
      s.decodeError = e;
    }
    decoder.end(sink);
    s.complete = decoder.complete();
    return s;
  }

  Streamed stream(String prompt) {
    return stream(body(prompt, true));
  }

  /** A decoded stream. */
  static final class Streamed {
    final int status;
    final StringBuilder raw = new StringBuilder();
    final List<StreamEvent> events = new ArrayList<>();
    @Nullable IOException broken;
    @Nullable ProtocolException decodeError;
    boolean complete;

    Streamed(int status) {
      this.status = status;
    }

    /** The concatenated deltas of one kind in one choice. */
    String text(int choice, BlockType type) {
      StringBuilder sb = new StringBuilder();
      for (StreamEvent e : events) {
        if (e instanceof StreamEvent.BlockDelta d && d.choice() == choice && d.type() == type) {
          sb.append(d.text());
        }
      }
      return sb.toString();
    }

    String text() {
      return text(0, BlockType.TEXT);
    }

    List<StreamEvent.BlockDelta> deltas(int choice, BlockType type) {
      List<StreamEvent.BlockDelta> out = new ArrayList<>();
      for (StreamEvent e : events) {
        if (e instanceof StreamEvent.BlockDelta d && d.choice() == choice && d.type() == type) {
          out.add(d);
        }
      }
      return out;
    }

    <T extends StreamEvent> List<T> all(Class<T> type) {
      List<T> out = new ArrayList<>();
      for (StreamEvent e : events) {
        if (type.isInstance(e)) {
          out.add(type.cast(e));
        }
      }
      return out;
    }

    StreamEvent.@Nullable UsageUpdate lastUsage() {
      List<StreamEvent.UsageUpdate> u = all(StreamEvent.UsageUpdate.class);
      return u.isEmpty() ? null : u.get(u.size() - 1);
    }
  }

  /** The text parts of one choice, concatenated. */
  static String text(ChatResponse r, int choice) {
    StringBuilder sb = new StringBuilder();
    for (ContentPart p : r.choices().get(choice).content()) {
      if (p instanceof ContentPart.Text t) {
        sb.append(t.text());
      }
    }
    return sb.toString();
  }
}
