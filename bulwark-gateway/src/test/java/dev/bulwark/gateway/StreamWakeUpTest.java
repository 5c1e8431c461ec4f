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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream whose text waits for stage 2 in the background is released when the score comes in, not
 * when the next chunk happens to arrive: the upstream here sends twenty words and then goes quiet with
 * the connection open, and stage 2 answers only after it has, so without the wake-up the last text
 * held back would never reach the client.
 */
class StreamWakeUpTest {
  private static final String BREAD = "Here is a simple bread recipe. Mix flour, water, salt and yeast, knead for "
      + "ten minutes, let it rise for an hour, shape it and bake it until golden.";

  private static GatewayHarness h;
  private static String key;
  private static ExecutorService pool;

  @BeforeAll
  static void start() throws Exception {
    ClassifierBundle bundle = ClassifierBundle.builtIn(Encoder::minilm);
    ExecutorService threads = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "test-slow-stage2");
      t.setDaemon(true);
      return t;
    });
    pool = threads;
    // Every decision point goes to stage 2, and each score takes a while: the upstream (2,000 words a
    // second) has stalled before the first one is in.
    ClassifierStage stage = new ClassifierStage("classifier", bundle,
        bundle.cascade(Canonicalizer.defaults(), Ticker.system()).withBand(new Band(0.0, 1.0)),
        "completion", 16, task -> threads.execute(() -> {
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          task.run();
        }));
    h = GatewayHarness.start(SafeguardPipeline.builder().streaming(stage).build(Runnable::run, Ticker.system()));
    key = h.newKey();
  }

  @AfterAll
  static void stop() {
    h.close();
    pool.shutdownNow();
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
