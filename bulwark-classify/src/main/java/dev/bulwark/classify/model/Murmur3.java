package dev.bulwark.classify.model;

/**
 * MurmurHash3_x86_32 (Austin Appleby, public domain), over bytes and, without copying, over the
 * UTF-16LE bytes of chars. Stateless; the incremental form ({@link Running}) is a small mutable value.
 */
final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  /** The hash of {@code data} with {@code seed}. */
  static int hash(byte[] data, int seed) {
    int h1 = seed;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int k1 =
          (data[4 * i] & 0xff)
              | (data[4 * i + 1] & 0xff) << 8
              | (data[4 * i + 2] & 0xff) << 16
              | (data[4 * i + 3] & 0xff) << 24;
      h1 = mixH1(h1, k1);
    }
    int tail = blocks * 4;
    int k1 = 0;
    int rest = data.length & 3;
    if (rest > 0) {
      for (int i = rest - 1; i >= 0; i--) {
        k1 = k1 << 8 | (data[tail + i] & 0xff);
      }
      h1 ^= mixK1(k1);
    }
    return fmix(h1 ^ data.length);
  }

  /** The hash of the UTF-16LE bytes of {@code chars[from, from + length)}. */
  static int hashChars(char[] chars, int from, int length, int seed) {
    int h1 = seed;
    int i = 0;
    for (; i + 1 < length; i += 2) {
      h1 = mixH1(h1, chars[from + i] | chars[from + i + 1] << 16);
    }
    if (i < length) {
      h1 ^= mixK1(chars[from + i]);
    }
    return fmix(h1 ^ (2 * length));
  }

  /** The hash of the eight little-endian bytes of two ints. */
  static int hashInts(int a, int b, int seed) {
    return fmix(mixH1(mixH1(seed, a), b) ^ 8);
  }

  /** The hash of the four little-endian bytes of one int. */
  static int hashInt(int a, int seed) {
    return fmix(mixH1(seed, a) ^ 4);
  }

  private static int mixK1(int k1) {
    return Integer.rotateLeft(k1 * C1, 15) * C2;
  }

  private static int mixH1(int h1, int k1) {
    return Integer.rotateLeft(h1 ^ mixK1(k1), 13) * 5 + 0xe6546b64;
  }

  private static int fmix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /**
   * The hash of a char sequence fed one char at a time, equal to {@link #hashChars} over the whole
   * sequence: the state is the running {@code h1}, an odd char waiting for its pair, and the length.
   */
  static final class Running {
    private final int seed;
    private int h1;
    private int pending;
    private int length;

    Running(int seed) {
      this.seed = seed;
      this.h1 = seed;
    }

    void reset() {
      h1 = seed;
      length = 0;
    }

    void add(char c) {
      if ((length & 1) == 0) {
        pending = c;
      } else {
        h1 = mixH1(h1, pending | c << 16);
      }
      length++;
    }

    /** The hash of the chars added so far; does not change the state. */
    int value() {
      int h = h1;
      if ((length & 1) != 0) {
        h ^= mixK1(pending);
      }
      return fmix(h ^ (2 * length));
    }
  }
}
