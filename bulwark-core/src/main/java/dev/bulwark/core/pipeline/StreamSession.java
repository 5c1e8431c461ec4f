package dev.bulwark.core.pipeline;

/**
 * One completion's state inside a {@link StreamingStage}.
 *
 * <p>Concurrency: thread-confined. The gateway calls a session from one thread at a time, in stream
 * order, and never after {@link #finish()}. Each call should cost time proportional to the chunk, not
 * to the text so far.
 */
public interface StreamSession {
  /**
   * Reads the next chunk of a channel.
   *
   * @throws RuntimeException on failure; the pipeline applies the tier's failure mode
   */
  StreamAssessment append(Channel channel, CharSequence delta);

  /**
   * Says that a channel is complete: no more text can follow, so everything read must now be judged.
   * A synchronous stage judges it here and returns a holdback of 0. A stage that judges in the
   * background (see {@link #wakeUpWith}) may return a positive holdback instead, keeping what is not
   * yet judged from release, and wake the gateway when its result is in: the gateway then calls
   * {@code endChannel} again for that channel, with no new text, until the holdback is 0.
   */
  StreamAssessment endChannel(Channel channel);

  /**
   * Says the completion is complete, and returns the stage's view of the whole of it. The gateway
   * calls it once every channel has ended with a holdback of 0; a caller that does not wait for that
   * (an offline evaluation) gets a stage that waits here for whatever it still has in the background.
   */
  Assessment finish();

  /**
   * Registers what to call when work this session runs in the background (a model on another thread)
   * has finished, so that text it holds back may now be cleared or halted. The callback may run on
   * any thread and must only schedule: the gateway answers it on the stream's own thread by appending
   * an empty chunk to each channel that still holds text back. A session that never works in the
   * background ignores it, as the default does.
   */
  default void wakeUpWith(Runnable wakeUp) {}
}
