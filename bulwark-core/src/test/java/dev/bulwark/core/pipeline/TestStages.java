package dev.bulwark.core.pipeline;

import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/** Small stages for exercising the pipeline runtime. */
final class TestStages {
  private TestStages() {}

  /** A prompt stage that answers with a fixed function and records that it ran. */
  static final class FixedPrompt implements PromptStage {
    final String name;
    final Function<Conversation, Assessment> answer;
    final List<Conversation> seen = new ArrayList<>();
    final Execution execution;

    FixedPrompt(String name, Function<Conversation, Assessment> answer) {
      this(name, answer, Execution.INLINE);
    }

    FixedPrompt(String name, Function<Conversation, Assessment> answer, Execution execution) {
      this.name = name;
      this.answer = answer;
      this.execution = execution;
    }

    static FixedPrompt answering(String name, Action action) {
      return new FixedPrompt(name, c -> new Assessment(action, CategoryScores.of("test", action == Action.ALLOW ? 0.0 : 1.0), name + "-rule"));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String version() {
      return "v1";
    }

    @Override
    public Execution execution() {
      return execution;
    }

    @Override
    public synchronized Assessment assess(Conversation prompt) {
      seen.add(prompt);
      return answer.apply(prompt);
    }
  }

  /** An offloaded stage that waits until released: for timeouts. */
  static final class Blocking implements PromptStage {
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public String version() {
      return "v1";
    }

    @Override
    public Execution execution() {
      return Execution.OFFLOAD;
    }

    @Override
    public Assessment assess(Conversation prompt) throws InterruptedException {
      release.await();
      return Assessment.ALLOW;
    }
  }

  /**
   * A streaming stage that halts when the channel's text contains {@code trigger}, and holds back any
   * suffix of the text that is a prefix of the trigger.
   */
  static final class Trigger implements StreamingStage {
    final String name;
    final String trigger;
    final Action action;

    Trigger(String name, String trigger, Action action) {
      this.name = name;
      this.trigger = trigger;
      this.action = action;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String version() {
      return "v1";
    }

    @Override
    public StreamSession open(Conversation prompt) {
      return new StreamSession() {
        final java.util.Map<Channel, StringBuilder> texts = new java.util.HashMap<>();

        @Override
        public StreamAssessment append(Channel channel, CharSequence delta) {
          StringBuilder sb = texts.computeIfAbsent(channel, c -> new StringBuilder());
          sb.append(delta);
          if (sb.indexOf(trigger) >= 0) {
            return new StreamAssessment(action, CategoryScores.of("test", 1.0), "trigger", 0);
          }
          for (int k = Math.min(trigger.length() - 1, sb.length()); k > 0; k--) {
            if (sb.substring(sb.length() - k).equals(trigger.substring(0, k))) {
              return StreamAssessment.holding(k);
            }
          }
          return StreamAssessment.CLEAR;
        }

        @Override
        public StreamAssessment endChannel(Channel channel) {
          return StreamAssessment.CLEAR;
        }

        @Override
        public Assessment finish() {
          return Assessment.ALLOW;
        }
      };
    }
  }

  /** A streaming stage whose sessions throw on the first append. */
  static final class Broken implements StreamingStage {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public String version() {
      return "v1";
    }

    @Override
    public StreamSession open(Conversation prompt) {
      return new StreamSession() {
        @Override
        public StreamAssessment append(Channel channel, CharSequence delta) {
          throw new IllegalStateException("model crashed");
        }

        @Override
        public StreamAssessment endChannel(Channel channel) {
          return StreamAssessment.CLEAR;
        }

        @Override
        public Assessment finish() {
          return Assessment.ALLOW;
        }
      };
    }
  }
}
