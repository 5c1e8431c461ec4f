package dev.bulwark.store.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * The event hash: lower-case hex SHA-256 over an unambiguous encoding of an event's columns and the
 * previous event's hash.
 *
 * <p>The encoding, which an external verifier must reproduce exactly:
 *
 * <pre>
 *   text("bulwark.event.v1")
 *   int64(seq) text(type) text?(request_id) text?(key_id) text?(org_id)
 *   int64(occurred_at micros) text(body) text(prev_hash)
 *
 *   int64(n)  = 8 bytes, big-endian two's complement
 *   text(s)   = 0x01, 4-byte big-endian length of UTF-8(s), UTF-8(s)
 *   text?(s)  = 0x00 when s is null, else text(s)
 * </pre>
 *
 * Every string is length-prefixed and null is distinct from the empty string, so moving bytes from
 * one field into another, or replacing null with "", always changes the encoding. The leading tag
 * lets a later encoding coexist with this one.
 *
 * <p>Not thread-safe: it reuses one {@link MessageDigest}. Make one per use or per thread.
 */
public final class ChainHash {
  /** The previous hash of the first event. */
  public static final String GENESIS = "0".repeat(64);

  private static final byte[] TAG = "bulwark.event.v1".getBytes(StandardCharsets.UTF_8);
  private static final HexFormat HEX = HexFormat.of();

  private final MessageDigest sha256;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);

  public ChainHash() {
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE implementation must provide SHA-256.
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The hash of one event, as stored in {@code events.hash}. */
  public String hash(
      long seq,
      String type,
      @Nullable String requestId,
      @Nullable String keyId,
      @Nullable String orgId,
      long occurredAtMicros,
      String body,
      String prevHash) {
    byte[] encoded = encode(seq, type, requestId, keyId, orgId, occurredAtMicros, body, prevHash);
    return HEX.formatHex(sha256.digest(encoded));
  }

  /** The bytes {@link #hash} digests; exposed so that tests can check it is unambiguous. */
  public byte[] encode(
      long seq,
      String type,
      @Nullable String requestId,
      @Nullable String keyId,
      @Nullable String orgId,
      long occurredAtMicros,
      String body,
      String prevHash) {
    buffer.reset();
    text(TAG);
    int64(seq);
    text(type);
    optionalText(requestId);
    optionalText(keyId);
    optionalText(orgId);
    int64(occurredAtMicros);
    text(body);
    text(prevHash);
    return buffer.toByteArray();
  }

  private void optionalText(@Nullable String s) {
    if (s == null) {
      buffer.write(0);
    } else {
      text(s);
    }
  }

  private void text(String s) {
    text(s.getBytes(StandardCharsets.UTF_8));
  }

  private void text(byte[] utf8) {
    buffer.write(1);
    int32(utf8.length);
    buffer.writeBytes(utf8);
  }

  private void int32(int n) {
    buffer.write(n >>> 24);
    buffer.write(n >>> 16);
    buffer.write(n >>> 8);
    buffer.write(n);
  }

  private void int64(long n) {
    int32((int) (n >>> 32));
    int32((int) n);
  }
}
