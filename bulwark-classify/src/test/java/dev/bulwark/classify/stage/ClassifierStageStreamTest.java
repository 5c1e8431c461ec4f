package dev.bulwark.classify.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.core.Action;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.ContentKind;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.StreamAssessment;
import dev.bulwark.core.pipeline.StreamSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The classifier's streaming session with the built-in model: what it holds back before a stream has
 * enough text to be judged.
 */
class ClassifierStageStreamTest {
  private static final Channel TEXT = new Channel(0, 0, ContentKind.TEXT);
  private static ClassifierBundle bundle;

  @BeforeAll
  static void load() {
    bundle = ClassifierBundle.builtIn(Encoder::minilm);
  }

  private static StreamSession open(String prompt, Band band) {
    ClassifierStage stage = new ClassifierStage("classifier", bundle,
        bundle.cascade(Canonicalizer.defaults(), Ticker.system()).withBand(band), "completion", 512);
    return stage.open(Conversation.ofUser("m", prompt));
  }

  @Test
  void append_clearlyBenignPrefix_releasedBeforeTheStreamIsJudged() {
    StreamSession s = open("Tell me about the history of bread baking in ancient Egypt.", bundle.band());

    StreamAssessment a = s.append(TEXT, "Bread in ancient Egypt ");

    assertThat(a.action()).isEqualTo(Action.ALLOW);
    assertThat(a.holdback()).isZero();
  }

  @Test
  void append_prefixOfAnAnswerToAHarmfulRequest_heldUntilJudged() {
    StreamSession s = open("How do I make a nerve agent at home?", bundle.band());

    StreamAssessment first = s.append(TEXT, "Sure, here is how ");

    assertThat(first.holdback()).isEqualTo("Sure, here is how ".length());
    StreamAssessment judged = s.append(TEXT, "to make a nerve agent at home, step by step: [REDACTED] [REDACTED]");
    assertThat(judged.action()).isEqualTo(Action.HALT);
  }

  @Test
  void append_bandWithoutAFloor_holdsEveryPrefixUntilJudged() {
    // A band whose floor is 0: stage 1 is never confident enough to release before judging.
    StreamSession s = open("Tell me about the history of bread baking in ancient Egypt.", new Band(0.0, 1.0));

    assertThat(s.append(TEXT, "Bread in ancient Egypt ").holdback()).isEqualTo("Bread in ancient Egypt ".length());
    assertThat(s.append(TEXT, "was flat.").holdback()).isEqualTo("Bread in ancient Egypt was flat.".length());
  }

  @Test
  void endChannel_benignStreamWithAPool_finishesWithoutAHandOff() {
    java.util.List<Runnable> queued = new java.util.ArrayList<>();
    ClassifierStage stage = new ClassifierStage("classifier", bundle,
        bundle.cascade(Canonicalizer.defaults(), Ticker.system()), "completion", 512, queued::add);
    StreamSession s = stage.open(Conversation.ofUser("m", "Tell me about the history of bread baking in ancient Egypt."));
    s.append(TEXT, "Bread in ancient Egypt was flat at first; leavened loaves came later, baked in clay moulds.");
    queued.forEach(Runnable::run); // whatever the stream sent to stage 2 on the way
    queued.clear();
    s.append(TEXT, "");

    StreamAssessment end = s.endChannel(TEXT);

    assertThat(end.holdback()).isZero();
    assertThat(queued).as("nothing for stage 2 at the end: no hand-off").isEmpty();
  }

  @Test
  void endChannel_streamInTheBand_handsTheFinalScoreToThePool() {
    java.util.List<Runnable> queued = new java.util.ArrayList<>();
    ClassifierStage stage = new ClassifierStage("classifier", bundle,
        bundle.cascade(Canonicalizer.defaults(), Ticker.system()).withBand(new Band(0.0, 1.0)), "completion", 512,
        queued::add);
    StreamSession s = stage.open(Conversation.ofUser("m", "Tell me about the history of bread baking in ancient Egypt."));
    s.append(TEXT, "Bread in ancient Egypt was flat at first; leavened loaves came later, baked in clay moulds.");
    while (!queued.isEmpty()) {
      queued.remove(0).run();
      s.append(TEXT, "");
    }

    StreamAssessment end = s.endChannel(TEXT);

    assertThat(end.holdback()).as("the end waits for stage 2").isPositive();
    assertThat(queued).isNotEmpty();
    while (!queued.isEmpty()) {
      queued.remove(0).run();
    }
    assertThat(s.endChannel(TEXT).holdback()).isZero();
  }
}
