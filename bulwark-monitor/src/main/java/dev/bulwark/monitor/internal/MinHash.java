package dev.bulwark.monitor.internal;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * A MinHash signature of a text's words and word pairs: two signatures agree in about the share of
 * positions that the texts' shingle sets overlap (their Jaccard similarity). Lets the rules compare a
 * prompt with earlier refused ones without keeping their text.
 */
final class MinHash {
  static final int SIZE = 16;

  private MinHash() {}

  /** The signature, or null for a text without words. */
  static int @org.jspecify.annotations.Nullable [] of(String text) {
    String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
    Set<String> shingles = new HashSet<>();
    String prev = null;
    for (String w : words) {
      if (w.isEmpty()) {
        continue;
      }
      shingles.add(w);
      if (prev != null) {
        shingles.add(prev + " " + w);
      }
      prev = w;
    }
    if (shingles.isEmpty()) {
      return null;
    }
    int[] sig = new int[SIZE];
    java.util.Arrays.fill(sig, Integer.MAX_VALUE);
    for (String s : shingles) {
      long h = mix(s.hashCode() * 0x9E3779B97F4A7C15L);
      for (int i = 0; i < SIZE; i++) {
        int v = (int) (mix(h + i * 0xC2B2AE3D27D4EB4FL) >>> 33);
        if (v < sig[i]) {
          sig[i] = v;
        }
      }
    }
    return sig;
  }

  /** The estimated Jaccard similarity of the texts behind two signatures. */
  static double similarity(int[] a, int[] b) {
    int same = 0;
    for (int i = 0; i < SIZE; i++) {
      if (a[i] == b[i]) {
        same++;
      }
    }
    return (double) same / SIZE;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
