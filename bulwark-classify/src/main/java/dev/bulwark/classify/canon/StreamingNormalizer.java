package dev.bulwark.classify.canon;

import static java.util.Objects.requireNonNull;

/**
 * The {@code normalized} view of a text that arrives in chunks: whatever the chunking, the pieces that
 * {@link #append} and {@link #finish} return concatenate to exactly {@code
 * canonicalizer.canonicalize(whole).primary().text()}.
 *
 * <p>{@link #append} returns only text that no later character can change. It holds back the current
 * normalization segment — the code points since the last one with an NFKC boundary before it (see
 * {@code TextNormalizer}): usually one character, at most 31
 * code points — and the high half of a surrogate pair split across chunks. Work is linear in the
 * characters appended.
 *
 * <p>One per stream; not thread-safe. After {@link #finish} it is ready for a new stream.
 */
public final class StreamingNormalizer {
  private final Work work;
  private final StringBuilder segment = new StringBuilder();
  // Code points in the open segment after its last boundary, i.e. that could still combine backwards.
  private int nonStarters;
  private int segmentCodePoints;
  private char pendingHigh;

  /** A normalizer at the start of a stream. */
  public StreamingNormalizer() {
    this(new Work());
  }

  StreamingNormalizer(Work work) {
    this.work = work;
  }

  /**
   * Adds the next chunk.
   *
   * @return the normalized text that became stable, possibly empty
   */
  public String append(CharSequence chunk) {
    requireNonNull(chunk, "chunk");
    int n = chunk.length();
    work.add(n);
    StringBuilder out = new StringBuilder(n + 8);
    int i = 0;
    if (pendingHigh != 0 && n > 0) {
      char high = pendingHigh;
      pendingHigh = 0;
      char c = chunk.charAt(0);
      if (Character.isLowSurrogate(c)) {
        accept(Character.toCodePoint(high, c), out);
        i = 1;
      } else {
        accept(high, out);
      }
    }
    while (i < n) {
      char c = chunk.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == n) {
          pendingHigh = c;
          break;
        }
        char d = chunk.charAt(i + 1);
        if (Character.isLowSurrogate(d)) {
          accept(Character.toCodePoint(c, d), out);
          i += 2;
          continue;
        }
      }
      accept(c, out);
      i++;
    }
    return out.toString();
  }

  /** Ends the stream: returns everything held back, and resets for a new stream. */
  public String finish() {
    StringBuilder out = new StringBuilder(segment.length() + 8);
    if (pendingHigh != 0) {
      char high = pendingHigh;
      pendingHigh = 0;
      accept(high, out);
    }
    flush(out);
    nonStarters = 0;
    return out.toString();
  }

  private void accept(int codePoint, StringBuilder out) {
    // A lone surrogate becomes U+FFFD: kept, two of them could pair up once what stood between them
    // is stripped, and normalizing again would then change the text.
    int cp = codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE ? 0xFFFD : codePoint;
    if (TextNormalizer.isIgnorable(cp)) {
      return;
    }
    if (TextNormalizer.hasBoundaryBefore(cp)) {
      flush(out);
      nonStarters = 0;
    } else if (nonStarters >= TextNormalizer.MAX_NON_STARTERS) {
      return;
    } else {
      nonStarters++;
    }
    segment.appendCodePoint(cp);
    segmentCodePoints++;
  }

  private void flush(StringBuilder out) {
    if (segmentCodePoints == 0) {
      return;
    }
    if (segmentCodePoints == 1) {
      TextNormalizer.appendSingle(out, segment.codePointAt(0), work);
    } else {
      out.append(TextNormalizer.normalizeSegment(segment.toString(), work));
    }
    segment.setLength(0);
    segmentCodePoints = 0;
  }
}
