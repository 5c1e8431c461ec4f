package dev.bulwark.bench.jmh;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.cascade.CompletionStream;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.classify.stage.DetectorStage;
import dev.bulwark.core.Action;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Conversation;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The built-in classifier's hot paths, against the targets (one thread):
 *
 * <ul>
 *   <li>{@link #stage1Prompt500Words}: stage 1 alone (canonicalization and every view included) on a
 *       500-word benign prompt — target 0.5 ms;
 *   <li>{@link #streamAppendToken}: one ~4-character token appended to a completion stream, stage 1
 *       incremental plus the periodic checkpoints, amortized — target 2 µs;
 *   <li>{@link #stage2Window}: stage 2 on one full encoder window (~120 word pieces) — target 15 ms;
 *   <li>{@link #cascadeBenignPrompt}: the whole cascade on a rotating set of short benign prompts, as
 *       deployed (stage 2 only where stage 1 lands in the band) — target 2 ms on average;
 *   <li>{@link #streamEscalatingChunkInline} and {@link #streamEscalatingChunkBackground}: the time a
 *       stream's own thread (the gateway's event loop) spends per 16-character chunk of a completion
 *       whose every decision point goes to stage 2 (a band over the whole range, the worst case), with
 *       stage 2 inline and with stage 2 on a pool thread as {@code serve} runs it;
 *   <li>{@link #streamLongExchange}: one whole long exchange streamed and finished (a 2,200-char prompt
 *       as context, a ~3,700-char completion in word tokens): where the prompt's end, read again for
 *       every window and checkpoint, used to cost more than the completion itself;
 *   <li>{@link #promptStageBenign} and {@link #promptStageBenignWithDetector}: the classifier prompt
 *       stage on the rotating benign prompts, alone and followed by a rapid-response classifier
 *       patch's {@link DetectorStage} (what a release with a classifier patch adds to every prompt).
 *       The detector here is a second copy of the built-in model at a 0.5 threshold: a patched model
 *       has the same shape (stage 1, the MiniLM head, the same band), so it costs the same per prompt.
 *       Both share one encoder, as a gateway's classifier and detector do: a window the classifier's
 *       stage 2 embedded is not embedded again by the detector's.
 * </ul>
 *
 * <p>The encoder remembers its latest window embeddings, and these benchmarks repeat their texts: the
 * benchmarks that run stage 2 on short texts make it forget at the start of every call (about 0.1 µs:
 * two empty maps), so they measure the model, as a stream of distinct prompts would, and the streams
 * start each iteration with the encoder's memory empty. (A JMH state with a per-invocation setup would
 * get its own copy of this state, and so its own encoder.)
 *
 * <p>Run: {@code bench/jmh.sh ClassifierBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ClassifierBenchmark {
  private static final int TOKENS = 4096;
  private static final String[] BENIGN = {
    "How do I center a div in CSS?",
    "Write a haiku about autumn leaves.",
    "What is the capital of Australia?",
    "Summarize the plot of Pride and Prejudice in three sentences.",
    "How long should I boil an egg for a soft yolk?",
    "Explain the difference between TCP and UDP.",
    "Give me a recipe that uses chickpeas and spinach.",
    "What causes the seasons on Earth?",
    "Help me write a polite email declining a meeting.",
    "Why do cats purr?",
    "How do I kill a Python process that hangs?",
    "What were the main causes of the First World War?",
  };

  private Cascade cascade;
  private Cascade stage1;
  private Encoder encoder;
  private String prompt500;
  private String window;
  private String[] tokens;
  private CompletionStream stream;
  private Cascade escalating;
  private ExecutorService stage2Pool;
  private CompletionStream inlineStream;
  private CompletionStream backgroundStream;
  private String[] chunks;
  private String longPrompt;
  private String[] longTokens;
  private int next;
  private int benign;
  private ClassifierStage promptStage;
  private DetectorStage detector;
  private Conversation[] benignConversations;

  @Setup(Level.Trial)
  public void setUp() {
    encoder = Encoder.minilm();
    ClassifierBundle bundle = ClassifierBundle.builtIn(() -> encoder);
    cascade = bundle.cascade(Canonicalizer.defaults(), Ticker.system());
    stage1 = cascade.withBand(Band.NONE);
    prompt500 = BenchText.words(500);
    window = encoder.windows(BenchText.words(400)).get(0).text();
    tokens = BenchText.tokens(TOKENS);
    escalating = cascade.withBand(new Band(0.0, 1.0));
    stage2Pool = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bench-stage2");
      t.setDaemon(true);
      return t;
    });
    promptStage = new ClassifierStage("classifier", bundle, cascade, "prompt", 256);
    ClassifierBundle copy = ClassifierBundle.builtIn(() -> encoder);
    detector = new DetectorStage("rapid-response-classifier", "classifier", copy, copy.cascade(Canonicalizer.defaults(), Ticker.system()),
        promptStage, Category.JAILBREAK, 0.5, 1.5);
    benignConversations = new Conversation[BENIGN.length];
    for (int i = 0; i < BENIGN.length; i++) {
      benignConversations[i] = Conversation.ofUser("bench", BENIGN[i]);
    }
    longPrompt = BenchText.words(400);
    longTokens = BenchText.words(650).split("(?<= )");
    String text = String.join("", tokens);
    chunks = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      int at = (i * CompletionStream.DECISION_GRID) % (text.length() - CompletionStream.DECISION_GRID);
      chunks[i] = text.substring(at, at + CompletionStream.DECISION_GRID);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    stage2Pool.shutdownNow();
  }

  /** A fresh stream each iteration: a long completion, as a model writes one. */
  @Setup(Level.Iteration)
  public void openStream() {
    encoder.forgetRecent();
    stream = cascade.openCompletion("Tell me about the history of bread.", 512);
    inlineStream = escalating.openCompletion("Tell me about the history of bread.", 512);
    backgroundStream = escalating.openCompletion("Tell me about the history of bread.", 512,
        new CompletionStream.Background(stage2Pool, TimeUnit.MINUTES.toNanos(10), () -> {}));
    next = 0;
  }

  @Benchmark
  public Classification stage1Prompt500Words() {
    return stage1.classifyPrompt(prompt500);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Probabilities streamAppendToken() {
    return stream.append(tokens[next++ & (TOKENS - 1)]);
  }

  @Benchmark
  public float[] stage2Window() {
    encoder.forgetRecent();
    return encoder.embed(window);
  }

  @Benchmark
  public Classification cascadeBenignPrompt() {
    encoder.forgetRecent();
    return cascade.classifyPrompt(BENIGN[benign++ % BENIGN.length]);
  }

  @Benchmark
  public Assessment promptStageBenign() {
    encoder.forgetRecent();
    return promptStage.assess(benignConversations[benign++ % BENIGN.length]);
  }

  @Benchmark
  public Assessment promptStageBenignWithDetector() {
    encoder.forgetRecent();
    Conversation c = benignConversations[benign++ % BENIGN.length];
    Assessment a = promptStage.assess(c);
    return a.action() == Action.ALLOW ? detector.assess(c) : a;
  }

  @Benchmark
  public Probabilities streamEscalatingChunkInline() {
    return inlineStream.append(chunks[next++ & (TOKENS - 1)]);
  }

  @Benchmark
  public Probabilities streamEscalatingChunkBackground() {
    return backgroundStream.append(chunks[next++ & (TOKENS - 1)]);
  }

  @Benchmark
  public Probabilities streamLongExchange() {
    CompletionStream s = stage1.openCompletion(longPrompt, 512);
    for (String t : longTokens) {
      s.append(t);
    }
    return s.finish();
  }
}
