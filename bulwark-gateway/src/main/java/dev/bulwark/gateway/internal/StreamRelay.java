package dev.bulwark.gateway.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.Completion;
import dev.bulwark.core.pipeline.ContentKind;
import dev.bulwark.core.pipeline.Decision;
import dev.bulwark.core.pipeline.StreamingGuardSession;
import dev.bulwark.protocol.model.BlockType;
import dev.bulwark.protocol.model.StopReason;
import dev.bulwark.protocol.model.StreamEvent;
import dev.bulwark.protocol.model.StreamEvent.BlockDelta;
import dev.bulwark.protocol.model.StreamEvent.BlockStart;
import dev.bulwark.protocol.model.StreamEvent.BlockStop;
import dev.bulwark.protocol.model.StreamEvent.ChoiceStop;
import dev.bulwark.protocol.model.StreamEvent.MessageStart;
import dev.bulwark.protocol.model.StreamEvent.MessageStop;
import dev.bulwark.protocol.model.StreamEvent.Ping;
import dev.bulwark.protocol.model.StreamEvent.SignatureDelta;
import dev.bulwark.protocol.model.StreamEvent.StreamError;
import dev.bulwark.protocol.model.StreamEvent.UsageUpdate;
import dev.bulwark.protocol.model.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Sits between an upstream's canonical stream and the client's encoder, and enforces the streaming
 * guarantee: no character of text, thinking, tool name or tool arguments reaches the client before
 * every streaming stage has scored it and cleared it.
 *
 * <p>Each content event is fed to the {@link StreamingGuardSession} on arrival and queued per choice;
 * the queue's head is released only as far as the session's {@link StreamingGuardSession#releasable}
 * watermark for its channel allows, splitting a delta when only part of it is cleared. Events that carry
 * no content (block and choice ends, signatures) keep their place in the queue, so the client sees the
 * upstream's order within each choice. On a halt the queues are dropped unreleased, the upstream is
 * cancelled, and the client's stream is closed the protocol's way: open blocks stopped, every choice
 * stopped with {@link StopReason#REFUSAL}, the usage so far, the end marker.
 *
 * <p>Concurrency: thread-confined (the request's event loop).
 */
final class StreamRelay {
  /** What the relay tells its owner. */
  interface Listener {
    /** Text was released to the client for the first time. */
    void firstContentReleased();

    /** The relay halted; the owner must cancel the upstream request. */
    void halted();
  }

  /** What {@link #accept} reports. */
  enum Status {
    /** Keep feeding events. */
    STREAMING,
    /**
     * The upstream finished, but a stage judging in the background still holds text back: wait for its
     * wake-up and {@link #recheck}, which moves on to {@link #UPSTREAM_DONE} (or {@link #FAILED} after
     * an upstream error, or {@link #HALTED}).
     */
    DRAINING,
    /** The upstream finished; call {@link #finishStreaming} and then {@link #complete} or {@link #halt}. */
    UPSTREAM_DONE,
    /** A stage halted the stream; it is closed. */
    HALTED,
    /** The upstream failed; the client got an error event. */
    FAILED,
    /** Everything was released and the client's stream ended normally. */
    COMPLETED
  }

  private final StreamingGuardSession session;
  private final Consumer<StreamEvent> client;
  private final Listener listener;
  private final MessageStart start;
  private final int choicesExpected;
  private final long maxHeldChars;
  private final boolean keepText;

  private final Map<Integer, ArrayDeque<StreamEvent>> queues = new HashMap<>();
  private final Map<Channel, int[]> released = new HashMap<>();
  private final Map<Integer, Map<Integer, BlockType>> openBlocks = new HashMap<>();
  private final Map<Integer, Boolean> stoppedChoices = new HashMap<>();
  private final Map<Channel, StringBuilder> texts = new LinkedHashMap<>();
  private final MessageDigest completionDigest = Hashing.sha256();
  private Usage usage = Usage.ZERO;
  private boolean started;
  private boolean contentReleased;
  private Status status = Status.STREAMING;
  private long receivedChars;
  private long releasedChars;
  private int unscannableBlocks;
  /** The upstream's error, sent once what it held back is judged and released. */
  private @Nullable StreamError drainingError;

  /**
   * @param start the message start to show the client (the gateway's id and the client's model name);
   *     the upstream's own start only contributes its usage
   * @param choicesExpected how many choices the client asked for
   * @param maxHeldChars the most text held back at once before the stream is halted fail-closed
   * @param keepText whether to keep the full completion text (for completion stages and retention)
   */
  StreamRelay(
      StreamingGuardSession session,
      Consumer<StreamEvent> client,
      Listener listener,
      MessageStart start,
      int choicesExpected,
      long maxHeldChars,
      boolean keepText) {
    this.session = requireNonNull(session, "session");
    this.client = requireNonNull(client, "client");
    this.listener = requireNonNull(listener, "listener");
    this.start = requireNonNull(start, "start");
    this.choicesExpected = choicesExpected;
    this.maxHeldChars = maxHeldChars;
    this.keepText = keepText;
  }

  /** Takes the next upstream event. */
  Status accept(StreamEvent event) {
    if (status != Status.STREAMING) {
      return status;
    }
    if (event instanceof MessageStart s) {
      usage = s.usage();
      ensureStarted();
    } else if (event instanceof BlockDelta d) {
      ensureStarted();
      Channel ch = channel(d.choice(), d.block(), d.type());
      receivedChars += d.text().length();
      recordText(ch, d.text());
      if (session.append(ch, d.text()) == Action.HALT) {
        return haltNow();
      }
      enqueue(d.choice(), d);
    } else if (event instanceof BlockStart b) {
      ensureStarted();
      if (b.type() == BlockType.TOOL_USE) {
        // The tool's name is content too: score it before the block start that carries it leaves.
        Channel name = new Channel(b.choice(), b.block(), ContentKind.TOOL_NAME);
        String toolName = b.toolName() == null ? "" : b.toolName();
        recordText(name, toolName);
        if (session.append(name, toolName) == Action.HALT || session.endChannel(name) == Action.HALT) {
          return haltNow();
        }
      } else if (b.type() == BlockType.REDACTED_THINKING) {
        unscannableBlocks++;
      }
      enqueue(b.choice(), b);
    } else if (event instanceof BlockStop b) {
      BlockType type = pendingBlockType(b.choice(), b.block());
      if (type != null && type != BlockType.REDACTED_THINKING
          && session.endChannel(channel(b.choice(), b.block(), type)) == Action.HALT) {
        return haltNow();
      }
      enqueue(b.choice(), b);
    } else if (event instanceof SignatureDelta s) {
      enqueue(s.choice(), s);
    } else if (event instanceof ChoiceStop c) {
      enqueue(c.choice(), c);
    } else if (event instanceof UsageUpdate u) {
      usage = u.usage();
    } else if (event instanceof Ping) {
      ensureStarted();
      client.accept(event);
    } else if (event instanceof StreamError e) {
      return fail(e);
    } else if (event instanceof MessageStop) {
      return endUpstream();
    }
    return status;
  }

  /**
   * Registers the wake-up that a stage scoring in the background calls when a result is ready (from
   * any thread); the owner answers it on this relay's thread with {@link #recheck}.
   */
  void wakeUpWith(Runnable wakeUp) {
    session.wakeUpWith(wakeUp);
  }

  /**
   * Asks the stages that hold text back again (a background result may have come in) and releases
   * what they now clear, or halts. Only while streaming: once the upstream is done every channel has
   * been judged in full.
   */
  Status recheck() {
    if (status != Status.STREAMING && status != Status.DRAINING) {
      return status;
    }
    if (session.recheck() == Action.HALT) {
      return haltNow();
    }
    pumpAll();
    if (status == Status.DRAINING && session.settled()) {
      finishDraining();
    }
    return status;
  }

  /**
   * After {@link Status#UPSTREAM_DONE}: the streaming stages' verdicts over the whole stream. Every
   * channel has been judged in full by now.
   */
  Decision finishStreaming() {
    return session.finish();
  }

  /** The completion as received, for completion stages; empty parts unless {@code keepText}. */
  Completion completion() {
    List<Completion.Part> parts = new ArrayList<>(texts.size());
    texts.forEach((ch, sb) -> parts.add(new Completion.Part(ch, sb.toString())));
    return new Completion(parts);
  }

  /** Releases whatever is still queued and ends the client's stream normally. */
  void complete() {
    if (status != Status.UPSTREAM_DONE) {
      throw new IllegalStateException("complete() after " + status);
    }
    for (Map.Entry<Integer, ArrayDeque<StreamEvent>> e : queues.entrySet()) {
      for (StreamEvent ev : e.getValue()) {
        emit(ev);
      }
      e.getValue().clear();
    }
    client.accept(new UsageUpdate(usage));
    client.accept(new MessageStop());
    status = Status.COMPLETED;
  }

  /**
   * Stops the stream: nothing still queued is released, and the client's stream is closed with a
   * refusal. Used for a halt found after the upstream finished (a completion stage) and by the owner
   * for its own reasons (the held-back limit, a background stage that never answered).
   */
  void halt() {
    if (status != Status.STREAMING && status != Status.DRAINING && status != Status.UPSTREAM_DONE) {
      return;
    }
    queues.values().forEach(ArrayDeque::clear);
    status = Status.HALTED;
    listener.halted();
    ensureStarted();
    for (int choice : choiceIndexes()) {
      Map<Integer, BlockType> open = openBlocks.getOrDefault(choice, Map.of());
      for (int block : List.copyOf(open.keySet())) {
        emit(new BlockStop(choice, block));
      }
      if (!stoppedChoices.containsKey(choice)) {
        emit(new ChoiceStop(choice, StopReason.REFUSAL, null));
      }
    }
    client.accept(new UsageUpdate(usage));
    client.accept(new MessageStop());
  }

  Status status() {
    return status;
  }

  long receivedChars() {
    return receivedChars;
  }

  long releasedChars() {
    return releasedChars;
  }

  /** Blocks passed through without scanning because they carry no readable text (redacted thinking). */
  int unscannableBlocks() {
    return unscannableBlocks;
  }

  Usage usage() {
    return usage;
  }

  /**
   * SHA-256 (hex) of all completion content received, in order of arrival. Call once, when the stream
   * is over: it consumes the digest.
   */
  String completionSha256() {
    return java.util.HexFormat.of().formatHex(completionDigest.digest());
  }

  private Status haltNow() {
    halt();
    return status;
  }

  private Status endUpstream() {
    // Decoders close every block before the end; close any a broken upstream left open, judging
    // their text in full.
    for (var e : openChannelsInQueues().entrySet()) {
      if (session.endChannel(e.getKey()) == Action.HALT) {
        return haltNow();
      }
    }
    pumpAll();
    status = session.settled() ? Status.UPSTREAM_DONE : Status.DRAINING;
    return status;
  }

  private Status fail(StreamError error) {
    // The upstream broke: judge what was received in full, release what passes, then report the error.
    for (var e : openChannelsInQueues().entrySet()) {
      if (session.endChannel(e.getKey()) == Action.HALT) {
        return haltNow();
      }
    }
    pumpAll();
    if (!session.settled()) {
      drainingError = error;
      status = Status.DRAINING;
      return status;
    }
    return sendError(error);
  }

  private Status sendError(StreamError error) {
    ensureStarted();
    client.accept(error);
    status = Status.FAILED;
    return status;
  }

  /** Everything held back is judged and released: on to the end the upstream gave. */
  private void finishDraining() {
    StreamError error = drainingError;
    if (error != null) {
      drainingError = null;
      sendError(error);
    } else {
      status = Status.UPSTREAM_DONE;
    }
  }

  private void enqueue(int choice, StreamEvent event) {
    ArrayDeque<StreamEvent> q = queues.computeIfAbsent(choice, c -> new ArrayDeque<>());
    q.add(event);
    pump(choice, q);
    if (receivedChars - releasedChars > maxHeldChars) {
      // A stage that never clears text would otherwise buffer without bound.
      halt();
    }
  }

  private void pumpAll() {
    queues.forEach(this::pump);
  }

  private void pump(int choice, ArrayDeque<StreamEvent> q) {
    while (!q.isEmpty()) {
      StreamEvent head = q.peekFirst();
      if (head instanceof BlockDelta d) {
        Channel ch = channel(d.choice(), d.block(), d.type());
        int[] done = released.computeIfAbsent(ch, c -> new int[1]);
        int available = session.releasable(ch) - done[0];
        if (available <= 0) {
          return;
        }
        if (available < d.text().length()) {
          q.pollFirst();
          q.addFirst(d.withText(d.text().substring(available)));
          emitDelta(d.withText(d.text().substring(0, available)), done);
          return;
        }
        q.pollFirst();
        emitDelta(d, done);
      } else {
        q.pollFirst();
        emit(head);
      }
    }
  }

  private void emitDelta(BlockDelta d, int[] done) {
    done[0] += d.text().length();
    releasedChars += d.text().length();
    if (!contentReleased && !d.text().isEmpty()) {
      contentReleased = true;
      listener.firstContentReleased();
    }
    client.accept(d);
  }

  private void emit(StreamEvent e) {
    if (e instanceof BlockStart b) {
      openBlocks.computeIfAbsent(b.choice(), c -> new LinkedHashMap<>()).put(b.block(), b.type());
    } else if (e instanceof BlockStop b) {
      Map<Integer, BlockType> open = openBlocks.get(b.choice());
      if (open != null) {
        open.remove(b.block());
      }
    } else if (e instanceof ChoiceStop c) {
      stoppedChoices.put(c.choice(), true);
    }
    client.accept(e);
  }

  private void ensureStarted() {
    if (!started) {
      started = true;
      client.accept(new MessageStart(start.id(), start.model(), start.created(), usage));
    }
  }

  private void recordText(Channel ch, String text) {
    completionDigest.update(text.getBytes(StandardCharsets.UTF_8));
    if (keepText) {
      texts.computeIfAbsent(ch, c -> new StringBuilder()).append(text);
    }
  }

  private @Nullable BlockType pendingBlockType(int choice, int block) {
    // The block's start may still be queued (not yet released) or already emitted.
    ArrayDeque<StreamEvent> q = queues.get(choice);
    if (q != null) {
      for (StreamEvent e : q) {
        if (e instanceof BlockStart b && b.block() == block) {
          return b.type();
        }
      }
    }
    Map<Integer, BlockType> open = openBlocks.get(choice);
    return open == null ? null : open.get(block);
  }

  private Map<Channel, Boolean> openChannelsInQueues() {
    Map<Channel, Boolean> open = new LinkedHashMap<>();
    for (var e : openBlocks.entrySet()) {
      for (var b : e.getValue().entrySet()) {
        if (b.getValue() != BlockType.REDACTED_THINKING) {
          open.put(channel(e.getKey(), b.getKey(), b.getValue()), true);
        }
      }
    }
    for (ArrayDeque<StreamEvent> q : queues.values()) {
      for (StreamEvent ev : q) {
        if (ev instanceof BlockStart b && b.type() != BlockType.REDACTED_THINKING) {
          open.put(channel(b.choice(), b.block(), b.type()), true);
        } else if (ev instanceof BlockStop b) {
          open.keySet().removeIf(ch -> ch.choice() == b.choice() && ch.block() == b.block());
        }
      }
    }
    return open;
  }

  private List<Integer> choiceIndexes() {
    java.util.TreeSet<Integer> all = new java.util.TreeSet<>(queues.keySet());
    all.addAll(openBlocks.keySet());
    for (int i = 0; i < choicesExpected; i++) {
      all.add(i);
    }
    return List.copyOf(all);
  }

  static Channel channel(int choice, int block, BlockType type) {
    ContentKind kind =
        switch (type) {
          case TEXT -> ContentKind.TEXT;
          case THINKING -> ContentKind.THINKING;
          case TOOL_USE -> ContentKind.TOOL_ARGUMENTS;
          case REDACTED_THINKING -> throw new IllegalArgumentException("redacted thinking has no text channel");
        };
    return new Channel(choice, block, kind);
  }
}
