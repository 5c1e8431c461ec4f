package dev.bulwark.classify.canon;

import org.jspecify.annotations.Nullable;

/**
 * Letter substitutions: the Caesar shifts ({@code rot13} for 13, {@code shiftN} for the others, N being
 * how far the encoder moved each letter forward) and {@code atbash} (a↔z). The shifts are ranked by how
 * well the decoded letter frequencies fit English — computed from one letter histogram, without
 * decoding — and the best few are decoded and scored with {@link EnglishScore}; the best one is kept
 * only when it is clearly more English than the input. Only ASCII letters move; case is kept. When the
 * whole text does not decode (a payload inside plain instructions), each part of it is tried on its own
 * ({@link Segments}).
 */
final class ShiftDecoder implements Decoder {
  static final int MIN_LETTERS = 6;
  private static final int ATBASH = 26;
  private static final int CANDIDATES = 3;

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    @Nullable Decoded whole = decodeWhole(text, work);
    return whole != null ? whole : Segments.decodeEach(text, work, part -> decodeWhole(part, work));
  }

  private static @Nullable Decoded decodeWhole(String text, Work work) {
    EnglishScore input = work.english(text);
    if (input.readsAsEnglish()) {
      return null;
    }
    int[] counts = new int[26];
    int letters = 0;
    for (int i = 0; i < text.length(); i++) {
      char lower = EnglishScore.asciiLower(text.charAt(i));
      if (lower != 0) {
        counts[lower - 'a']++;
        letters++;
      }
    }
    work.add(text.length());
    if (letters < MIN_LETTERS) {
      return null;
    }
    int[] best = new int[CANDIDATES];
    double[] bestFit = new double[CANDIDATES];
    java.util.Arrays.fill(bestFit, -1);
    for (int key = 1; key <= ATBASH; key++) {
      double fit = EnglishScore.fit(counts, key % 26, key == ATBASH);
      for (int slot = 0; slot < CANDIDATES; slot++) {
        if (fit > bestFit[slot]) {
          System.arraycopy(best, slot, best, slot + 1, CANDIDATES - slot - 1);
          System.arraycopy(bestFit, slot, bestFit, slot + 1, CANDIDATES - slot - 1);
          best[slot] = key;
          bestFit[slot] = fit;
          break;
        }
      }
    }
    @Nullable String winner = null;
    EnglishScore winnerScore = input;
    int winnerKey = 0;
    for (int key : best) {
      String decoded = apply(text, key);
      EnglishScore score = EnglishScore.of(decoded);
      work.add(2L * text.length());
      if (score.score() > winnerScore.score()) {
        winner = decoded;
        winnerScore = score;
        winnerKey = key;
      }
    }
    if (winner == null || !winnerScore.clearlyMoreEnglishThan(input)) {
      return null;
    }
    return new Decoded(name(winnerKey), winner);
  }

  static String name(int key) {
    if (key == ATBASH) {
      return View.ATBASH;
    }
    return key == 13 ? View.ROT13 : View.SHIFT_PREFIX + key;
  }

  /** Undoes shift {@code key} (1..25), or atbash for 26. */
  static String apply(String text, int key) {
    char[] out = text.toCharArray();
    for (int i = 0; i < out.length; i++) {
      char c = out[i];
      char base = c >= 'a' && c <= 'z' ? 'a' : c >= 'A' && c <= 'Z' ? 'A' : 0;
      if (base != 0) {
        int x = c - base;
        int plain = key == ATBASH ? 25 - x : Math.floorMod(x - key, 26);
        out[i] = (char) (base + plain);
      }
    }
    return new String(out);
  }
}
