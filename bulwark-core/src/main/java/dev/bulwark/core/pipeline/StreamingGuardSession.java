package dev.bulwark.core.pipeline;

import dev.bulwark.core.Action;
import dev.bulwark.core.CategoryScores;
import dev.bulwark.core.ScanStatus;
import dev.bulwark.core.Ticker;
import dev.bulwark.core.Verdict;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.StageMode;
import dev.bulwark.core.policy.StagePolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * All streaming stages' sessions for one completion, and the release watermark of each channel.
 *
 * <p>The gateway feeds every chunk of every channel through {@link #append} before it may release any
 * of it, and then releases at most {@link #releasable} characters of that channel: the characters every
 * stage has read and cleared. Once {@link #append} or {@link #endChannel} returns {@link Action#HALT}
 * the session is closed and nothing more may be released.
 *
 * <p>Concurrency: thread-confined, like the stage sessions it drives.
 */
public final class StreamingGuardSession {
  private final Slot[] slots;
  private final Ticker ticker;
  private final Map<Channel, ChannelState> channels = new HashMap<>();
  private @Nullable Verdict haltedBy;
  private boolean finished;

  StreamingGuardSession(List<StreamingStage> stages, Conversation prompt, Policy policy, Ticker ticker) {
    this.ticker = ticker;
    this.slots = new Slot[stages.size()];
    for (int i = 0; i < slots.length; i++) {
      StreamingStage stage = stages.get(i);
      Slot slot = new Slot(stage, policy.stage(stage.policyName()));
      slots[i] = slot;
      if (slot.policy.mode() == StageMode.OFF) {
        slot.status = ScanStatus.SKIPPED;
        slot.reason = "off for this tier";
        continue;
      }
      long start = ticker.read();
      try {
        slot.session = stage.open(prompt, slot.policy);
      } catch (RuntimeException e) {
        fail(slot, e);
      }
      slot.nanos += ticker.read() - start;
      if (haltedBy != null) {
        break;
      }
    }
  }

  /**
   * Feeds the next chunk of a channel to every stage.
   *
   * @return {@code ALLOW}, {@code FLAG}, or {@code HALT} when the stream must stop now
   */
  public Action append(Channel channel, CharSequence delta) {
    checkOpen();
    ChannelState state = channels.computeIfAbsent(channel, c -> new ChannelState(slots.length));
    if (state.ended) {
      throw new IllegalStateException("channel " + channel + " has ended");
    }
    state.length += delta.length();
    return feed(channel, state, delta, false);
  }

  /**
   * Passes the gateway's wake-up to every stage session: a stage that scores in the background calls
   * it when a result is ready, and the gateway then calls {@link #recheck} on the stream's thread.
   */
  public void wakeUpWith(Runnable wakeUp) {
    for (Slot slot : slots) {
      if (slot.session != null && !slot.failed) {
        slot.session.wakeUpWith(wakeUp);
      }
    }
  }

  /**
   * Asks every stage that holds back text again (an open channel with an empty chunk, an ended one
   * with {@code endChannel}): a result that finished in the background may clear that text, or halt.
   * Stages holding nothing back are not asked. After a halt or the finish there is nothing to recheck.
   *
   * @return {@code ALLOW}, {@code FLAG}, or {@code HALT} when the stream must stop now
   */
  public Action recheck() {
    if (haltedBy != null) {
      return Action.HALT;
    }
    if (finished) {
      return Action.ALLOW;
    }
    Action worst = Action.ALLOW;
    for (Map.Entry<Channel, ChannelState> e : channels.entrySet()) {
      ChannelState state = e.getValue();
      if (state.maxHoldback == 0) {
        continue;
      }
      // An open channel gets an empty chunk; an ended one is asked to end again.
      worst = worst.max(feed(e.getKey(), state, "", state.ended, true));
      if (haltedBy != null) {
        return Action.HALT;
      }
    }
    return worst;
  }

  /**
   * Says a channel is complete: every stage must now judge all of it. Once they have, all of it is
   * releasable; a stage judging in the background may keep part of it held until {@link #recheck}
   * finds its result in ({@link #settled()} says when nothing is held any more).
   */
  public Action endChannel(Channel channel) {
    checkOpen();
    ChannelState state = channels.computeIfAbsent(channel, c -> new ChannelState(slots.length));
    if (state.ended) {
      return Action.ALLOW;
    }
    state.ended = true;
    return feed(channel, state, "", true);
  }

  /** Whether no channel holds text back: every stage has cleared everything it read. */
  public boolean settled() {
    for (ChannelState state : channels.values()) {
      if (state.maxHoldback > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * How many characters of {@code channel}, counted from its start, every stage has cleared. Only
   * these may be released to the client.
   */
  public int releasable(Channel channel) {
    if (haltedBy != null) {
      throw new IllegalStateException("the stream was halted; nothing more may be released");
    }
    ChannelState state = channels.get(channel);
    return state == null ? 0 : state.length - state.maxHoldback;
  }

  /** Whether a stage halted the stream. */
  public boolean halted() {
    return haltedBy != null;
  }

  /** The verdict that halted the stream, if one did. */
  public Optional<Verdict> haltedBy() {
    return Optional.ofNullable(haltedBy);
  }

  /**
   * Ends the completion: every stage that is still running gives its view of the whole, and the
   * result holds one verdict per stage, aggregated over the stream (most severe action, highest score
   * per category, total time). Idempotent; after a halt, stages are not asked again.
   */
  public Decision finish() {
    if (!finished && haltedBy == null) {
      for (Slot slot : slots) {
        if (slot.session == null || slot.failed) {
          continue;
        }
        long start = ticker.read();
        try {
          Assessment a = slot.session.finish();
          record(slot, a.action(), a.scores(), a.reason());
        } catch (RuntimeException e) {
          fail(slot, e);
        }
        slot.nanos += ticker.read() - start;
        if (haltedBy != null) {
          break;
        }
      }
    }
    finished = true;
    List<Verdict> verdicts = new ArrayList<>(slots.length);
    for (Slot slot : slots) {
      verdicts.add(slot.verdict());
    }
    return Decision.of(verdicts);
  }

  private Action feed(Channel channel, ChannelState state, CharSequence delta, boolean end) {
    return feed(channel, state, delta, end, false);
  }

  /** Feeds every stage, or with {@code holdingOnly} those that hold text of the channel back. */
  private Action feed(Channel channel, ChannelState state, CharSequence delta, boolean end, boolean holdingOnly) {
    Action worst = Action.ALLOW;
    int maxHoldback = 0;
    for (int i = 0; i < slots.length; i++) {
      if (!holdingOnly || state.holdbacks[i] > 0) {
        Action a = ask(i, channel, state, delta, end);
        if (haltedBy != null) {
          return Action.HALT;
        }
        worst = worst.max(a);
      }
      maxHoldback = Math.max(maxHoldback, state.holdbacks[i]);
    }
    state.maxHoldback = maxHoldback;
    return worst;
  }

  /** Feeds one stage; records its holdback for the channel and returns the action that takes effect. */
  private Action ask(int i, Channel channel, ChannelState state, CharSequence delta, boolean end) {
    Slot slot = slots[i];
    if (slot.session == null || slot.failed) {
      state.holdbacks[i] = 0;
      return Action.ALLOW;
    }
    long start = ticker.read();
    StreamAssessment a;
    try {
      a = end ? slot.session.endChannel(channel) : slot.session.append(channel, delta);
    } catch (RuntimeException e) {
      slot.nanos += ticker.read() - start;
      fail(slot, e);
      state.holdbacks[i] = 0;
      return haltedBy != null ? Action.HALT : Action.ALLOW;
    }
    slot.nanos += ticker.read() - start;
    Action effective = record(slot, a.action(), a.scores(), a.reason());
    state.holdbacks[i] = Math.min(a.holdback(), state.length);
    return effective;
  }

  /** Folds one assessment into the slot; returns the action that takes effect. */
  private Action record(Slot slot, Action asked, CategoryScores scores, @Nullable String reason) {
    Action proposed = asked.stops() ? Action.HALT : asked;
    Action effective =
        proposed.stops() && slot.policy.mode() == StageMode.MONITOR ? Action.FLAG : proposed;
    if (!scores.isEmpty()) {
      slot.scores = slot.scores.union(scores);
    }
    if (proposed.compareTo(slot.proposed) > 0) {
      slot.proposed = proposed;
      slot.reason = reason;
    }
    slot.action = slot.action.max(effective);
    if (effective == Action.HALT) {
      haltedBy = slot.verdict();
    }
    return effective;
  }

  private void fail(Slot slot, RuntimeException error) {
    slot.failed = true;
    Verdict v =
        StageRunner.fromFailure(slot.stage, slot.policy, Action.HALT, error, slot.nanos);
    slot.status = v.status();
    slot.reason = v.reason();
    slot.action = slot.action.max(v.action());
    slot.proposed = slot.proposed.max(v.proposed());
    if (v.action() == Action.HALT) {
      haltedBy = slot.verdict();
    }
  }

  private void checkOpen() {
    if (haltedBy != null) {
      throw new IllegalStateException("the stream was halted");
    }
    if (finished) {
      throw new IllegalStateException("the session is finished");
    }
  }

  private static final class ChannelState {
    final int[] holdbacks;
    int length;
    int maxHoldback;
    boolean ended;

    ChannelState(int stages) {
      this.holdbacks = new int[stages];
    }
  }

  private static final class Slot {
    final StreamingStage stage;
    final StagePolicy policy;
    @Nullable StreamSession session;
    boolean failed;
    Action action = Action.ALLOW;
    Action proposed = Action.ALLOW;
    ScanStatus status = ScanStatus.SCANNED;
    CategoryScores scores = CategoryScores.none();
    @Nullable String reason;
    long nanos;

    Slot(StreamingStage stage, StagePolicy policy) {
      this.stage = stage;
      this.policy = policy;
    }

    Verdict verdict() {
      return new Verdict(
          stage.name(), stage.version(), action, proposed, status, scores, reason, nanos);
    }
  }
}
