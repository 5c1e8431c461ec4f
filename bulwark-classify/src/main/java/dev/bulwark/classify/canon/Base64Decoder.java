package dev.bulwark.classify.canon;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Base64, standard ({@code +/}) and URL-safe ({@code -_}) alphabets, padded or not. A run of at least
 * {@value #MIN_RUN} alphabet characters is decoded when it mixes character kinds (an upper- and a
 * lower-case letter, or a digit, {@code +} or {@code /}: a long lower-case word never qualifies), its
 * length is possible for base64, and the bytes are valid UTF-8 that reads as text.
 */
final class Base64Decoder implements Decoder {
  static final String NAME = View.BASE64;
  static final int MIN_RUN = 16;

  private static final byte[] VALUE = new byte[128];

  static {
    Arrays.fill(VALUE, (byte) -1);
    for (int i = 0; i < 26; i++) {
      VALUE['A' + i] = (byte) i;
      VALUE['a' + i] = (byte) (26 + i);
    }
    for (int i = 0; i < 10; i++) {
      VALUE['0' + i] = (byte) (52 + i);
    }
    VALUE['+'] = 62;
    VALUE['-'] = 62;
    VALUE['/'] = 63;
    VALUE['_'] = 63;
  }

  private static int value(char c) {
    return c < 128 ? VALUE[c] : -1;
  }

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    @Nullable StringBuilder out = null;
    TextChecks.Bytes bytes = new TextChecks.Bytes();
    int copied = 0;
    int i = 0;
    while (i < n) {
      if (value(text.charAt(i)) < 0) {
        i++;
        work.add(1);
        continue;
      }
      int start = i;
      boolean upper = false;
      boolean lower = false;
      boolean other = false;
      while (i < n && value(text.charAt(i)) >= 0) {
        char c = text.charAt(i);
        if (c >= 'A' && c <= 'Z') {
          upper = true;
        } else if (c >= 'a' && c <= 'z') {
          lower = true;
        } else if (c != '-' && c != '_') {
          other = true;
        }
        i++;
      }
      int dataEnd = i;
      int pad = 0;
      while (i < n && pad < 2 && text.charAt(i) == '=') {
        pad++;
        i++;
      }
      work.add(i - start);
      int length = dataEnd - start;
      if (length < MIN_RUN
          || !(other || (upper && lower))
          || length % 4 == 1
          || (pad > 0 && (length + pad) % 4 != 0)) {
        continue;
      }
      bytes.clear();
      int buffer = 0;
      int bits = 0;
      for (int k = start; k < dataEnd; k++) {
        buffer = (buffer << 6) | value(text.charAt(k));
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          bytes.add((buffer >> bits) & 0xFF);
        }
      }
      work.add(length);
      @Nullable String decoded = bytes.utf8();
      if (decoded == null || !TextChecks.isTextLike(decoded)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(text, copied, start).append(decoded);
      copied = i;
    }
    if (out == null) {
      return null;
    }
    out.append(text, copied, n);
    return new Decoded(NAME, out.toString());
  }
}
