package dev.bulwark.access;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The format of an API key: {@code bwk_<id>_<secret>}. The id is public (it names the key in logs,
 * events and the CLI); the secret is 32 random bytes, base64url, shown once and stored only as its
 * SHA-256. A fast hash is enough because the secret has 256 bits of entropy: there is nothing to
 * brute-force, unlike a password. The fixed prefix lets secret scanners recognise leaked keys.
 *
 * @param id the key's public id
 * @param secret the secret part
 */
public record KeyToken(String id, String secret) {
  private static final Pattern FORMAT = Pattern.compile("bwk_([a-z2-7]{16})_([A-Za-z0-9_-]{43})");
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  public KeyToken {
    requireNonNull(id, "id");
    requireNonNull(secret, "secret");
  }

  /** A new random key. */
  public static KeyToken generate(SecureRandom random) {
    char[] id = new char[16];
    for (int i = 0; i < id.length; i++) {
      id[i] = BASE32[random.nextInt(BASE32.length)];
    }
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return new KeyToken(new String(id), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** Parses a presented key; empty if it is not in Bulwark's format. */
  public static Optional<KeyToken> parse(String presented) {
    Matcher m = FORMAT.matcher(presented);
    return m.matches() ? Optional.of(new KeyToken(m.group(1), m.group(2))) : Optional.empty();
  }

  /** The key as the client presents it. */
  public String token() {
    return "bwk_" + id + "_" + secret;
  }

  /** The stored form of the secret: SHA-256, hex. */
  public String secretHash() {
    return hash(secret);
  }

  /** SHA-256 of a secret, hex. */
  static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /** Whether this token's secret hashes to {@code storedHash}, compared in constant time. */
  boolean matches(String storedHash) {
    return MessageDigest.isEqual(
        secretHash().getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "KeyToken{id=" + id + ", secret=<masked>}";
  }
}
