package dev.bulwark.classify.phrase;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Assessment;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.ContentKind;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.StreamAssessment;
import dev.bulwark.core.pipeline.StreamSession;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current version of a set of signature rules, for readers that outlive versions (the monitor):
 * each reader takes {@link #current()} once per piece of work, and a new version replaces the old in
 * one atomic step, as {@link dev.bulwark.classify.exemplar.LiveExemplarIndex} does for exemplars.
 * Thread-safe.
 */
public final class LiveSignatures {
  /**
   * The name a rapid-response release's signature rules go by, in the gateway's verdicts and the
   * monitor's findings alike.
   */
  public static final String RAPID_RESPONSE_STAGE = "rapid-response-signatures";

  private static final Channel TEXT = new Channel(0, 0, ContentKind.TEXT);

  private final String stageName;
  private final AtomicReference<Optional<PhraseStage>> current = new AtomicReference<>(Optional.empty());

  /** @param stageName the name the rules' stage reports itself by */
  public LiveSignatures(String stageName) {
    this.stageName = requireNonNull(stageName, "stageName");
  }

  /** The rules to use now, as a stage; empty when there are none. */
  public Optional<PhraseStage> current() {
    return current.get();
  }

  /** Replaces the current rules (none: an empty list). */
  public void swap(List<PhraseRule> rules) {
    current.set(rules.isEmpty() ? Optional.empty() : Optional.of(new PhraseStage(stageName, rules)));
  }

  /**
   * The first rule of {@code stage} that a whole exchange matches: the prompt rules on the prompt,
   * then the completion rules on the completion, read as one finished stream. A blocking rule wins over
   * a flagging one within each; the prompt's is returned when both match.
   *
   * @param completion the completion, or empty for none
   */
  public static Optional<Assessment> match(PhraseStage stage, Conversation prompt, String completion) {
    requireNonNull(stage, "stage");
    Assessment onPrompt = stage.assess(prompt);
    if (onPrompt.action() != Action.ALLOW) {
      return Optional.of(onPrompt);
    }
    if (completion.isEmpty()) {
      return Optional.empty();
    }
    StreamSession s = stage.open(prompt);
    StreamAssessment appended = s.append(TEXT, completion);
    if (appended.action() == Action.HALT) {
      return Optional.of(new Assessment(Action.BLOCK, appended.scores(), appended.reason()));
    }
    StreamAssessment ended = s.endChannel(TEXT);
    if (ended.action() == Action.HALT) {
      return Optional.of(new Assessment(Action.BLOCK, ended.scores(), ended.reason()));
    }
    Assessment finished = s.finish();
    return finished.action() == Action.ALLOW ? Optional.empty() : Optional.of(finished);
  }
}
