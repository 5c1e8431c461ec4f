package dev.bulwark.classify.cascade;

import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.StreamingNormalizer;
import dev.bulwark.classify.model.Stage1Model;
import dev.bulwark.classify.model.Stage2Model;
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
 */
public final class CompletionStream {
  /**
   * Below this many characters a stream is not judged yet: a classifier reading "Sure" or "The" sees
   * one or two features, and a running maximum would keep whatever noise such a prefix scores. The
   * gateway holds this text back ({@link #judging()} is false) until there is enough to judge, or until
   * the channel ends and the whole text is judged.
   */
  public static final int MIN_JUDGED_CHARS = 48;

  /** Chunks longer than this are judged every this many characters (see {@link #append}). */
  public static final int DECISION_GRID = 16;

  private final Cascade cascade;
  private final String context;
  private final int checkpointChars;
  private final Stage1Model model;
  private final @Nullable Stage2Model stage2;
  private final TextWindows windows;
  private final StreamingNormalizer normalizer = new StreamingNormalizer();
  private final StringBuilder tail = new StringBuilder();
  private final StringBuilder normalizedTail = new StringBuilder();

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

  CompletionStream(Cascade cascade, String context, int checkpointChars) {
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
  }

  /**
   * Reads the next chunk and returns the cumulative probabilities. A chunk is judged at every multiple
   * of {@value #DECISION_GRID} characters it crosses as well as at its end, so a completion delivered
   * whole (or in a few large chunks) is judged at least where the same text streamed token by token
   * would be: the verdict cannot pass a text that a stream of it would have halted merely because the
   * upstream chunked it differently.
   */
  public Probabilities append(CharSequence chunk) {
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
    rawChars += slice.length();
    appendTail(tail, slice);
    String stable = normalizer.append(slice);
    feed(stable);
    if (judging()) {
      decide(stage1(), false);
    }
    if (rawChars - lastCheckpointAt >= checkpointChars) {
      checkpoint();
    }
  }

  /** The completion is complete: flushes what normalization held back and rescores the tail. */
  public Probabilities finish() {
    finished = true;
    feed(normalizer.finish());
    decide(stage1(), true);
    checkpoint();
    return cumulative;
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
    newer = model.open(context);
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

  private void decide(Probabilities s1, boolean force) {
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

  private void checkpoint() {
    if (!judging() && !finished) {
      return;
    }
    lastCheckpointAt = rawChars;
    // The last two windows' worth: enough to decode an encoded passage, and a bounded cost per checkpoint.
    int keep = 2 * Cascade.WINDOW_CHARS;
    var text = cascade.canonicalizer().canonicalize(
        tail.length() <= keep ? tail.toString() : tail.substring(tail.length() - keep));
    if (text.views().size() <= 2) {
      return; // raw and normalized only: stage 1 has read them incrementally
    }
    Cascade.Best best = cascade.bestCompletionView(context, text);
    if (best.view().equals("raw") || best.view().equals("normalized")) {
      return;
    }
    Classification c = cascade.escalate(best, stage2, cascade.ticker().read());
    if (c.escalated()) {
      escalations++;
    }
    raise(c.probabilities(), c.decidedBy(), c.view());
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
