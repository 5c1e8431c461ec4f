package dev.bulwark.response.proliferate;

import dev.bulwark.classify.canon.EnglishScore;
import dev.bulwark.classify.data.Encoding;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How an attack carries its payload: as it is, or through an encoding or cipher. Proliferation finds
 * the codec of an observed attack by decoding (a codec whose decoding of the payload reads as English
 * is the one), and encodes swapped-in requests the same way; it also re-encodes payloads with other
 * codecs for variety. Decoding is best effort and may be lossy (leetspeak, Morse); encoding is
 * deterministic.
 */
public enum PayloadCodec {
  IDENTITY("plain"),
  BASE64("base64"),
  ROT13("rot13"),
  LEETSPEAK("leetspeak"),
  SPACED("spaced"),
  HOMOGLYPHS("homoglyphs"),
  REVERSED("reversed"),
  /** Each word spelled backwards, word order kept. */
  WORD_REVERSAL("word-reversal"),
  /** Each char as its decimal code point, separated by spaces. */
  ASCII_DECIMAL("ascii-decimal"),
  /** International Morse code for letters and digits, {@code /} between words. */
  MORSE("morse"),
  /**
   * The request cut into pieces to put back together (payload splitting): a numbered list of words,
   * string variables to concatenate, or quoted pieces joined with {@code +}; the layout follows from
   * the text, so encoding stays deterministic.
   */
  FRAGMENTS("fragments");

  private static final java.util.regex.Pattern NUMBERED_LINE = java.util.regex.Pattern.compile(
      "\\s*(?:(?:word|item|part)\\s*)?\\(?\\d{1,3}[.):=]?\\)?\\s*[:=]?\\s*(\\S.*?)\\s*;?\\s*", java.util.regex.Pattern.CASE_INSENSITIVE);
  private static final java.util.regex.Pattern NUMBERED_INLINE = java.util.regex.Pattern.compile("\\b\\d{1,3}\\s*[=:]\\s*([^;]+);");
  private static final java.util.regex.Pattern QUOTED_PIECE = java.util.regex.Pattern.compile("\"([^\"\\n]*)\"|'([^'\\n]*)'");

  private static final String[] MORSE_LETTERS = {".-", "-...", "-.-.", "-..", ".", "..-.", "--.", "....", "..",
      ".---", "-.-", ".-..", "--", "-.", "---", ".--.", "--.-", ".-.", "...", "-", "..-", "...-", ".--", "-..-",
      "-.--", "--.."};
  private static final String[] MORSE_DIGITS = {"-----", ".----", "..---", "...--", "....-", ".....", "-....",
      "--...", "---..", "----."};
  private static final Map<String, Character> MORSE_DECODE = new HashMap<>();
  private static final String LATIN = "aceopxyiABCEHKMOPTX";
  private static final String CYRILLIC = "\u0430\u0441\u0435\u043e\u0440\u0445\u0443\u0456\u0410\u0412\u0421\u0415\u041d\u041a\u041c\u041e\u0420\u0422\u0425";

  static {
    for (int i = 0; i < 26; i++) {
      MORSE_DECODE.put(MORSE_LETTERS[i], (char) ('a' + i));
    }
    for (int i = 0; i < 10; i++) {
      MORSE_DECODE.put(MORSE_DIGITS[i], (char) ('0' + i));
    }
  }

  private final String id;

  PayloadCodec(String id) {
    this.id = id;
  }

  /** The name variants record, e.g. {@code rot13}. */
  public String id() {
    return id;
  }

  /** Encodes a payload. */
  public String encode(String text) {
    return switch (this) {
      case IDENTITY -> text;
      case BASE64 -> Encoding.BASE64.encode(text);
      case ROT13 -> Encoding.ROT13.encode(text);
      case LEETSPEAK -> Encoding.LEETSPEAK.encode(text);
      case SPACED -> Encoding.SPACED.encode(text);
      case HOMOGLYPHS -> Encoding.HOMOGLYPHS.encode(text);
      case REVERSED -> Encoding.REVERSED.encode(text);
      case WORD_REVERSAL -> wordReversal(text);
      case ASCII_DECIMAL -> asciiDecimal(text);
      case MORSE -> morse(text);
      case FRAGMENTS -> fragments(text);
    };
  }

