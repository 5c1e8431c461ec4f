package dev.bulwark.classify.canon;

/**
 * Counts the characters the canonicalizer visits, so that tests can check that the work stays linear
 * in the input without timing anything. One per call; not thread-safe. Production calls pass a fresh
 * one and drop it.
 */
final class Work {
  /** Texts at most this long are remembered by {@link #english}; longer ones are scored each time. */
  private static final int MAX_REMEMBERED = 64;

  private long visited;
  private final java.util.Map<String, EnglishScore> english = new java.util.HashMap<>();

  /**
   * The English score of a decoder's input. The shift and both reversal decoders each ask it of the same
   * view and of the same parts of it, so one canonicalization scores each text once; the visit is
   * counted once too.
   */
  EnglishScore english(String text) {
    EnglishScore s = english.get(text);
    if (s == null) {
      s = EnglishScore.of(text);
      add(text.length());
      if (english.size() < MAX_REMEMBERED) {
        english.put(text, s);
      }
    }
    return s;
  }

  /** Records {@code chars} more characters visited. */
  void add(long chars) {
    visited += chars;
  }

  /** The characters visited so far. */
  long visited() {
    return visited;
  }
}
