package dev.bulwark.bench.jmh;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.ContentKind;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.Decision;
import dev.bulwark.core.pipeline.StreamAssessment;
import dev.bulwark.core.pipeline.StreamSession;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.gateway.SafeguardPipeline;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The phrase stage with the embedded defaults' rules ({@code bulwark-default.yaml}):
 *
 * <ul>
 *   <li>{@link #streamAppendToken}: one streamed token of about four characters appended to an open
 *       completion session: the stage's cost per streamed token;
 *   <li>{@link #prompt500Words}: a 500-word prompt assessed by the stage;
 *   <li>{@link #promptGuard500Words}: the same through the pipeline's prompt guard, as the gateway runs it
 *       (stage runner, verdict, decision).
 * </ul>
 *
 * <p>{@code rules=default} is the defaults as shipped: three phrases apply to completions, and the one
 * pattern to prompts only. {@code rules=default+stream-pattern} adds that pattern for completions too,
 * to show what a regex rule costs per streamed token (a window re-scanned on every chunk).
 *
 * <p>Run: {@code bench/jmh.sh PhraseStageBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PhraseStageBenchmark {
  private static final int TOKENS = 4096;
  private static final Channel TEXT = new Channel(0, 0, ContentKind.TEXT);

  @Param({"default", "default+stream-pattern"})
  public String rules = "default";

  private PhraseStage stage = new PhraseStage("unset", java.util.List.of());
  private Conversation prompt = Conversation.ofUser("bench", "");
  private Policy policy = Policy.builder("unset").build();
  private SafeguardPipeline pipeline = SafeguardPipeline.passThrough();
  private String[] tokens = new String[0];
  private StreamSession session = stage.open(prompt);
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    BulwarkConfig config = BenchText.defaults();
    stage = new PhraseStage("phrases", BenchText.rules(config, rules.endsWith("stream-pattern")));
    policy = BenchText.standardPolicy(config);
    pipeline = SafeguardPipeline.builder().prompt(stage).streaming(stage).build(Runnable::run, Ticker.system());
    prompt = Conversation.ofUser("bench", BenchText.words(500));
    tokens = BenchText.tokens(TOKENS);
  }

  /** A fresh completion session each iteration, so that no iteration inherits another's state. */
  @Setup(Level.Iteration)
  public void openSession() {
    session = stage.open(prompt);
    next = 0;
  }

  @Benchmark
  public StreamAssessment streamAppendToken() {
    return session.append(TEXT, tokens[next++ & (TOKENS - 1)]);
  }

  @Benchmark
  public Assessment prompt500Words() {
    return stage.assess(prompt);
  }

  @Benchmark
  public Decision promptGuard500Words() {
    return pipeline.promptGuard().check(prompt, policy).join();
  }
}
