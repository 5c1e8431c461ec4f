package dev.bulwark.classify.cascade;

import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.CanonicalText;
import dev.bulwark.classify.canon.StreamingNormalizer;
import dev.bulwark.classify.model.Stage1Model;
import dev.bulwark.classify.model.Stage2Model;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One completion classified as it streams. Not thread-safe: one per completion channel, fed in order.
 *
 * <p>Per chunk: the chunk is normalized incrementally ({@link StreamingNormalizer}) and fed to stage 1's
 * incremental form in the same {@link TextWindows} as {@link Cascade#completionStage1}, so each
 * character costs O(1) amortized and {@link #stage1()} after the last chunk equals the batch score of
 * the whole normalized completion. Where stage 1 lands in the band, stage 2 rescores the completion's
 * tail, at most once per {@code checkpointChars}. Every {@code checkpointChars}, the tail is also
 * canonicalized in full, so that an encoded completion (base64, a cipher) is read decoded.
 *
 * <p>{@link #probabilities()} is the cumulative maximum of the final probabilities: once over a
 * threshold, a stream stays over it.
 *
 * <p>With a {@link Background} (the gateway's), stage 2 runs on its executor instead of the caller's
 * thread: a decision point that needs a fresh stage-2 score submits the tail and is deferred, and the
 * text from the first undecided point on is held back ({@link #heldChars()}) until the score is in.
 * The result is picked up on the stream's own thread by the next {@link #append} (an empty chunk will
 * do: the background calls {@link Background#wakeUp} when the score is ready). A deferred point is judged
 * with the highest stage-1 score of the points deferred and the first stage-2 score taken at or after
 * it, so background scoring is never more lenient than scoring inline; points more than {@code
 * checkpointChars} past a score's snapshot wait for the next one, as inline. A score that takes longer
 * than the background's timeout, or fails, throws: the tier's failure mode applies.
 */
public final class CompletionStream {
  /**
   * Below this many characters a stream is not judged yet: a classifier reading "Sure" or "The" sees
   * one or two features, and a running maximum would keep whatever noise such a prefix scores. Until
   * there is enough to judge ({@link #judging()} is false), or the channel ends, the stage holds this
   * text back unless stage 1 already finds it clearly benign (see {@code ClassifierStage}).
   */
  public static final int MIN_JUDGED_CHARS = 48;

  /** Chunks longer than this are judged every this many characters (see {@link #append}). */
  public static final int DECISION_GRID = 16;

  /**
   * Where and how long stage 2 may run off the stream's thread.
   *
   * @param executor runs stage 2
   * @param timeoutNanos the longest a stage-2 score may take before the stream fails
   * @param wakeUp called (from the executor's thread) when a score is ready
   */
  public record Background(Executor executor, long timeoutNanos, Runnable wakeUp) {
    public Background {
      java.util.Objects.requireNonNull(executor, "executor");
      java.util.Objects.requireNonNull(wakeUp, "wakeUp");
      if (timeoutNanos <= 0) {
        throw new IllegalArgumentException("timeoutNanos must be positive, was " + timeoutNanos);
      }
    }
  }

  /** A stage-2 score in flight: of the tail as it was at {@code at} raw characters. */
  private record Pending(CompletableFuture<Probabilities> result, long at, long submittedNanos) {}

  /** A checkpoint's decoded view on its way through stage 2. */
  private record PendingCheckpoint(CompletableFuture<Classification> result, long submittedNanos) {}

  private final Cascade cascade;
  private final String context;
  /**
   * The context read once, for the second window on: each would otherwise hash the prompt's end again
   * (up to 2,048 chars), where opening on this copies its table. Not read for a completion that needs
   * one window.
   */
  private Stage1Model.@Nullable Context contextRead;
  private final int checkpointChars;
  private final Stage1Model model;
  private final @Nullable Stage2Model stage2;
  private final TextWindows windows;
  private final StreamingNormalizer normalizer = new StreamingNormalizer();
  private final StringBuilder tail = new StringBuilder();
  private final StringBuilder normalizedTail = new StringBuilder();
  private final @Nullable Background background;

  private Probabilities closed = Probabilities.zero();
  private Stage1Model.@Nullable Stream older;
  private Stage1Model.Stream newer;
  private int newerIndex;
  private long position;

  private Probabilities cumulative = Probabilities.zero();
  private @Nullable Probabilities lastStage2;
  private long lastStage2At = Long.MIN_VALUE / 2;
  private long lastCheckpointAt;
  private long rawChars;
  private String decidedBy = "stage1";
  private String view = "normalized";
  private int escalations;
  private boolean finished;

  /** Raw characters every decision has cleared; the rest is held back. */
  private long clearedTo;
  private @Nullable Pending pending;
  /** Highest stage-1 score of the points deferred to {@link #pending} (its snapshot covers them). */
  private @Nullable Probabilities deferred;
  /** The same for points more than {@code checkpointChars} past the pending snapshot: they need the next. */
  private @Nullable Probabilities deferredLater;
  /** Where the first of {@link #deferredLater}'s points started: what stays held once pending is in. */
  private long laterFrom;
  private long sliceStart;
  private boolean flushed;
  /** The complete text's tail, canonicalized once by {@link #finishNeedsStage2} for the final checkpoint. */
  private @Nullable CanonicalText finalTail;
  private @Nullable PendingCheckpoint pendingCheckpoint;
  /** Held back from here while {@link #pendingCheckpoint} is out: the text its decoded view reads. */
  private long checkpointHeldFrom;
  /** Another checkpoint fell due while one was out: run it when that one is in. */
  private boolean checkpointAgain;

  CompletionStream(Cascade cascade, String context, int checkpointChars) {
    this(cascade, context, checkpointChars, null);
  }

  CompletionStream(Cascade cascade, String context, int checkpointChars, @Nullable Background background) {
    if (checkpointChars < 1) {
      throw new IllegalArgumentException("checkpointChars must be positive, was " + checkpointChars);
    }
    this.cascade = cascade;
    this.context = context;
    this.checkpointChars = checkpointChars;
    this.model = cascade.completionModel();
    this.stage2 = cascade.completionStage2Model();
    this.windows = cascade.windows();
    this.newer = model.open(context);
    this.newerIndex = 0;
    this.background = background;
  }

  /**
   * Reads the next chunk and returns the cumulative probabilities. A chunk is judged at every multiple
   * of {@value #DECISION_GRID} characters it crosses as well as at its end, so a completion delivered
   * whole (or in a few large chunks) is judged at least where the same text streamed token by token
   * would be: the verdict cannot pass a text that a stream of it would have halted merely because the
   * upstream chunked it differently.
   */
  public Probabilities append(CharSequence chunk) {
    if (chunk.length() == 0) {
      settle(true); // an empty chunk is a recheck: take a score that came in (each slice does it too)
    }
    int from = 0;
    while (from < chunk.length()) {
      long toGrid = DECISION_GRID - rawChars % DECISION_GRID;
      int to = (int) Math.min(chunk.length(), from + toGrid);
      if (to < chunk.length() && Character.isHighSurrogate(chunk.charAt(to - 1))) {
        to++; // keep a surrogate pair in one slice
      }
      appendSlice(chunk.subSequence(from, to));
      from = to;
    }
    return cumulative;
  }

  private void appendSlice(CharSequence slice) {
    settle(true); // a score that came in is judged before this slice, as it would have been inline
    sliceStart = rawChars;
    rawChars += slice.length();
    appendTail(tail, slice);
    String stable = normalizer.append(slice);
    feed(stable);
    if (judging()) {
      decide(stage1(), sliceStart);
    }
    if (rawChars - lastCheckpointAt >= checkpointChars) {
      checkpoint();
    }
  }

  /** The completion is complete: flushes what normalization held back and rescores the tail. */
  public Probabilities finish() {
    flush();
    finished = true;
    if (pending != null) {
      await(pending.result(), pending.submittedNanos());
    }
    if (pendingCheckpoint != null) {
      await(pendingCheckpoint.result(), pendingCheckpoint.submittedNanos());
    }
    settle(false);
    Probabilities s1 = stage1();
    if (deferred != null) {
      // Points still waiting for stage 2: the final inline score reads the whole tail, theirs included.
      s1 = s1.maxWith(deferred);
      deferred = null;
    }
    decideNow(s1, true);
    clearedTo = rawChars;
    checkpoint();
    return cumulative;
  }

  /** Feeds what normalization held back; once, when the text is complete. */
  private void flush() {
    if (!flushed) {
      flushed = true;
      feed(normalizer.finish());
    }
  }

  /**
   * Whether {@link #finish()} would run stage 2: a score still out, points waiting for one, the whole
   * text's stage-1 score in the band, or a tail that decodes (its decoded view may escalate). Only then
   * is finishing worth handing to the background; an ordinary benign stream finishes where it is. Call
   * it only when the text is complete: it flushes normalization, and no chunk may follow.
   */
  public boolean finishNeedsStage2() {
    if (stage2 == null) {
      return false; // nothing was, or can be, sent to stage 2
    }
    flush();
    if (pending != null || pendingCheckpoint != null || deferred != null) {
      return true;
    }
    if (cascade.band().escalates(stage1().max())) {
      return true;
    }
    finalTail = canonicalTail();
    return finalTail.views().size() > 2;
  }

  /**
   * Finishes on the background's executor instead of this thread: once the scores still out are in,
   * {@link #finish()} runs there (its final stage-2 score included) and the background's wake-up is
   * called. Until the returned future completes nothing may touch this stream; after it, the accessors
   * read the finished state (the future's completion orders the two threads).
   *
   * @throws IllegalStateException without a background, or when already finishing or finished
   */
  public CompletableFuture<Probabilities> finishInBackground() {
    Background b = background;
    if (b == null) {
      throw new IllegalStateException("this stream has no background to finish on");
    }
    if (finished) {
      throw new IllegalStateException("the stream is already finished");
    }
    CompletableFuture<?> score = pending == null ? CompletableFuture.completedFuture(null) : pending.result();
    CompletableFuture<?> view = pendingCheckpoint == null ? CompletableFuture.completedFuture(null)
        : pendingCheckpoint.result();
    CompletableFuture<Probabilities> done = CompletableFuture.allOf(score, view)
        .handle((v, e) -> (Void) null) // a failed score is reported by finish(), on the executor
        .thenApplyAsync(v -> finish(), b.executor());
    done.whenComplete((p, e) -> b.wakeUp().run());
    return done;
  }

  /**
   * Raw characters at the end of the text that no decision has cleared yet: all of them before the
   * stream is judged, and those waiting for a stage-2 score running in the background. 0 once finished.
   */
  public long heldChars() {
    if (finished) {
      return 0;
    }
    long cleared = pendingCheckpoint == null ? clearedTo : Math.min(clearedTo, checkpointHeldFrom);
    return rawChars - cleared;
  }

  /** Stage 1 of the normalized text so far, in windows: equals the batch score once finished. */
  public Probabilities stage1() {
    if (older == null) {
      return newer.current(); // the first window: always counted
    }
    // The newer window never counts yet: batch scoring has a window only where the one before it
    // did not reach the end, and the older window reaches past every position before the boundary.
    // The older one counts unless the text ends exactly where it started plus a stride: then the
    // window before it, already closed, ends there too.
    boolean olderCounts = newerIndex == 1 || position > (long) newerIndex * windows.stride();
    return olderCounts ? closed.maxWith(older.current()) : closed;
  }

  /** The cumulative maximum of the final probabilities. */
  public Probabilities probabilities() {
    return cumulative;
  }

  /** {@code stage1} or {@code stage2}: which stage last raised the cumulative score. */
  public String decidedBy() {
    return decidedBy;
  }

  /** The view that last raised the cumulative score. */
  public String view() {
    return view;
  }

  /** How many times stage 2 ran. */
  public int escalations() {
    return escalations;
  }

  private void feed(String normalized) {
    for (int i = 0; i < normalized.length(); ) {
      long windowEnd = windowBoundary();
      int take = (int) Math.min(normalized.length() - i, windowEnd - position);
      String piece = normalized.substring(i, i + take);
      newer.append(piece);
      if (older != null) {
        older.append(piece);
      }
      appendTail(normalizedTail, piece);
      position += take;
      i += take;
      if (position == windowEnd) {
        advanceWindow();
      }
    }
  }

  /** Where the next window event happens: the older window fills, or the first window reaches its stride. */
  private long windowBoundary() {
    return (long) (newerIndex + 1) * windows.stride();
  }

  /**
   * At each multiple of the stride: the older window (if any) is full and closes with its final score,
   * the newer becomes the older, and a new window opens.
   */
  private void advanceWindow() {
    if (older != null) {
      closed = closed.maxWith(older.current());
    }
    older = newer;
    newer = model.open(contextRead());
    newerIndex++;
  }

  /** Whether the stream has enough text to be judged; before that, its text must be held back. */
  public boolean judging() {
    return rawChars >= MIN_JUDGED_CHARS;
  }

  /** Characters appended so far. */
  public long chars() {
    return rawChars;
  }

  /** One decision point, the slice starting at {@code sliceStart} just read. */
  private void decide(Probabilities s1, long sliceStart) {
    boolean needsFreshStage2 = stage2 != null && cascade.band().escalates(s1.max())
        && (lastStage2 == null || rawChars - lastStage2At >= checkpointChars);
    if (background == null || !needsFreshStage2) {
      decideNow(s1, false);
      if (deferred == null) {
        clearedTo = rawChars;
      }
      return;
    }
    if (pending == null) {
      deferred = s1;
      submit();
    } else if (rawChars - pending.at() < checkpointChars) {
      deferred = deferred == null ? s1 : deferred.maxWith(s1);
    } else {
      if (deferredLater == null) {
        laterFrom = Math.max(sliceStart, clearedTo);
      }
      deferredLater = deferredLater == null ? s1 : deferredLater.maxWith(s1);
    }
  }

  private void decideNow(Probabilities s1, boolean force) {
    Probabilities result = s1;
    String by = "stage1";
    if (stage2 != null && cascade.band().escalates(s1.max())) {
      if (force || lastStage2 == null || rawChars - lastStage2At >= checkpointChars) {
        lastStage2 = stage2.score(normalizedTail.toString());
        lastStage2At = rawChars;
        escalations++;
      }
      result = cascade.combine().apply(s1, lastStage2);
      by = "stage2";
    }
    raise(result, by, "normalized");
  }

  private void submit() {
    Background b = java.util.Objects.requireNonNull(background);
    Stage2Model model = java.util.Objects.requireNonNull(stage2);
    String snapshot = normalizedTail.toString();
    CompletableFuture<Probabilities> result = CompletableFuture.supplyAsync(() -> model.score(snapshot), b.executor());
    pending = new Pending(result, rawChars, cascade.ticker().read());
    escalations++;
    result.whenComplete((p, e) -> b.wakeUp().run());
  }

  /**
   * Takes a finished background score: judges the points deferred to it and clears their text; points
   * too far past its snapshot go to a new score ({@code resubmit}) or stay for {@link #finish}.
   *
   * @throws IllegalStateException when the score failed or is overdue
   */
  private void settle(boolean resubmit) {
    settleStage2(resubmit);
    settleCheckpoint();
  }

  private void settleStage2(boolean resubmit) {
    Pending p = pending;
    if (p == null || !isIn(p.result(), p.submittedNanos())) {
      return;
    }
    Probabilities s2 = result(p.result());
    pending = null;
    lastStage2 = s2;
    lastStage2At = p.at();
    Probabilities s1 = java.util.Objects.requireNonNull(deferred);
    raise(cascade.combine().apply(s1, s2), "stage2", "normalized");
    deferred = null;
    if (deferredLater == null) {
      clearedTo = rawChars;
      return;
    }
    clearedTo = laterFrom;
    deferred = deferredLater;
    deferredLater = null;
    if (resubmit) {
      submit();
    }
  }

  private void settleCheckpoint() {
    PendingCheckpoint p = pendingCheckpoint;
    if (p == null || !isIn(p.result(), p.submittedNanos())) {
      return;
    }
    Classification c = result(p.result());
    pendingCheckpoint = null;
    if (c.escalated()) {
      escalations++;
    }
    raise(c.probabilities(), c.decidedBy(), c.view());
    if (checkpointAgain) {
      checkpointAgain = false;
      long heldFrom = checkpointHeldFrom;
      checkpoint();
      if (pendingCheckpoint != null) {
        checkpointHeldFrom = Math.min(checkpointHeldFrom, heldFrom); // that text is still unreleased
      }
    }
  }

  /**
   * Whether a background result is in; throws when it is overdue.
   *
   * @throws IllegalStateException past the background's timeout
   */
  private boolean isIn(CompletableFuture<?> result, long submittedNanos) {
    if (result.isDone()) {
      return true;
    }
    long waited = cascade.ticker().read() - submittedNanos;
    if (waited > java.util.Objects.requireNonNull(background).timeoutNanos()) {
      result.cancel(false);
      throw new IllegalStateException("stage 2 took longer than "
          + TimeUnit.NANOSECONDS.toMillis(background.timeoutNanos()) + " ms");
    }
    return false;
  }

  private static <T> T result(CompletableFuture<T> done) {
    try {
      return done.join();
    } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
      throw new IllegalStateException("stage 2 failed: " + (e.getCause() == null ? e : e.getCause()), e);
    }
  }

  /** Waits, up to the background's timeout counted from submission, for a result in flight. */
  private void await(CompletableFuture<?> result, long submittedNanos) {
    long left = java.util.Objects.requireNonNull(background).timeoutNanos()
        - (cascade.ticker().read() - submittedNanos);
    try {
      result.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result.cancel(false);
      throw new IllegalStateException("stage 2 took longer than "
          + TimeUnit.NANOSECONDS.toMillis(background.timeoutNanos()) + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for stage 2", e);
    } catch (ExecutionException e) {
      // settle() reports it
    }
  }

  private void checkpoint() {
    if (!judging() && !finished) {
      return;
    }
    lastCheckpointAt = rawChars;
    CanonicalText text = finished && finalTail != null ? finalTail : canonicalTail();
    if (text.views().size() <= 2) {
      return; // raw and normalized only: stage 1 has read them incrementally
    }
    Cascade.Best best = cascade.bestCompletionView(context, text);
    if (best.view().equals("raw") || best.view().equals("normalized")) {
      return;
    }
    if (background != null && !finished && stage2 != null && cascade.band().escalates(best.probabilities().max())) {
      if (pendingCheckpoint != null) {
        checkpointAgain = true; // its text stays held; rerun on the newer tail when the first is in
        return;
      }
      // Off the stream's thread like every stage-2 score: the slice that reached this checkpoint, and
      // anything not yet cleared, is held back until the decoded view is judged.
      Background b = background;
      Stage2Model model = stage2;
      long start = cascade.ticker().read();
      checkpointHeldFrom = Math.min(clearedTo, sliceStart);
      pendingCheckpoint = new PendingCheckpoint(
          CompletableFuture.supplyAsync(() -> cascade.escalate(best, model, start), b.executor()), start);
      pendingCheckpoint.result().whenComplete((c, e) -> b.wakeUp().run());
      return;
    }
    Classification c = cascade.escalate(best, stage2, cascade.ticker().read());
    if (c.escalated()) {
      escalations++;
    }
    raise(c.probabilities(), c.decidedBy(), c.view());
  }

  /** The last two windows' worth: enough to decode an encoded passage, and a bounded cost per checkpoint. */
  private CanonicalText canonicalTail() {
    int keep = 2 * Cascade.WINDOW_CHARS;
    return cascade.canonicalizer().canonicalize(
        tail.length() <= keep ? tail.toString() : tail.substring(tail.length() - keep));
  }

  private Stage1Model.Context contextRead() {
    Stage1Model.Context c = contextRead;
    if (c == null) {
      c = model.context(context);
      contextRead = c;
    }
    return c;
  }

  private void raise(Probabilities p, String by, String viewName) {
    Probabilities next = cumulative.maxWith(p);
    if (next.max() > cumulative.max()) {
      decidedBy = by;
      view = viewName;
    }
    cumulative = next;
  }

  /** Keeps the last two windows' worth of text: enough to decode an encoded passage or rescore. */
  private void appendTail(StringBuilder b, CharSequence chunk) {
    b.append(chunk);
    int keep = 2 * Cascade.WINDOW_CHARS;
    if (b.length() > 2 * keep) {
      b.delete(0, b.length() - keep);
    }
  }
}
