package dev.bulwark.classify.stage;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.Classification;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.cascade.CompletionStream;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.ContentKind;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.PromptStage;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.StreamAssessment;
import dev.bulwark.core.pipeline.StreamSession;
import dev.bulwark.core.pipeline.StreamingStage;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.core.policy.StagePolicy;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The trained cascade as a prompt stage and a streaming completion stage. Thread-safe; each stream
 * gets its own session.
 *
 * <p>A category stops content when its probability reaches the tier's threshold for it (the bundle's
 * calibrated threshold where the tier sets none); a category the tier monitors only is flagged instead.
 * Streams are judged on the cumulative maximum, so a stream that crossed a threshold never uncrosses.
 */
public final class ClassifierStage implements PromptStage, StreamingStage {
  /** A prefix goes out before it is judged only below this share of each category's threshold. */
  static final double EARLY_RELEASE_SHARE = 0.5;

  private final String name;
  private final String version;
  private final Cascade cascade;
  private final ClassifierBundle.Thresholds promptThresholds;
  private final ClassifierBundle.Thresholds completionThresholds;
  private final boolean prompts;
  private final boolean completions;
  private final int checkpointChars;
  private final @Nullable Executor streamStage2;

  /**
   * A stage whose streams run stage 2 on the stream's own thread.
   *
   * @param scope {@code prompt}, {@code completion} or {@code both}
   * @param checkpointChars how often a stream rescores its tail with decoded views and stage 2
   */
  public ClassifierStage(
      String name, ClassifierBundle bundle, Cascade cascade, String scope, int checkpointChars) {
    this(name, bundle, cascade, scope, checkpointChars, null);
  }

  /**
   * A stage whose streams run stage 2 on {@code streamStage2} (the gateway's stage pool): a stream's
   * text waiting for a stage-2 score is held back instead of its thread waiting, under the tier's
   * stage timeout.
   *
   * @param streamStage2 where streams run stage 2; null for the stream's own thread
   */
  public ClassifierStage(String name, ClassifierBundle bundle, Cascade cascade, String scope,
      int checkpointChars, @Nullable Executor streamStage2) {
    this.streamStage2 = streamStage2;
    this.name = requireNonNull(name, "name");
    this.version = bundle.version() + "@" + bundle.digest().substring(0, Math.min(19, bundle.digest().length()));
    this.cascade = requireNonNull(cascade, "cascade");
    this.promptThresholds = bundle.promptThresholds();
    this.completionThresholds = bundle.completionThresholds();
    switch (scope) {
      case "prompt" -> { prompts = true; completions = false; }
      case "completion" -> { prompts = false; completions = true; }
      case "both" -> { prompts = true; completions = true; }
      default -> throw new IllegalArgumentException("scope must be prompt, completion or both, was " + scope);
    }
    if (checkpointChars < 1) {
      throw new IllegalArgumentException("checkpointChars must be positive, was " + checkpointChars);
    }
    this.checkpointChars = checkpointChars;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return version;
  }

  /** Stage 2 takes milliseconds: prompts are classified on the stage pool, under the tier's deadline. */
  @Override
  public Execution execution() {
    return Execution.OFFLOAD;
  }

  /** The sentence encoder of the stage's stage 2, if it has one: stages that embed the same prompts share it. */
  public Optional<Encoder> encoder() {
    return cascade.encoder();
  }

  /** The thresholds the stage judges prompts by when a tier sets none of its own. */
  public ClassifierBundle.Thresholds promptThresholds() {
    return promptThresholds;
  }

  public boolean scansPrompts() {
    return prompts;
  }

  public boolean scansCompletions() {
    return completions;
  }

  @Override
  public Assessment assess(Conversation prompt) {
    return assess(prompt, StagePolicy.DEFAULT);
  }

  @Override
  public Assessment assess(Conversation prompt, StagePolicy policy) {
    if (!prompts) {
      return Assessment.ALLOW;
    }
    Classification c = classify(prompt);
    Decision d = decide(c.probabilities(), promptThresholds, policy, c.decidedBy(), c.view());
    return new Assessment(d.stop ? Action.BLOCK : d.flag ? Action.FLAG : Action.ALLOW,
        c.probabilities().toCategoryScores(), d.reason);
  }

