package dev.bulwark.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.ChatResponse;
import dev.bulwark.protocol.model.ContentPart;
import dev.bulwark.protocol.model.Protocol;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the real server on an ephemeral port and talks to it over HTTP, reading answers back through
 * the protocol module's parsers. Timing checks are order-of-magnitude only.
 */
class SimulatedUpstreamTest {
  private static Vertx vertx;
  private @Nullable SimulatedUpstream sim;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    await(vertx.close());
  }

  @AfterEach
  void stopSimulator() throws Exception {
    if (sim != null) {
      await(sim.close());
    }
  }

  private SimulatedUpstream start(SimulatorConfig config) throws Exception {
    sim = await(SimulatedUpstream.start(vertx, config));
    return sim;
  }

  private Wire wire(Protocol protocol, SimulatorConfig config) throws Exception {
    return new Wire(protocol, start(config).baseUrl());
  }

  private Wire wire(Protocol protocol, ScriptEntry... entries) throws Exception {
    return wire(protocol, SimulatorConfig.builder().script(Script.of(entries)).build());
  }

  // ---------------------------------------------------------------- echo

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void echo_nonStreaming_answersWithThePrompt(Protocol protocol) throws Exception {
    Wire w = wire(protocol);

    ChatResponse r = w.complete("Say exactly: the  owl flies at midnight.");

    assertThat(Wire.text(r, 0)).isEqualTo("Say exactly: the  owl flies at midnight.");
    assertThat(r.choices().get(0).stopReason()).isEqualTo(StopReason.END_TURN);
    assertThat(r.usage().inputTokens()).isEqualTo(7);
    assertThat(r.usage().outputTokens()).isEqualTo(7);
    assertThat(r.model()).isEqualTo("sim-test");
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void echo_streaming_answersWithThePromptTokenByTokenAndEnds(Protocol protocol) throws Exception {
    Wire w = wire(protocol);

    Wire.Streamed s = w.stream("one two  three\nfour");

    assertThat(s.status).isEqualTo(200);
    assertThat(s.decodeError).isNull();
    assertThat(s.complete).isTrue();
    assertThat(s.text()).isEqualTo("one two  three\nfour");
    assertThat(s.deltas(0, BlockType.TEXT))
        .extracting(StreamEvent.BlockDelta::text)
        .containsExactly("one ", "two  ", "three\n", "four");
    assertThat(s.all(StreamEvent.ChoiceStop.class))
        .singleElement()
        .extracting(StreamEvent.ChoiceStop::reason)
        .isEqualTo(StopReason.END_TURN);
    assertThat(s.lastUsage()).isNotNull();
    assertThat(s.lastUsage().usage().inputTokens()).isEqualTo(4);
    assertThat(s.lastUsage().usage().outputTokens()).isEqualTo(4);
    assertThat(s.raw.toString()).contains(protocol == Protocol.OPENAI ? "[DONE]" : "message_stop");
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void echo_chunkTokens_putsSeveralTokensPerEvent(Protocol protocol) throws Exception {
    Wire w = wire(protocol, SimulatorConfig.builder().chunkTokens(3).build());

    Wire.Streamed s = w.stream("a b c d e f g");

    assertThat(s.deltas(0, BlockType.TEXT))
        .extracting(StreamEvent.BlockDelta::text)
        .containsExactly("a b c ", "d e f ", "g");
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void echo_multipleUserMessages_echoesTheLastOne(Protocol protocol) throws Exception {
    Wire w = wire(protocol);
    ObjectNode body = w.body("first", false);
    body.withArray("messages").addObject().put("role", "assistant").put("content", "ok");
    body.withArray("messages").addObject().put("role", "user").put("content", "second");

    HttpResponse<String> r = w.post(body);

    assertThat(Wire.text(w.codec.parseResponse(r.body().getBytes(StandardCharsets.UTF_8)), 0))
        .isEqualTo("second");
  }

  // ---------------------------------------------------------------- script

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void script_matchAndRegex_firstMatchingEntryAnswers(Protocol protocol) throws Exception {
    Wire w =
        wire(
            protocol,
            ScriptEntry.builder().match("WEATHER").text("It is sunny.").build(),
            ScriptEntry.builder().regex("^order #\\d+").text("Order found.").build());

    assertThat(Wire.text(w.complete("what's the weather?"), 0)).isEqualTo("It is sunny.");
    assertThat(Wire.text(w.complete("order #42 please"), 0)).isEqualTo("Order found.");
    assertThat(w.stream("order #7").text()).isEqualTo("Order found.");
    assertThat(Wire.text(w.complete("nothing matches"), 0)).isEqualTo("nothing matches");
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void script_usageOverride_isReported(Protocol protocol) throws Exception {
    Wire w =
        wire(protocol, ScriptEntry.builder().text("x").inputTokens(100).outputTokens(200).build());

    ChatResponse r = w.complete("hi");
    Wire.Streamed s = w.stream("hi");

    assertThat(r.usage().inputTokens()).isEqualTo(100);
    assertThat(r.usage().outputTokens()).isEqualTo(200);
    assertThat(s.lastUsage().usage().outputTokens()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void updateScript_whileRunning_appliesToLaterRequests(Protocol protocol) throws Exception {
    Wire w = wire(protocol);
    assertThat(Wire.text(w.complete("ping"), 0)).isEqualTo("ping");

    sim.updateScript(Script.of(ScriptEntry.builder().match("ping").text("pong").build()));

    assertThat(Wire.text(w.complete("ping"), 0)).isEqualTo("pong");
  }

  @Test
  void simScript_postedYaml_replacesScriptAndBadYamlNamesField() throws Exception {
    Wire w = wire(Protocol.OPENAI);

    HttpResponse<String> ok =
        w.send(w.post("/_sim/script", "responses:\n  - match: ping\n    text: pong\n").build());
    HttpResponse<String> bad =
        w.send(w.post("/_sim/script", "responses:\n  - match: ping\n    txt: pong\n").build());

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("{\"entries\":1}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("responses[0].txt: unknown field");
    assertThat(Wire.text(w.complete("ping"), 0)).isEqualTo("pong");
  }

  // ---------------------------------------------------------------- tools, thinking, n

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void toolCalls_streaming_argumentsArriveInSeveralDeltas(Protocol protocol) throws Exception {
    String args = "{\"city\":\"Paris\",\"unit\":\"celsius\",\"days\":3}";
    Wire w =
        wire(
            protocol,
            ScriptEntry.builder()
                .match("weather")
                .text("Checking.")
                .toolCall("get_weather", args)
                .toolCall("get_time", "{}")
                .build());

    Wire.Streamed s = w.stream("weather in Paris?");

    assertThat(s.complete).isTrue();
    assertThat(s.text()).isEqualTo("Checking.");
    List<StreamEvent.BlockStart> tools =
        s.all(StreamEvent.BlockStart.class).stream()
            .filter(b -> b.type() == BlockType.TOOL_USE)
            .toList();
    assertThat(tools)
        .extracting(StreamEvent.BlockStart::toolName)
        .containsExactly("get_weather", "get_time");
    assertThat(tools).allSatisfy(b -> assertThat(b.toolId()).isNotBlank());
    List<StreamEvent.BlockDelta> argDeltas =
        s.deltas(0, BlockType.TOOL_USE).stream()
            .filter(d -> d.block() == tools.get(0).block())
            .toList();
    assertThat(argDeltas).hasSizeGreaterThan(2);
    assertThat(argDeltas.stream().map(StreamEvent.BlockDelta::text).reduce("", String::concat))
        .isEqualTo(args);
    assertThat(s.all(StreamEvent.ChoiceStop.class).get(0).reason()).isEqualTo(StopReason.TOOL_USE);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void toolCalls_nonStreaming_areToolUseParts(Protocol protocol) throws Exception {
    Wire w = wire(protocol, ScriptEntry.builder().toolCall("lookup", "{\"q\":\"x\"}").build());

    ChatResponse r = w.complete("anything");

    ChatResponse.Choice c = r.choices().get(0);
    assertThat(c.stopReason()).isEqualTo(StopReason.TOOL_USE);
    assertThat(c.content()).singleElement().isInstanceOf(ContentPart.ToolUse.class);
    ContentPart.ToolUse t = (ContentPart.ToolUse) c.content().get(0);
    assertThat(t.name()).isEqualTo("lookup");
    assertThat(Wire.JSON.readTree(t.arguments())).isEqualTo(Wire.JSON.readTree("{\"q\":\"x\"}"));
  }

  @Test
  void thinking_anthropicStream_comesBeforeTextWithASignature() throws Exception {
    Wire w =
        wire(
            Protocol.ANTHROPIC,
            ScriptEntry.builder().thinking("Let me see. Yes.").text("Yes.").build());

    Wire.Streamed s = w.stream("is it?");

    assertThat(s.complete).isTrue();
    assertThat(s.text(0, BlockType.THINKING)).isEqualTo("Let me see. Yes.");
    assertThat(s.text()).isEqualTo("Yes.");
    List<StreamEvent.BlockStart> starts = s.all(StreamEvent.BlockStart.class);
    assertThat(starts)
        .extracting(StreamEvent.BlockStart::type)
        .containsExactly(BlockType.THINKING, BlockType.TEXT);
    assertThat(s.all(StreamEvent.SignatureDelta.class))
        .singleElement()
        .satisfies(d -> assertThat(d.signature()).isNotBlank());
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void thinking_nonStreaming_isAThinkingPartFirst(Protocol protocol) throws Exception {
    Wire w = wire(protocol, ScriptEntry.builder().thinking("Hmm.").text("Done.").build());

    ChatResponse r = w.complete("go");

    assertThat(r.choices().get(0).content().get(0))
        .isInstanceOfSatisfying(
            ContentPart.Thinking.class,
            t -> {
              assertThat(t.text()).isEqualTo("Hmm.");
              if (protocol == Protocol.ANTHROPIC) {
                assertThat(t.signature()).isNotBlank();
              }
            });
    assertThat(Wire.text(r, 0)).isEqualTo("Done.");
  }

  @Test
  void n2_openAi_everyChoiceGetsTheSameContent() throws Exception {
    Wire w = wire(Protocol.OPENAI);
    ObjectNode whole = w.body("red green blue", false).put("n", 2);
    ObjectNode streamed = w.body("red green blue", true).put("n", 2);

    ChatResponse r = w.codec.parseResponse(w.post(whole).body().getBytes(StandardCharsets.UTF_8));
    Wire.Streamed s = w.stream(streamed);

    assertThat(r.choices()).hasSize(2);
    assertThat(Wire.text(r, 0)).isEqualTo("red green blue");
    assertThat(Wire.text(r, 1)).isEqualTo("red green blue");
    assertThat(r.usage().outputTokens()).isEqualTo(6);
    assertThat(s.complete).isTrue();
    assertThat(s.text(0, BlockType.TEXT)).isEqualTo("red green blue");
    assertThat(s.text(1, BlockType.TEXT)).isEqualTo("red green blue");
    assertThat(s.all(StreamEvent.ChoiceStop.class)).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void maxTokens_shorterThanText_truncatesWithMaxTokensStop(Protocol protocol) throws Exception {
    Wire w = wire(protocol);
    ObjectNode body = w.body("a b c d e f", false);
    body.put(protocol == Protocol.OPENAI ? "max_completion_tokens" : "max_tokens", 3);

    ChatResponse r = w.codec.parseResponse(w.post(body).body().getBytes(StandardCharsets.UTF_8));

    assertThat(Wire.text(r, 0)).isEqualTo("a b c ");
    assertThat(r.choices().get(0).stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    assertThat(r.usage().outputTokens()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void stopSequence_inText_cutsTextBeforeIt(Protocol protocol) throws Exception {
    Wire w = wire(protocol);
    ObjectNode body = w.body("alpha beta END gamma", true);
    if (protocol == Protocol.OPENAI) {
      body.putArray("stop").add("END");
    } else {
      body.putArray("stop_sequences").add("END");
    }

    Wire.Streamed s = w.stream(body);

    assertThat(s.text()).isEqualTo("alpha beta ");
    assertThat(s.all(StreamEvent.ChoiceStop.class).get(0).reason())
        .isIn(StopReason.STOP_SEQUENCE, StopReason.END_TURN); // OpenAI's "stop" means either
  }

  // ---------------------------------------------------------------- errors

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void errorStatus_scripted_answersWithProtocolErrorBody(Protocol protocol) throws Exception {
    Wire w =
        wire(
            protocol,
            ScriptEntry.builder().match("busy").status(429).errorMessage("slow down").build());

    HttpResponse<String> whole = w.post(w.body("are you busy?", false));
    HttpResponse<String> streamed = w.post(w.body("are you busy?", true));

    for (HttpResponse<String> r : List.of(whole, streamed)) {
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(w.codec.parseErrorMessage(r.body().getBytes(StandardCharsets.UTF_8)))
          .isEqualTo("slow down");
      assertThat(Wire.JSON.readTree(r.body()).at("/error/type").asText())
          .isEqualTo("rate_limit_error");
    }
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void badRequest_invalidBody_answersWithProtocolError(Protocol protocol) throws Exception {
    Wire w = wire(protocol);

    HttpResponse<String> notJson = w.send(w.post(w.path(), "{not json").build());
    HttpResponse<String> noMessages =
        w.send(w.post(w.path(), "{\"model\":\"m\",\"max_tokens\":5}").build());

    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(Wire.JSON.readTree(notJson.body()).at("/error/message").asText()).isNotBlank();
    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(noMessages.body()).contains("messages");
  }

  @Test
  void maxBodyBytes_exceeded_answers413() throws Exception {
    Wire w = wire(Protocol.OPENAI, SimulatorConfig.builder().maxBodyBytes(2048).build());

    HttpResponse<String> r = w.post(w.body("x".repeat(5000), false));

    assertThat(r.statusCode()).isEqualTo(413);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void requiredApiKey_missingOrWrong_answers401AndRightKeyPasses(Protocol protocol)
      throws Exception {
    Wire w = wire(protocol, SimulatorConfig.builder().requiredApiKey("sk-right-key").build());
    String body = w.body("hi", false).toString();

    HttpResponse<String> missing = w.send(w.post(w.path(), body).build());
    HttpResponse<String> wrong =
        w.send(w.post(w.path(), body).header("x-api-key", "sk-wrong").build());
    HttpResponse<String> bearer =
        w.send(w.post(w.path(), body).header("authorization", "Bearer sk-right-key").build());
    HttpResponse<String> apiKey =
        w.send(w.post(w.path(), body).header("x-api-key", "sk-right-key").build());

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(Wire.JSON.readTree(missing.body()).at("/error/type").asText())
        .isEqualTo("authentication_error");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(bearer.statusCode()).isEqualTo(200);
    assertThat(apiKey.statusCode()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- faults

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void faultDisconnect_streaming_clientSeesTruncatedStreamWithoutEndMarker(Protocol protocol)
      throws Exception {
    Wire w =
        wire(
            protocol,
            ScriptEntry.builder()
                .text("one two three four five six")
                .fault(new Fault.Disconnect(3))
                .build());

    Wire.Streamed s = w.stream("go");

    assertThat(s.complete).isFalse();
    assertThat(s.text()).isEqualTo("one two three ");
    assertThat(s.raw.toString()).doesNotContain("[DONE]").doesNotContain("message_stop");
    assertThat(s.events).last().isInstanceOf(StreamEvent.StreamError.class);
    awaitStats(st -> st.faultsInjected() == 1 && st.inFlight() == 0);
    assertThat(sim.stats().streamsCompleted()).isZero();
    assertThat(sim.stats().streamsCancelled()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void faultStall_streaming_sendsTheFirstTokensThenNothingWithTheConnectionOpen(Protocol protocol)
      throws Exception {
    Wire w =
        wire(
            protocol,
            ScriptEntry.builder()
                .text("one two three four five six")
                .fault(new Fault.Stall(3))
                .build());
    StringBuilder received = new StringBuilder();
    java.util.concurrent.CompletableFuture<Void> body = new java.util.concurrent.CompletableFuture<>();
    w.http.sendAsync(
        w.post(w.path(), w.body("go", true).toString()).build(),
        HttpResponse.BodyHandlers.fromLineSubscriber(
            new java.util.concurrent.Flow.Subscriber<String>() {
              @Override
              public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(String line) {
                synchronized (received) {
                  received.append(line).append('\n');
                }
              }

              @Override
              public void onError(Throwable t) {
                body.completeExceptionally(t);
              }

              @Override
              public void onComplete() {
                body.complete(null);
              }
            }));

    awaitStats(st -> st.faultsInjected() == 1);
    String sse = "";
    for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(10)) {
      synchronized (received) {
        sse = received.toString();
      }
      if (sse.contains("three")) {
        break;
      }
    }
    // Three tokens went out, the stream is still open, and nothing ends it.
    assertThat(sse).contains("one").contains("three").doesNotContain("four");
    assertThat(sse).doesNotContain("[DONE]").doesNotContain("message_stop");
    assertThat(body).isNotDone();
    assertThat(sim.stats().inFlight()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void faultDisconnect_nonStreaming_closesWithoutAnswer(Protocol protocol) throws Exception {
    Wire w = wire(protocol, ScriptEntry.builder().fault(new Fault.Disconnect(0)).build());

    assertThatThrownBy(() -> w.post(w.body("go", false)))
        .hasRootCauseInstanceOf(java.io.IOException.class);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void faultHang_noAnswerWithinClientTimeout_andCountsAbandoned(Protocol protocol)
      throws Exception {
    Wire w = wire(protocol, ScriptEntry.builder().match("hang").fault(new Fault.Hang()).build());

    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                w.http.send(
                    w.post(w.path(), w.body("please hang", true).toString())
                        .timeout(Duration.ofMillis(300))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    // The JDK client closes the connection on timeout; the simulator notices the client left.
    awaitStats(st -> st.requestsAbandoned() == 1 && st.inFlight() == 0);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void faultMalformed_nonStreaming_bodyIsNotJson(Protocol protocol) throws Exception {
    Wire w = wire(protocol, ScriptEntry.builder().fault(new Fault.Malformed()).build());

    HttpResponse<String> r = w.post(w.body("hello world", false));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> Wire.JSON.readTree(r.body())).isInstanceOf(java.io.IOException.class);
    assertThatThrownBy(() -> w.codec.parseResponse(r.body().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(dev.bulwark.protocol.ProtocolException.class);
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void faultMalformed_streaming_decoderRejectsDataLine(Protocol protocol) throws Exception {
    Wire w = wire(protocol, ScriptEntry.builder().fault(new Fault.Malformed()).build());

    Wire.Streamed s = w.stream("hello world");

    assertThat(s.status).isEqualTo(200);
    assertThat(s.decodeError).isNotNull();
    assertThat(s.complete).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void faultDelay_postponesTheHeaders(Protocol protocol) throws Exception {
    Wire w = wire(protocol, ScriptEntry.builder().delay(Duration.ofMillis(200)).build());

    long t0 = System.nanoTime();
    HttpResponse<InputStream> r = w.open(w.body("hi", true));
    long headersMillis = (System.nanoTime() - t0) / 1_000_000;
    r.body().close();

    assertThat(headersMillis).isGreaterThanOrEqualTo(150);
  }

  // ---------------------------------------------------------------- cancellation, timing

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void clientDisconnect_midStream_stopsGeneratingAndCountsCancelled(Protocol protocol)
      throws Exception {
    Wire w = wire(protocol, SimulatorConfig.builder().tokensPerSecond(20).build());
    String body = w.body("word ".repeat(200), true).toString();

    try (Socket socket = new Socket("127.0.0.1", sim.port())) {
      OutputStream out = socket.getOutputStream();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      out.write(
          ("POST "
                  + w.path()
                  + " HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n"
                  + "content-length: "
                  + bytes.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      String seen = "";
      byte[] buf = new byte[4096];
      while (!seen.contains("word")) { // Read until the first token has arrived.
        int n = in.read(buf);
        assertThat(n).isPositive();
        seen += new String(buf, 0, n, StandardCharsets.UTF_8);
      }
      awaitStats(st -> st.streamsStarted() == 1 && st.inFlight() == 1);
    }

    // The counters are updated one after another, not as one snapshot: wait for both.
    SimulatorStats st = awaitStats(s -> s.streamsCancelled() == 1 && s.inFlight() == 0);
    assertThat(st.streamsCompleted()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Protocol.class)
  void timing_ttftAndRate_areRespectedInOrderOfMagnitude(Protocol protocol) throws Exception {
    Wire w =
        wire(
            protocol,
            SimulatorConfig.builder().ttft(Duration.ofMillis(100)).tokensPerSecond(100).build());
    String twentyWords = "w ".repeat(20).strip();

    long t0 = System.nanoTime();
    Wire.Streamed s = w.stream(twentyWords);
    long streamMillis = (System.nanoTime() - t0) / 1_000_000;
    t0 = System.nanoTime();
    w.complete(twentyWords);
    long wholeMillis = (System.nanoTime() - t0) / 1_000_000;

    assertThat(s.deltas(0, BlockType.TEXT)).hasSize(20);
    // ttft 100 ms + 19 more tokens at 100/s = 290 ms; allow wide slack either way.
    assertThat(streamMillis).isBetween(250L, 5_000L);
    assertThat(wholeMillis).isBetween(250L, 5_000L);
  }

  @Test
  void timing_scriptEntryOverridesRate() throws Exception {
    Wire w =
        wire(
            Protocol.OPENAI,
            SimulatorConfig.builder()
                .tokensPerSecond(1)
                .script(
                    Script.of(ScriptEntry.builder().tokensPerSecond(0).ttft(Duration.ZERO).build()))
                .build());

    long t0 = System.nanoTime();
    w.stream("w ".repeat(50));

    // At the config's 1 token a second the 50 tokens would take 49 s; as fast as possible they take
    // milliseconds. The bound sits far from both, so a slow machine does not fail it.
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(20_000L);
  }

  @Test
  void fastStream_largeText_arrivesWholeAndInOrder() throws Exception {
    Wire w = wire(Protocol.ANTHROPIC);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      sb.append("token").append(i).append(i % 17 == 0 ? "\n" : " ");
    }

    Wire.Streamed s = w.stream(w.body(sb.toString(), true).put("max_tokens", 100_000));

    assertThat(s.complete).isTrue();
    assertThat(s.text()).isEqualTo(sb.toString());
  }

  @Test
  void backpressure_clientNotReading_pausesGenerationThenResumes() throws Exception {
    Wire w = wire(Protocol.ANTHROPIC);
    // About 25 MB of events: far more than the socket buffers can hold.
    ObjectNode body = w.body("w ".repeat(250_000), true).put("max_tokens", 1_000_000);
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);

    try (Socket socket = new Socket("127.0.0.1", sim.port())) {
      socket.setReceiveBufferSize(64 * 1024);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /v1/messages HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n"
                  + "content-length: " + bytes.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      awaitStats(st -> st.streamsStarted() == 1);
      // Not reading: without backpressure the whole stream would be generated into memory within a
      // second or so; with it, generation waits for the drain.
      Thread.sleep(1500);
      assertThat(sim.stats().streamsCompleted()).isZero();
      assertThat(sim.stats().inFlight()).isEqualTo(1);

      InputStream in = socket.getInputStream();
      byte[] buf = new byte[64 * 1024];
      byte[] tail = new byte[0];
      long total = 0;
      while (true) {
        int n = in.read(buf);
        assertThat(n).isPositive();
        total += n;
        byte[] joined = new byte[tail.length + n];
        System.arraycopy(tail, 0, joined, 0, tail.length);
        System.arraycopy(buf, 0, joined, tail.length, n);
        String window = new String(joined, StandardCharsets.ISO_8859_1);
        if (window.contains("message_stop")) {
          break;
        }
        tail = java.util.Arrays.copyOfRange(joined, Math.max(0, joined.length - 64), joined.length);
      }
      assertThat(total).isGreaterThan(10_000_000L);
    }
    awaitStats(st -> st.streamsCompleted() == 1 && st.inFlight() == 0);
  }

  // ---------------------------------------------------------------- diagnostics

  @Test
  void simRequests_recordsRequestsWithSecretsMasked() throws Exception {
    Wire w = wire(Protocol.OPENAI);
    w.send(
        w.post(w.path(), w.body("hello", false).toString())
            .header("authorization", "Bearer sk-live-abcdef123456")
            .header("x-api-key", "anthropic-key-9876")
            .build());

    JsonNode log = Wire.JSON.readTree(w.get("/_sim/requests").body());

    JsonNode req = log.at("/requests/0");
    assertThat(req.get("method").asText()).isEqualTo("POST");
    assertThat(req.get("path").asText()).isEqualTo("/v1/chat/completions");
    assertThat(req.at("/headers/authorization").asText()).isEqualTo("****3456");
    assertThat(req.at("/headers/x-api-key").asText()).isEqualTo("****9876");
    assertThat(req.at("/body/messages/0/content").asText()).isEqualTo("hello");
    assertThat(log.toString()).doesNotContain("abcdef").doesNotContain("anthropic-key");
    assertThat(sim.requests())
        .singleElement()
        .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("****3456"));
  }

  @Test
  void simStats_countsRequestsAndStreams_andResetZeroes() throws Exception {
    Wire w = wire(Protocol.ANTHROPIC);
    w.complete("a");
    w.stream("b");
    w.get("/nowhere");

    JsonNode stats = Wire.JSON.readTree(w.get("/_sim/stats").body());

    assertThat(stats.at("/requests_by_path/~1v1~1messages").asLong()).isEqualTo(2);
    assertThat(stats.at("/requests_by_path/other").asLong()).isEqualTo(1);
    assertThat(stats.get("streams_started").asLong()).isEqualTo(1);
    assertThat(stats.get("streams_completed").asLong()).isEqualTo(1);
    assertThat(stats.get("streams_cancelled").asLong()).isZero();
    assertThat(stats.get("in_flight").asLong()).isZero();

    assertThat(w.send(w.post("/_sim/reset", "").build()).statusCode()).isEqualTo(200);

    SimulatorStats after = sim.stats();
    assertThat(after.streamsStarted()).isZero();
    assertThat(after.requests("/v1/messages")).isZero();
    assertThat(sim.requests()).isEmpty();
  }

  @Test
  void models_listsConfiguredNamesInEitherShape() throws Exception {
    Wire w =
        wire(Protocol.OPENAI, SimulatorConfig.builder().modelNames(List.of("m1", "m2")).build());

    JsonNode openAi = Wire.JSON.readTree(w.get("/v1/models").body());
    JsonNode anthropic =
        Wire.JSON.readTree(
            w.send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(w.baseUrl + "/v1/models"))
                        .header("anthropic-version", "2023-06-01")
                        .build())
                .body());

    assertThat(openAi.get("object").asText()).isEqualTo("list");
    assertThat(openAi.at("/data/1/id").asText()).isEqualTo("m2");
    assertThat(openAi.at("/data/0/object").asText()).isEqualTo("model");
    assertThat(openAi.at("/data/0/owned_by").asText()).isNotBlank();
    assertThat(openAi.at("/data/0/created").isNumber()).isTrue();
    assertThat(anthropic.at("/data/0/type").asText()).isEqualTo("model");
    assertThat(anthropic.get("has_more").asBoolean()).isFalse();
  }

  @Test
  void healthAndRouting_unknownPath404_wrongMethod405() throws Exception {
    Wire w = wire(Protocol.OPENAI);

    assertThat(w.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(w.get("/v2/nothing").statusCode()).isEqualTo(404);
    HttpResponse<String> wrong = w.get("/v1/chat/completions");
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void instances_several_serveTheSamePort() throws Exception {
    Wire w = wire(Protocol.OPENAI, SimulatorConfig.builder().instances(3).build());

    for (int i = 0; i < 12; i++) {
      Wire fresh = new Wire(Protocol.OPENAI, w.baseUrl); // A new client: a new connection.
      assertThat(Wire.text(fresh.complete("n" + i), 0)).isEqualTo("n" + i);
    }
    assertThat(sim.stats().requests("/v1/chat/completions")).isEqualTo(12);
  }

  @Test
  void close_withStreamInProgress_countsItCancelled() throws Exception {
    Wire w = wire(Protocol.OPENAI, SimulatorConfig.builder().tokensPerSecond(5).build());
    // 100 tokens at 5 a second: still streaming when the close comes, however slow the machine.
    HttpResponse<InputStream> r = w.open(w.body("w ".repeat(100).strip(), true));
    awaitStats(st -> st.streamsStarted() == 1);
    SimulatedUpstream s = sim;

    await(s.close());
    sim = null;

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (s.stats().streamsCancelled() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(s.stats().streamsCancelled()).isEqualTo(1);
    assertThat(s.stats().inFlight()).isZero();
    r.body().close();
  }

  // ---------------------------------------------------------------- helpers

  private SimulatorStats awaitStats(Predicate<SimulatorStats> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    SimulatorStats st = sim.stats();
    while (!condition.test(st)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("stats never matched: " + st);
      }
      Thread.sleep(10);
      st = sim.stats();
    }
    return st;
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
