package dev.bulwark.classify.canon;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Plausibility checks for the byte-level decoders (base64, hex). */
final class TextChecks {
  private TextChecks() {}

  /** The bytes as strict UTF-8, or null when they are not valid UTF-8. */
  static @Nullable String utf8(byte[] bytes, int length) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Whether decoded bytes read as text rather than as binary that happened to be valid UTF-8: at most
   * 5% control characters (tab and line breaks aside), replacement characters or unassigned code
   * points, and at least 40% of the non-space characters letters.
   */
  static boolean isTextLike(String s) {
    int codePoints = 0;
    int bad = 0;
    int letters = 0;
    int nonSpace = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      codePoints++;
      if (cp == '\t' || cp == '\n' || cp == '\r' || cp == ' ') {
        continue;
      }
      nonSpace++;
      int type = Character.getType(cp);
      if (type == Character.CONTROL || type == Character.UNASSIGNED || cp == 0xFFFD) {
        bad++;
      } else if (Character.isLetter(cp)) {
        letters++;
      }
    }
    return nonSpace > 0 && bad * 20 <= codePoints && letters * 5 >= nonSpace * 2;
  }

  static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** A growable byte buffer, reused across the runs of one scan. */
  static final class Bytes {
    private byte[] data = new byte[64];
    private int size;

    void add(int b) {
      if (size == data.length) {
        data = java.util.Arrays.copyOf(data, size * 2);
      }
      data[size++] = (byte) b;
    }

    int size() {
      return size;
    }

    void clear() {
      size = 0;
    }

    @Nullable String utf8() {
      return TextChecks.utf8(data, size);
    }
  }
}
