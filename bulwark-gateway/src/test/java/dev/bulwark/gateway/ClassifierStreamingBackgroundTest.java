package dev.bulwark.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.core.Ticker;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classifier's streaming stage with stage 2 on a thread pool, as {@code serve} runs it, through the
 * real gateway: every decision point is sent to stage 2 (a band over the whole range), the event loop
 * holds the text back meanwhile and is woken when a score is in. The guarantee and the verdicts are
 * those of {@link ClassifierStreamingTest}, where stage 2 runs inline.
 */
class ClassifierStreamingBackgroundTest {
  private static final AtomicInteger STAGE2_RUNS = new AtomicInteger();
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
          threads.execute(task);
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
}
