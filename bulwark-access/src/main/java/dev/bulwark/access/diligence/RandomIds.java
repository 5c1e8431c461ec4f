package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;

/** Random ids such as {@code app_k3j5q2...}: a type prefix and 80 bits of base32. */
final class RandomIds {
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private final SecureRandom random;

  RandomIds(SecureRandom random) {
    this.random = requireNonNull(random, "random");
  }

  String next(String prefix) {
    return prefix + "_" + base32(16);
  }

  String base32(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = BASE32[random.nextInt(BASE32.length)];
    }
    return new String(out);
  }

  byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