  /** Decodes a payload, or empty when the text is not in this codec. */
  public Optional<String> decode(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    return switch (this) {
      case IDENTITY -> Optional.of(t);
      case BASE64 -> base64Decode(t);
      case ROT13 -> Optional.of(Encoding.ROT13.encode(t));
      case LEETSPEAK -> Optional.of(unleet(t));
      case SPACED -> t.contains(" ") ? Optional.of(t.replace("   ", "\u0000").replace(" ", "").replace('\u0000', ' '))
          : Optional.empty();
      case HOMOGLYPHS -> Optional.of(unhomoglyph(t));
      case REVERSED -> Optional.of(new StringBuilder(t).reverse().toString());
      case WORD_REVERSAL -> Optional.of(wordReversal(t));
      case ASCII_DECIMAL -> asciiDecode(t);
      case MORSE -> morseDecode(t);
      case FRAGMENTS -> unfragment(t);
    };
  }

  /** A human name for the codec, for instructions that ask to decode it. */
  public String displayName() {
    return switch (this) {
      case IDENTITY -> "plain text";
      case BASE64 -> "base64";
      case ROT13 -> "rot13";
      case LEETSPEAK -> "leetspeak";
      case SPACED -> "spaced-out letters";
      case HOMOGLYPHS -> "look-alike letters";
      case REVERSED -> "reversed text";
      case WORD_REVERSAL -> "words spelled backwards";
      case ASCII_DECIMAL -> "decimal character codes";
      case MORSE -> "Morse code";
      case FRAGMENTS -> "fragments to join";
    };
  }

  /**
   * Whether {@code decoded} is good evidence that {@code encoded} is in this codec: it reads as
   * English, the encoded text does not, and for codecs that change a few characters in place
   * (leetspeak, look-alike letters) enough of them changed.
   */
  boolean evidence(String encoded, String decoded) {
    if (!readsAsEnglish(decoded) || (this != IDENTITY && this != FRAGMENTS && readsAsEnglish(encoded))) {
      return false;
    }
    if (this == LEETSPEAK || this == HOMOGLYPHS) {
      int changed = 0;
      int n = Math.min(encoded.length(), decoded.length());
      for (int i = 0; i < n; i++) {
        if (encoded.charAt(i) != decoded.charAt(i)) {
          changed++;
        }
      }
      return changed >= 3 && changed >= 0.12 * n;
    }
    return true;
  }

  /** Whether a decoded text reads as an English request (enough common words, English letters). */
  public static boolean readsAsEnglish(String text) {
    EnglishScore s = EnglishScore.of(text);
    return s.tokens() >= 3 && s.commonWords() >= 2 && s.score() >= 0.35;
  }

  /**
   * The request cut into pieces, in one of several layouts picked by the text's hash, so that a patch
   * learns the technique (pieces to put back together) and not one way of writing it: numbered lines
   * ({@code 1. how}, {@code word 1: how}, {@code 1: how}, {@code item 1: "how"}), numbered pieces inline
   * on one line ({@code 1: how; 2: do; ...}), string variables to concatenate, or quoted pieces joined
   * with {@code +}. Two common layouts are left out on purpose: numbers in brackets ({@code (1) how})
   * and {@code 1=how;} pieces. They are the development benchmark's out-of-distribution layouts of
   * payload splitting ({@code bulwark respond dev-families}), which measure how far a patch reaches
   * beyond the layouts proliferation makes; making them here would turn that measurement into an
   * in-distribution one.
   */
  private static String fragments(String text) {
    return fragments(text, Math.floorMod(text.hashCode(), FRAGMENT_LAYOUTS));
  }

  /** How many layouts {@link #FRAGMENTS} writes. */
  public static final int FRAGMENT_LAYOUTS = 7;

  /** The layouts of numbered pieces (lines or inline), and those of quoted strings joined by name or by {@code +}. */
  private static final int[] NUMBERED_LAYOUTS = {0, 3, 4, 5, 6};
  private static final int[] JOINED_LAYOUTS = {1, 2};

  /**
   * {@code text} cut into pieces in a layout of one kind, picked by the text's hash: numbered pieces
   * when {@code numbered}, else quoted strings joined together (string variables, quoted pieces with
   * {@code +}). Proliferation varies the layout within the observed kind of splitting: a family of
   * string variables learns from few numbered lists, and the other way round (all layouts at once took
   * string variables from 0.005 to 0.060 of out-of-distribution lines passing; docs/response.md).
   */
  public static String fragmentsOfKind(String text, boolean numbered) {
    int[] kind = numbered ? NUMBERED_LAYOUTS : JOINED_LAYOUTS;
    return fragments(text, kind[Math.floorMod(text.hashCode(), kind.length)]);
  }