  /** The prompt's classification: the last user turn, and the whole conversation when it has more. */
  public Classification classify(Conversation prompt) {
    String last = lastUserText(prompt);
    Classification c = cascade.classifyPrompt(last);
    if (prompt.turns().size() > 1) {
      String whole = prompt.turns().stream().map(Turn::text).collect(Collectors.joining("\n\n"));
      Classification w = cascade.classifyPrompt(whole);
      if (w.score() > c.score()) {
        c = w;
      }
    }
    return c;
  }

  @Override
  public StreamSession open(Conversation prompt) {
    return open(prompt, StagePolicy.DEFAULT);
  }

  @Override
  public StreamSession open(Conversation prompt, StagePolicy policy) {
    return new Session(lastUserText(prompt), requireNonNull(policy, "policy"));
  }

  private static String lastUserText(Conversation prompt) {
    for (int i = prompt.turns().size() - 1; i >= 0; i--) {
      Turn t = prompt.turns().get(i);
      if (t.role() == Role.USER) {
        return t.text();
      }
    }
    return prompt.turns().isEmpty() ? "" : prompt.turns().get(prompt.turns().size() - 1).text();
  }

  static Decision decide(
      Probabilities p, ClassifierBundle.Thresholds defaults, StagePolicy policy, String stage, String view) {
    boolean stop = false;
    boolean flag = false;
    StringBuilder reason = null;
    for (Category c : Category.ALL) {
      double t = policy.threshold(c.id(), defaults.get(c));
      double score = p.get(c);
      if (score >= t) {
        boolean monitor = policy.monitorsOnly(c.id());
        stop |= !monitor;
        flag |= monitor;
        if (reason == null) {
          reason = new StringBuilder();
        } else {
          reason.append("; ");
        }
        reason.append(String.format(Locale.ROOT, "%s %.3f >= %.3f%s", c.id(), score, t, monitor ? " (monitor)" : ""));
      }
    }
    if (reason != null) {
      reason.append(" by ").append(stage).append(" on view ").append(view);
    }
    return new Decision(stop, flag, reason == null ? null : reason.toString());
  }

  record Decision(boolean stop, boolean flag, @Nullable String reason) {}

  /** A channel's end being judged on the pool. Confined to the session's thread, like the session. */
  private static final class Ending {
    final java.util.concurrent.CompletableFuture<Probabilities> result;
    final int held;
    final long since;
    boolean judged;

    Ending(java.util.concurrent.CompletableFuture<Probabilities> result, int held, long since) {
      this.result = result;
      this.held = held;
      this.since = since;
    }
  }

  /** One completion: a {@link CompletionStream} per channel that carries text. */
  private final class Session implements StreamSession {
    private final String context;
    private final StagePolicy policy;
    private final Map<Channel, CompletionStream> streams = new HashMap<>();
    /** Per channel, the characters released before the stream was judged (a clearly benign prefix). */
    private final Map<Channel, long[]> released = new HashMap<>();
    /** Channels whose end is being judged on the pool, until endChannel or finish takes the result. */
    private final Map<Channel, Ending> endings = new HashMap<>();
    private Probabilities max = Probabilities.zero();
    private String decidedBy = "stage1";
    private String view = "normalized";
    private Runnable wakeUp = () -> {};

    Session(String context, StagePolicy policy) {
      this.context = context;
      this.policy = policy;
    }

    @Override
    public void wakeUpWith(Runnable wakeUp) {
      this.wakeUp = requireNonNull(wakeUp, "wakeUp");
    }

    @Override
    public StreamAssessment append(Channel channel, CharSequence delta) {
      if (!completions || channel.kind() == ContentKind.TOOL_NAME) {
        return StreamAssessment.CLEAR;
      }
      CompletionStream s = streams.computeIfAbsent(channel, ch -> open());
      Probabilities p = s.append(delta);
      if (!s.judging()) {
        // Too little text to judge: a running maximum would keep a short prefix's noise. But a prefix
        // that stage 1 (reading the prompt too) finds clearly benign need not wait for the rest: it is
        // released now, scored and not latched; anything else waits for enough text or the channel's
        // end. Without this every stream's first ~12 tokens waited (about 180 ms at 50 tokens/s).
        long[] early = released.computeIfAbsent(channel, ch -> new long[1]);
        if (clearlyBenign(s.stage1())) {
          early[0] = s.chars();
        }
        return StreamAssessment.holding((int) (s.chars() - early[0]));
      }
      return judge(s, p);
    }

