package dev.bulwark.response.gate;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Verdict;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.ContentKind;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.Decision;
import dev.bulwark.core.pipeline.StreamingGuardSession;
import dev.bulwark.core.policy.FailureMode;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import dev.bulwark.core.ScanStatus;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.response.Exchange;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a pipeline decides about exchanges, through the same guards a gateway runs: the prompt guard,
 * then (for an exchange with a completion) the streaming guard fed the completion as one text
 * channel. An exchange is blocked when either stops it. Thread-safe.
 */
public final class ReleaseVerdicts {
  /** Enforce everything, fail closed, and a deadline long enough that evaluation never times out. */
  public static final Policy EVALUATION = Policy.builder("standard")
      .defaultStage(new StagePolicy(StageMode.ENFORCE, FailureMode.CLOSED, Duration.ofMinutes(5)))
      .build();

  /** Named when a stopped exchange carries no stopping verdict (the guards always give one). */
  static final String UNKNOWN_STAGE = "unknown";

  private static final Channel TEXT = new Channel(0, 0, ContentKind.TEXT);

  private final String name;
  private final SafeguardPipeline pipeline;
  private final Policy policy;
  private final AtomicLong failures = new AtomicLong();

  /**
   * @param name the release the pipeline runs, for reports
   * @param pipeline composed with an inline executor (stages run on the caller's thread)
   */
  public ReleaseVerdicts(String name, SafeguardPipeline pipeline, Policy policy) {
    this.name = requireNonNull(name, "name");
    this.pipeline = requireNonNull(pipeline, "pipeline");
    this.policy = requireNonNull(policy, "policy");
  }

  public String name() {
    return name;
  }

  /** Whether the exchange is stopped. A failing stage counts as stopping it (fail closed) and is counted. */
  public boolean blocks(Exchange e) {
    return stoppedBy(e).isPresent();
  }

  /**
   * The stage that stopped the exchange (the first to, in pipeline order: the prompt guard's stages,
   * then the streaming guard's), or empty when the exchange passes. A failing stage counts as stopping
   * it (fail closed) and is counted.
   */
  public Optional<String> stoppedBy(Exchange e) {
    SafeguardPipeline p = pipeline.forPolicy(policy.name());
    Conversation conv = e.conversation("evaluation");
    Decision d = p.promptGuard().check(conv, policy).join();
    count(d.verdicts());
    if (d.stops()) {
      return Optional.of(decisiveStage(d));
    }
    if (e.completion() == null || p.streamingGuard().isEmpty()) {
      return Optional.empty();
    }
    StreamingGuardSession s = p.streamingGuard().open(conv, policy);
    if (s.append(TEXT, e.completion()).stops() || s.endChannel(TEXT).stops()) {
      return Optional.of(s.haltedBy().map(Verdict::stage).orElse(UNKNOWN_STAGE));
    }
    Decision f = s.finish();
    count(f.verdicts());
    return f.stops() ? Optional.of(decisiveStage(f)) : Optional.empty();
  }

  private static String decisiveStage(Decision d) {
    return d.decisive().map(Verdict::stage).orElse(UNKNOWN_STAGE);
  }

  /** How many of {@code exchanges} are blocked. */
  public int blocked(List<Exchange> exchanges) {
    int n = 0;
    for (Exchange e : exchanges) {
      if (blocks(e)) {
        n++;
      }
    }
    return n;
  }

  /** Stage failures seen so far (each also counted as a block). */
  public long failures() {
    return failures.get();
  }

  private void count(List<Verdict> verdicts) {
    for (Verdict v : verdicts) {
      if (v.status() == ScanStatus.FAILED_CLOSED || v.status() == ScanStatus.FAILED_OPEN) {
        failures.incrementAndGet();
      }
    }
  }
}
