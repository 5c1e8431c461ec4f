package dev.bulwark.classify.model;

/**
 * How {@link Encoder#windows(String)} cuts a long text into pieces the encoder reads in full.
 *
 * <p>The in-jar all-MiniLM-L6-v2 tokenizer truncates at 128 word pieces including {@code [CLS]} and
 * {@code [SEP]}: anything after the 126th content piece would be silently ignored. A window therefore
 * holds at most {@code maxPieces} pieces including those two, and consecutive windows advance by
 * about {@code stride} content pieces, so that they re-read {@link #overlap()} pieces before each cut
 * (a phrase cut in two is still read whole by one window).
 *
 * @param maxPieces the most word pieces in one window, special tokens included; in [32, 128]
 * @param stride the nominal advance between window starts, in content pieces; in [8, maxPieces - 2]
 */
public record WindowPolicy(int maxPieces, int stride) {
  /** The model's own limit: its tokenizer truncates beyond this many pieces, special tokens included. */
  public static final int MODEL_MAX_PIECES = 128;

  /** The special tokens ({@code [CLS]}, {@code [SEP]}) that each window spends. */
  public static final int SPECIAL_PIECES = 2;

  /** 120 pieces a window (8 below the model's limit), a 96-piece stride (22 pieces of overlap). */
  public static final WindowPolicy DEFAULT = new WindowPolicy(120, 96);

  /**
   * 64 pieces a window, a 48-piece stride. The encoder mean-pools its pieces, so a short passage is
   * diluted by the rest of its window: a head trained on single sentences scored two topic sentences
   * buried mid-way in 300 pieces of other text 0.08 with {@link #DEFAULT} windows and 0.61 with these.
   * They cost about 1.4 times the encoder time of {@link #DEFAULT} on long texts (more windows, each
   * cheaper).
   */
  public static final WindowPolicy FINE = new WindowPolicy(64, 48);

  public WindowPolicy {
    if (maxPieces < 32 || maxPieces > MODEL_MAX_PIECES) {
      throw new IllegalArgumentException(
          "maxPieces must be in [32, " + MODEL_MAX_PIECES + "], was " + maxPieces);
    }
    if (stride < 8 || stride > maxPieces - SPECIAL_PIECES) {
      throw new IllegalArgumentException(
          "stride must be in [8, " + (maxPieces - SPECIAL_PIECES) + "], was " + stride);
    }
  }

  /** The most content pieces (special tokens excluded) in one window. */
  public int contentPieces() {
    return maxPieces - SPECIAL_PIECES;
  }

  /** How many pieces a window re-reads from the end of the one before. */
  public int overlap() {
    return contentPieces() - stride;
  }
}
