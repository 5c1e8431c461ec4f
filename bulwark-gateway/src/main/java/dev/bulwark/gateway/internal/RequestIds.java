package dev.bulwark.gateway.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: 26 characters of Crockford base32, a 48-bit millisecond timestamp then 80 random bits
 * (the ULID layout), so ids sort by time and are unique without coordination. They are not secrets.
 */
final class RequestIds {
  private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private RequestIds() {}

  static String next(long epochMillis) {
    char[] out = new char[26];
    long time = epochMillis;
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 10; i < 26; i++) {
      long bits = i < 18 ? hi : lo;
      int shift = (i < 18 ? i - 10 : i - 18) * 5;
      out[i] = ALPHABET[(int) ((bits >>> shift) & 31)];
    }
    return new String(out);
  }
}