  /** {@code text} in fragment layout {@code layout}, in [0, {@link #FRAGMENT_LAYOUTS}). */
  public static String fragments(String text, int layout) {
    String[] w = text.strip().split("\\s+");
    StringBuilder b = new StringBuilder();
    switch (layout) {
      case 0 -> numberedLines(b, w, "%d. %s");
      case 1 -> {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < w.length; i += 2) {
          String name = "a" + names.size();
          names.add(name);
          b.append(name).append(" = \"").append(w[i]).append(i + 1 < w.length ? " " + w[i + 1] : "").append("\"\n");
        }
        b.append(String.join(" + \" \" + ", names));
      }
      case 2 -> {
        for (int i = 0; i < w.length; i++) {
          if (i > 0) {
            b.append(" + ");
          }
          b.append('\'').append(w[i]).append('\'');
        }
      }
      case 3 -> numberedLines(b, w, "word %d: %s");
      case 4 -> numberedLines(b, w, "%d: %s");
      case 5 -> numberedLines(b, w, "item %d: \"%s\"");
      default -> {
        for (int i = 0; i < w.length; i++) {
          b.append(String.format(Locale.ROOT, "%d: %s; ", i + 1, w[i]));
        }
      }
    }
    return b.toString().strip();
  }

  private static void numberedLines(StringBuilder b, String[] words, String item) {
    for (int i = 0; i < words.length; i++) {
      b.append(String.format(Locale.ROOT, item, i + 1, words[i])).append('\n');
    }
  }

  /** Fragments are words or short phrases; a numbered list of sentences (a template's rules) is not one. */
  static final int MAX_PIECE_WORDS = 4;

  /** Common word pairs of English requests, to tell a decoding in the right word order from one in reverse. */
  private static final java.util.Set<String> COMMON_PAIRS = java.util.Set.of(
      "how to", "how do", "how can", "how does", "do i", "can i", "can you", "could you", "i make", "i get", "i find",
      "to make", "to get", "to use", "to build", "to create", "to find", "of a", "of the", "in a", "in the", "to the",
      "on the", "for a", "for the", "is the", "is a", "what is", "what are", "tell me", "give me", "show me", "write a",
      "a list", "step by", "by step", "and the", "with a", "with the", "from the", "at home", "without getting",
      "getting caught", "someone else", "my own", "a way", "the best", "way to", "i want", "want to", "need to", "i need");

  /** How many whitespace-separated words {@code s} has. */
  static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }

  /** How many adjacent word pairs of a text are common English pairs: higher for the right word order. */
  static int fluency(String text) {
    String[] w = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").trim().split("\\s+");
    int n = 0;
    for (int i = 0; i + 1 < w.length; i++) {
      if (COMMON_PAIRS.contains(w[i] + " " + w[i + 1])) {
        n++;
      }
    }
    return n;
  }

  /** Whether a line looks like a piece of a fragmented request (a numbered item, or quoted strings). */
  static boolean fragmentLine(String line) {
    if (line.isBlank()) {
      return false;
    }
    java.util.regex.Matcher n = NUMBERED_LINE.matcher(line);
    if (n.matches()) {
      return words(n.group(1)) <= MAX_PIECE_WORDS;
    }
    // A line that is mostly quoted short pieces (an assignment), not prose that quotes something.
    java.util.regex.Matcher q = QUOTED_PIECE.matcher(line);
    long quoted = 0;
    while (q.find()) {
      String p = q.group(1) != null ? q.group(1) : q.group(2);
      if (words(p) > MAX_PIECE_WORDS) {
        return false;
      }
      quoted += p.chars().filter(Character::isLetter).count();
    }
    long letters = line.chars().filter(Character::isLetter).count();
    return quoted > 0 && quoted >= 0.6 * letters;
  }

  /**
   * The pieces of a fragmented text, in order, at least three: numbered items (when most lines are
   * numbered, or {@code 1=a; 2=b;} on one line), else quoted strings that hold most of its letters.
   */
  private static Optional<String> unfragment(String text) {
    List<String> pieces = new java.util.ArrayList<>();
    int lines = 0;
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      lines++;
      java.util.regex.Matcher m = NUMBERED_LINE.matcher(line);
      if (m.matches() && words(m.group(1)) <= MAX_PIECE_WORDS) {
        pieces.add(unquoted(m.group(1).strip()));
      }
    }
    if (pieces.size() >= 3 && pieces.size() >= 0.6 * lines) {
      return Optional.of(String.join(" ", pieces));
    }
    pieces.clear();
    java.util.regex.Matcher inline = NUMBERED_INLINE.matcher(text);
    while (inline.find()) {
      if (words(inline.group(1)) <= MAX_PIECE_WORDS) {
        pieces.add(inline.group(1).strip());
      }
    }
    if (pieces.size() >= 3) {
      return Optional.of(String.join(" ", pieces));
    }
    pieces.clear();
    java.util.regex.Matcher q = QUOTED_PIECE.matcher(text);
    while (q.find()) {
      String p = q.group(1) != null ? q.group(1) : q.group(2);
      if (!p.isBlank()) {
        if (words(p) > MAX_PIECE_WORDS) {
          // Quoted sentences are quotations, not fragments of a request.
          return Optional.empty();
        }
        pieces.add(p.strip());
      }
    }
    long covered = pieces.stream().mapToLong(p -> p.chars().filter(Character::isLetter).count()).sum();
    long letters = text.chars().filter(Character::isLetter).count();
    return pieces.size() >= 3 && covered >= 0.5 * letters ? Optional.of(String.join(" ", pieces)) : Optional.empty();
  }

  /** A piece without the quotes around it ({@code item 1: "how"}). */
  private static String unquoted(String piece) {
    int n = piece.length();
    if (n >= 2 && (piece.charAt(0) == '"' || piece.charAt(0) == '\'') && piece.charAt(n - 1) == piece.charAt(0)) {
      return piece.substring(1, n - 1).strip();
    }
    return piece;
  }

  private static String wordReversal(String text) {
    StringBuilder b = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      int j = i;
      while (j < text.length() && !Character.isWhitespace(text.charAt(j))) {
        j++;
      }
      b.append(new StringBuilder(text.substring(i, j)).reverse());
      while (j < text.length() && Character.isWhitespace(text.charAt(j))) {
        b.append(text.charAt(j++));
      }
      i = j;
    }
    return b.toString();
  }

  private static String asciiDecimal(String text) {
    StringBuilder b = new StringBuilder(text.length() * 4);
    text.codePoints().forEach(cp -> {
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(cp);
    });
    return b.toString();
  }

  private static Optional<String> asciiDecode(String text) {
    if (!text.matches("\\d{1,7}(?:[ ,]+\\d{1,7})+")) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder();
    for (String part : text.split("[ ,]+")) {
      int cp = Integer.parseInt(part);
      if (!Character.isValidCodePoint(cp)) {
        return Optional.empty();
      }
      b.appendCodePoint(cp);
    }
    return Optional.of(b.toString());
  }

  private static String morse(String text) {
    StringBuilder b = new StringBuilder();
    for (String word : text.toLowerCase(Locale.ROOT).split("\\s+")) {
      StringBuilder w = new StringBuilder();
      for (char c : word.toCharArray()) {
        String code = c >= 'a' && c <= 'z' ? MORSE_LETTERS[c - 'a'] : c >= '0' && c <= '9' ? MORSE_DIGITS[c - '0'] : null;
        if (code != null) {
          if (w.length() > 0) {
            w.append(' ');
          }
          w.append(code);
        }
      }
      if (w.length() > 0) {
        if (b.length() > 0) {
          b.append(" / ");
        }
        b.append(w);
      }
    }
    return b.toString();
  }

  private static Optional<String> morseDecode(String text) {
    if (!text.matches("[.\\-/ ]+") || !text.contains(".") && !text.contains("-")) {
      return Optional.empty();
    }
    StringBuilder b = new StringBuilder();
    for (String word : text.trim().split("\\s*/\\s*")) {
      if (b.length() > 0) {
        b.append(' ');
      }
      for (String code : word.trim().split("\\s+")) {
        Character c = MORSE_DECODE.get(code);
        if (c == null) {
          return Optional.empty();
        }
        b.append(c.charValue());
      }
    }
    return Optional.of(b.toString());
  }

  private static Optional<String> base64Decode(String text) {
    if (!text.matches("[A-Za-z0-9+/]{8,}={0,2}") || text.length() % 4 != 0) {
      return Optional.empty();
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(text);
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static String unleet(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      b.append(switch (c) {
        case '4' -> 'a';
        case '3' -> 'e';
        case '1' -> 'i';
        case '0' -> 'o';
        case '5' -> 's';
        case '7' -> 't';
        default -> c;
      });
    }
    return b.toString();
  }

  private static String unhomoglyph(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      int k = CYRILLIC.indexOf(c);
      b.append(k >= 0 ? LATIN.charAt(k) : c);
    }
    return b.toString();
  }
}
