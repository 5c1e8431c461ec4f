package dev.bulwark.classify.data;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The obfuscations the generator applies to requests. An encoded request keeps the label of what it
 * asks: the canonicalizer decodes it, and the form alone is not a jailbreak (see {@link
 * SyntheticGenerator}).
 */
public enum Encoding {
  BASE64("base64"),
  ROT13("rot13"),
  /** Letters replaced by look-alike digits ({@code a->4, e->3, i->1, o->0, s->5, t->7}). */
  LEETSPEAK("leetspeak"),
  /** Letters separated by spaces, words by three spaces. */
  SPACED("spaced"),
  /** Latin letters replaced by Cyrillic look-alikes. */
  HOMOGLYPHS("homoglyphs"),
  /** The text backwards, by code point. */
  REVERSED("reversed");

  private static final String LATIN = "aceopxyiABCEHKMOPTX";
  private static final String CYRILLIC = "\u0430\u0441\u0435\u043e\u0440\u0445\u0443\u0456\u0410\u0412\u0421\u0415\u041d\u041a\u041c\u041e\u0420\u0422\u0425";

  private final String id;

  Encoding(String id) {
    this.id = id;
  }

  /** The name the constitution uses, e.g. {@code base64}. */
  public String id() {
    return id;
  }

  /** The encoding with this id. */
  public static Optional<Encoding> byId(String id) {
    for (Encoding e : values()) {
      if (e.id.equals(id)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Encodes a text; deterministic. */
  public String encode(String text) {
    switch (this) {
      case BASE64:
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
      case ROT13:
        return rot13(text);
      case LEETSPEAK:
        return leet(text);
      case SPACED:
        return spaced(text);
      case HOMOGLYPHS:
        return homoglyphs(text);
      case REVERSED:
        return new StringBuilder(text).reverse().toString();
      default:
        throw new AssertionError(this);
    }
  }

  private static String rot13(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('a' + (c - 'a' + 13) % 26);
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('A' + (c - 'A' + 13) % 26);
      }
      b.append(c);
    }
    return b.toString();
  }

  private static String leet(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (Character.toLowerCase(c)) {
        case 'a' -> b.append('4');
        case 'e' -> b.append('3');
        case 'i' -> b.append('1');
        case 'o' -> b.append('0');
        case 's' -> b.append('5');
        case 't' -> b.append('7');
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String spaced(String text) {
    String[] words = text.trim().split("\\s+");
    StringBuilder b = new StringBuilder(text.length() * 2);
    for (int w = 0; w < words.length; w++) {
      if (w > 0) {
        b.append("   ");
      }
      String word = words[w];
      for (int i = 0; i < word.length(); i++) {
        if (i > 0) {
          b.append(' ');
        }
        b.append(word.charAt(i));
      }
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }

  private static String homoglyphs(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int k = LATIN.indexOf(c);
      b.append(k >= 0 ? CYRILLIC.charAt(k) : c);
    }
    return b.toString();
  }
}