    /**
     * Whether a short prefix may go out before it is judged: every category below both the band's
     * floor (where stage 1 alone allows, without asking stage 2) and half its threshold.
     */
    private boolean clearlyBenign(Probabilities s1) {
      for (Category c : Category.ALL) {
        double bar = Math.min(cascade.band().low(), EARLY_RELEASE_SHARE * policy.threshold(c.id(), completionThresholds.get(c)));
        if (s1.get(c) >= bar) {
          return false;
        }
      }
      return true;
    }

    private CompletionStream open() {
      if (streamStage2 == null) {
        return cascade.openCompletion(context, checkpointChars);
      }
      Runnable wake = wakeUp;
      return cascade.openCompletion(context, checkpointChars,
          new CompletionStream.Background(streamStage2, policy.timeout().toNanos(), wake));
    }

    @Override
    public StreamAssessment endChannel(Channel channel) {
      CompletionStream s = streams.get(channel);
      if (s == null) {
        return StreamAssessment.CLEAR;
      }
      Ending e = endings.get(channel);
      if (e == null && (streamStage2 == null || !s.finishNeedsStage2())) {
        return judge(s, s.finish()); // nothing for stage 2 to do: finish here, no hand-off
      }
      if (e == null) {
        // The final rescoring (stage 2 on the whole tail) runs on the pool too; what is not yet cleared
        // stays held, at least one character so that the gateway waits for the verdict.
        int held = (int) Math.min(Integer.MAX_VALUE, Math.max(1, s.heldChars()));
        e = new Ending(s.finishInBackground(), held, cascade.ticker().read());
        endings.put(channel, e);
      }
      if (e.judged) {
        return StreamAssessment.CLEAR;
      }
      if (!e.result.isDone()) {
        long waited = cascade.ticker().read() - e.since;
        if (waited > policy.timeout().toNanos()) {
          e.result.cancel(false);
          throw new IllegalStateException("stage 2 took longer than " + policy.timeout().toMillis() + " ms");
        }
        return StreamAssessment.holding(e.held);
      }
      return take(s, e);
    }

    private StreamAssessment take(CompletionStream s, Ending e) {
      e.judged = true;
      Probabilities p;
      try {
        p = e.result.join();
      } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException x) {
        throw new IllegalStateException("stage 2 failed: " + (x.getCause() == null ? x : x.getCause()), x);
      }
      return judge(s, p);
    }

    @Override
    public Assessment finish() {
      // A caller that did not wait for the ends judged on the pool (an offline evaluation) waits here.
      for (Map.Entry<Channel, Ending> en : endings.entrySet()) {
        Ending e = en.getValue();
        if (!e.judged) {
          try {
            e.result.get(policy.timeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
          } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException x) {
            // take() reports a failure; a timeout is reported as one
            e.result.cancel(false);
          } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for stage 2", x);
          }
          take(streams.get(en.getKey()), e);
        }
      }
      Decision d = decide(max, completionThresholds, policy, decidedBy, view);
      return new Assessment(d.stop ? Action.HALT : d.flag ? Action.FLAG : Action.ALLOW,
          completions ? max.toCategoryScores() : dev.bulwark.core.CategoryScores.none(), d.reason);
    }

    private StreamAssessment judge(CompletionStream s, Probabilities p) {
      if (p.max() > max.max()) {
        decidedBy = s.decidedBy();
        view = s.view();
      }
      max = max.maxWith(p);
      Decision d = decide(p, completionThresholds, policy, s.decidedBy(), s.view());
      if (d.stop) {
        return StreamAssessment.halt(p.toCategoryScores(), requireNonNull(d.reason));
      }
      // Text waiting for a stage-2 score running in the background stays held back.
      int held = (int) Math.min(Integer.MAX_VALUE, s.heldChars());
      return d.flag
          ? new StreamAssessment(Action.FLAG, p.toCategoryScores(), d.reason, held)
          : StreamAssessment.holding(held);
    }
  }
}
