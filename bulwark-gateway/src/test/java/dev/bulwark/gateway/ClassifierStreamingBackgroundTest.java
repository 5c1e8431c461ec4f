package dev.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.simulator.internal.Tokenizer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classifier's streaming stage with stage 2 on a thread pool, as {@code serve} runs it, through the
 * real gateway: every decision point is sent to stage 2 (a band over the whole range), each score takes
 * a while, the event loop holds the text back meanwhile and is woken when a score is in. The guarantee
 * and the verdicts are those of {@link ClassifierStreamingTest}, where stage 2 runs inline.
 */
class ClassifierStreamingBackgroundTest {
  private static final AtomicInteger STAGE2_RUNS = new AtomicInteger();
  private static final String BREAD = "Here is a simple bread recipe. Mix flour, water, salt and yeast, knead for "
      + "ten minutes, let it rise for an hour, shape it and bake it until golden.";
  private static GatewayHarness h;
  private static String key;
  private static ExecutorService pool;

  @BeforeAll
  static void start() throws Exception {
    ClassifierBundle bundle = ClassifierBundle.builtIn(Encoder::minilm);
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "test-stage2");
      t.setDaemon(true);
      return t;
    });
    pool = threads;
    ClassifierStage stage = new ClassifierStage("classifier", bundle,
        bundle.cascade(Canonicalizer.defaults(), Ticker.system()).withBand(new Band(0.0, 1.0)),
        "completion", 64, task -> {
          STAGE2_RUNS.incrementAndGet();
          threads.execute(() -> {
            try {
              Thread.sleep(100); // later than the upstream, which sends 2,000 words a second
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            task.run();
          });
        });
    h = GatewayHarness.start(SafeguardPipeline.builder().streaming(stage).build(Runnable::run, Ticker.system()));
    key = h.newKey();
  }

  @AfterAll
  static void stop() {
    h.close();
    pool.shutdownNow();
  }

  @Test
  void stream_completionTurnsCompliant_haltedAndOnlyAScoredPrefixReleased() throws Exception {
    int before = STAGE2_RUNS.get();
    HttpResponse<String> r = h.post("/v1/chat/completions", key,
        StreamingHaltTest.openAi(ClassifierStreamingTest.REQUEST, true));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"finish_reason\":\"content_filter\"").endsWith("data: [DONE]\n\n");
    String released = ClassifierStreamingTest.released(r.body());
    assertThat(ClassifierStreamingTest.COMPLIANCE).startsWith(released);
    assertThat(released).doesNotContain("[REDACTED] [REDACTED] [REDACTED]");
    assertThat(STAGE2_RUNS.get()).isGreaterThan(before);
    assertThat(h.finalBody(StreamingHaltTest.requestId(r))).contains("\"outcome\":\"halted\"")
        .contains("\"stage\":\"classifier\"");
  }

  @Test
  void stream_benignCompletion_passesWholeInOrder() throws Exception {
    int before = STAGE2_RUNS.get();
    HttpResponse<String> r = h.post("/v1/chat/completions", key, StreamingHaltTest.openAi("say-bread", true));

    assertThat(r.body()).contains("\"finish_reason\":\"stop\"").doesNotContain("content_filter");
    assertThat(ClassifierStreamingTest.released(r.body()))
        .startsWith("Here is a simple bread recipe.").endsWith("until golden.");
    assertThat(STAGE2_RUNS.get()).isGreaterThan(before);
  }

  @Test
  void whole_completionTurnsCompliant_refusalWithoutContent() throws Exception {
    HttpResponse<String> r = h.post("/v1/messages", key, StreamingHaltTest.anthropic(ClassifierStreamingTest.REQUEST, false));

    assertThat(r.body()).contains("\"stop_reason\":\"refusal\"").doesNotContain("nerve agent").doesNotContain("REDACTED");
  }

  @Test
  void stream_upstreamStallsWhileStage2IsOut_heldTextReleasedWhenTheScoreIsIn() throws Exception {
    List<String> words = Tokenizer.words(BREAD);
    String sent = String.join("", words.subList(0, 20)); // what the upstream sends before it stalls
    StringBuilder sse = new StringBuilder();
    HttpRequest request = HttpRequest.newBuilder(URI.create(h.baseUrl() + "/v1/chat/completions"))
        .header("content-type", "application/json").header("authorization", "Bearer " + key)
        .POST(HttpRequest.BodyPublishers.ofString(StreamingHaltTest.openAi("say-bread-stall", true))).build();
    var response = h.http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(String line) {
        synchronized (sse) {
          sse.append(line).append('\n');
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    }));

    String released = "";
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); System.nanoTime() < deadline; Thread.sleep(20)) {
      synchronized (sse) {
        released = ClassifierStreamingTest.released(sse.toString());
      }
      if (released.equals(sent)) {
        break;
      }
    }

    // Everything the upstream sent reached the client while the upstream was still silent.
    assertThat(released).isEqualTo(sent);
    synchronized (sse) {
      assertThat(sse.toString()).doesNotContain("[DONE]").doesNotContain("finish_reason\":\"");
    }
    response.cancel(true);
  }
}
