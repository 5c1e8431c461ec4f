package dev.bulwark.core.pipeline;

import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streaming stage that judges in the background, for tests of the guard and of the gateway's relay
 * (shared through this module's test jar): it holds back everything appended until the test settles it
 * with {@link #settle}, which calls the session's wake-up as a background result would.
 */
public final class DeferredStreamingStage implements StreamingStage {
  /** How many chunks were appended, over all sessions. */
  public final AtomicInteger appends = new AtomicInteger();
  /** How many channel ends were asked for, over all sessions. */
  public final AtomicInteger endChannels = new AtomicInteger();
  private volatile Runnable wakeUp = () -> {};
  private volatile Action outcome;

  /** The background result comes in: the held text is cleared ({@code ALLOW}) or halted. */
  public void settle(Action action) {
    outcome = action;
    wakeUp.run();
  }

  @Override
  public String name() {
    return "deferred";
  }

  @Override
  public String version() {
    return "v1";
  }

  @Override
  public StreamSession open(Conversation prompt) {
    return new StreamSession() {
      int held;

      @Override
      public void wakeUpWith(Runnable w) {
        wakeUp = w;
      }

      @Override
      public StreamAssessment append(Channel channel, CharSequence delta) {
        appends.incrementAndGet();
        held += delta.length();
        Action decided = outcome;
        if (decided == null) {
          return StreamAssessment.holding(held);
        }
        held = 0;
        return decided.stops()
            ? StreamAssessment.halt(CategoryScores.of("test", 1.0), "background")
            : StreamAssessment.CLEAR;
      }

      @Override
      public StreamAssessment endChannel(Channel channel) {
        endChannels.incrementAndGet();
        return append(channel, ""); // the channel's end is judged in the background too
      }

      @Override
      public Assessment finish() {
        return Assessment.ALLOW;
      }
    };
  }
}
