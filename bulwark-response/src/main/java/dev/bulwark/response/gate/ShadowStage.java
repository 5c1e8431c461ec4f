package dev.bulwark.response.gate;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.PromptStage;
import dev.bulwark.response.Exchange;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's shadow period on live traffic: a prompt stage that never acts (it always allows and
 * records nothing in the verdict but its name), and for each prompt asks both the candidate and the
 * running version whether they would block it, counting agreement. Prompts on which they disagree go
 * to {@code disagreements} (the review queue: edge cases a person decides). Thread-safe.
 */
public final class ShadowStage implements PromptStage {
  private static final Logger log = LoggerFactory.getLogger(ShadowStage.class);

  private final String candidateId;
  private final ReleaseVerdicts candidate;
  private final ReleaseVerdicts current;
  private final Consumer<Disagreement> disagreements;
  private long total;
  private long bothBlock;
  private long newlyBlocked;
  private long newlyAllowed;

  public ShadowStage(String candidateId, ReleaseVerdicts candidate, ReleaseVerdicts current, Consumer<Disagreement> disagreements) {
    this.candidateId = requireNonNull(candidateId, "candidateId");
    this.candidate = requireNonNull(candidate, "candidate");
    this.current = requireNonNull(current, "current");
    this.disagreements = requireNonNull(disagreements, "disagreements");
  }

  /** A prompt on which the two versions disagree. */
  public record Disagreement(String candidateId, Exchange exchange, boolean candidateBlocks) {}

  /**
   * Counts so far.
   *
   * @param newlyBlocked prompts the candidate would block and the running version allows
   * @param newlyAllowed the reverse
   */
  public record Stats(long total, long bothBlock, long newlyBlocked, long newlyAllowed) {
    public double disagreementRate() {
      return total == 0 ? 0 : (double) (newlyBlocked + newlyAllowed) / total;
    }
  }

  @Override
  public String name() {
    return "rapid-response-shadow";
  }

  @Override
  public String version() {
    return candidateId;
  }

  @Override
  public Execution execution() {
    return Execution.OFFLOAD;
  }

  @Override
  public Assessment assess(Conversation prompt) {
    if (prompt.turns().isEmpty()) {
      return Assessment.ALLOW;
    }
    Exchange e = new Exchange(prompt.turns(), null);
    boolean c = candidate.blocks(e);
    boolean r = current.blocks(e);
    synchronized (this) {
      total++;
      if (c && r) {
        bothBlock++;
      } else if (c) {
        newlyBlocked++;
      } else if (r) {
        newlyAllowed++;
      }
    }
    if (c != r) {
      disagreements.accept(new Disagreement(candidateId, e, c));
    }
    return Assessment.ALLOW;
  }

  public synchronized Stats stats() {
    return new Stats(total, bothBlock, newlyBlocked, newlyAllowed);
  }

  /**
   * One stage that runs several shadow periods at once (a gateway holds one shadow stage): each
   * compares its candidate, none acts. One that fails is logged and skipped, so that it neither stops
   * the others nor, through the tier's failure mode, the prompt.
   */
  public static PromptStage combined(List<ShadowStage> stages) {
    List<ShadowStage> all = List.copyOf(stages);
    if (all.size() == 1) {
      return all.get(0);
    }
    String version = String.join("+", all.stream().map(s -> s.candidateId).toList());
    return new PromptStage() {
      @Override
      public String name() {
        return "rapid-response-shadow";
      }

      @Override
      public String version() {
        return version;
      }

      @Override
      public Execution execution() {
        return Execution.OFFLOAD;
      }

      @Override
      public Assessment assess(Conversation prompt) {
        for (ShadowStage s : all) {
          try {
            s.assess(prompt);
          } catch (RuntimeException e) {
            log.warn("rapid response: the shadow period of {} failed on a prompt: {}", s.candidateId, e.toString());
          }
        }
        return Assessment.ALLOW;
      }
    };
  }

  /** A sink that keeps the first {@code max} disagreements in memory (for tests and the CLI). */
  public static Consumer<Disagreement> collecting(List<Disagreement> into, int max) {
    List<Disagreement> target = requireNonNull(into, "into");
    return d -> {
      synchronized (target) {
        if (target.size() < max) {
          target.add(d);
        }
      }
    };
  }
}
