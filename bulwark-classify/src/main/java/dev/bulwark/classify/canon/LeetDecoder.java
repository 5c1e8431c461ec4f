package dev.bulwark.classify.canon;

import org.jspecify.annotations.Nullable;

/**
 * Leetspeak: {@code 4 @}→a, {@code 3}→e, {@code 1 !}→i (l when only that makes a common word), {@code
 * 0}→o, {@code 5 $}→s, {@code 7}→t, {@code 8}→b, {@code 9}→g, {@code |}→l — inside words only. A word
 * (a run of letters, digits and those symbols, less a leading {@code !} and a trailing {@code !} or
 * {@code $}) is rewritten when it mixes letters with substitutes and comes out all letters with a
 * vowel. Left alone:
 * numbers ({@code 2024}), words with other digits ({@code x86}), hex literals, e-mail addresses,
 * anything in a run of more than {@value #MAX_CHUNK} non-space chars (base64, URLs, hashes), a
 * mention or a variable ({@code @echo}, {@code $null}), a markup or path part ({@code <h1}, {@code
 * /v1}), and — unless the rewrite spells a common word, as {@code d0} and {@code 7h3} do — a number
 * with letters after it ({@code 4th}, {@code 5kg}, {@code 4chan}), a name with a number after it
 * ({@code mp3}), and a word with fewer than two letters ({@code 500x500}).
 */
final class LeetDecoder implements Decoder {
  static final String NAME = View.LEET;
  static final int MAX_CHUNK = 32;

  @Override
  public @Nullable Decoded decode(String text, Work work) {
    int n = text.length();
    @Nullable StringBuilder out = null;
    int copied = 0;
    int i = 0;
    while (i < n) {
      work.add(1);
      if (Character.isWhitespace(text.charAt(i))) {
        i++;
        continue;
      }
      int chunkEnd = i;
      while (chunkEnd < n && !Character.isWhitespace(text.charAt(chunkEnd))) {
        chunkEnd++;
      }
      work.add(chunkEnd - i);
      if (chunkEnd - i > MAX_CHUNK) {
        i = chunkEnd; // base64, a URL, a hash: not words
        continue;
      }
      while (i < chunkEnd) {
        if (!isWordChar(text.charAt(i))) {
          i++;
          continue;
        }
        int s = i;
        int e = i;
        while (e < chunkEnd && isWordChar(text.charAt(e))) {
          e++;
        }
        i = e;
        while (s < e && text.charAt(s) == '!') {
          s++;
        }
        while (e > s && (text.charAt(e - 1) == '!' || text.charAt(e - 1) == '$')) {
          e--; // "wow!", "$x$" in LaTeX
        }
        @Nullable String converted = s < e ? convert(text, s, e) : null;
        if (converted == null) {
          continue;
        }
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, copied, s).append(converted);
        copied = e;
      }
    }
    if (out == null) {
      return null;
    }
    out.append(text, copied, n);
    return new Decoded(NAME, out.toString());
  }

  private static @Nullable String convert(String text, int s, int e) {
    int letters = 0;
    int substitutes = 0;
    int upper = 0;
    boolean hexOnly = true;
    boolean at = false;
    for (int k = s; k < e; k++) {
      char c = text.charAt(k);
      if (Character.isLetter(c)) {
        letters++;
        if (Character.isUpperCase(c)) {
          upper++;
        }
      } else if (plain(c) != 0) {
        substitutes++;
      } else {
        return null; // another digit (2, 6) or a symbol in a position we do not read
      }
      hexOnly &= TextChecks.hexValue(c) >= 0;
      at |= c == '@';
    }
    if (letters == 0 || substitutes == 0) {
      return null;
    }
    if (letters == 1 && text.charAt(e - 1) == 's' && allDigits(text, s, e - 1)) {
      return null; // 1s, 1990s
    }
    int length = e - s;
    if ((hexOnly && length >= 6)
        || (length > 2 && text.charAt(s) == '0' && (text.charAt(s + 1) == 'x' || text.charAt(s + 1) == 'X'))) {
      return null; // a hash or a hex literal
    }
    if (at && e + 1 < text.length() && text.charAt(e) == '.' && Character.isLetter(text.charAt(e + 1))) {
      return null; // an e-mail address
    }
    if (text.charAt(s) == '@' // @mention, @echo
        || text.charAt(s) == '$' // $price, $variable
        || (s > 0 && (text.charAt(s - 1) == '<' || text.charAt(s - 1) == '/'))) { // <h1>, /v1
      return null;
    }
    int firstLetter = s;
    while (!Character.isLetter(text.charAt(firstLetter))) {
      firstLetter++;
    }
    int lastLetter = e - 1;
    while (!Character.isLetter(text.charAt(lastLetter))) {
      lastLetter--;
    }
    boolean digitsThenLetters =
        firstLetter > s && allDigits(text, s, firstLetter) && allLetters(text, firstLetter, e);
    boolean lettersThenDigits =
        lastLetter < e - 1 && allLetters(text, s, lastLetter + 1) && allDigits(text, lastLetter + 1, e);
    boolean caps = upper == letters && letters >= 2;
    String asI = rewrite(text, s, e, caps, 'i');
    String asL = asI.indexOf(caps ? 'I' : 'i') >= 0 ? rewrite(text, s, e, caps, 'l') : asI;
    String result = !common(asI) && common(asL) ? asL : asI;
    if (!common(result)
        && (digitsThenLetters // 4th, 5kg, 4chan, 3com
            || lettersThenDigits // mp3, gpt4
            || letters < 2)) { // 500x500
      return null;
    }
    return hasVowel(result) ? result : null;
  }

  private static String rewrite(String text, int s, int e, boolean caps, char one) {
    StringBuilder b = new StringBuilder(e - s);
    for (int k = s; k < e; k++) {
      char c = text.charAt(k);
      char p = c == '1' || c == '!' ? one : plain(c);
      if (p == 0) {
        b.append(c);
      } else {
        b.append(caps ? Character.toUpperCase(p) : p);
      }
    }
    return b.toString();
  }

  private static boolean common(String word) {
    return EnglishScore.isCommonWord(word.toLowerCase(java.util.Locale.ROOT));
  }

  private static boolean allLetters(String text, int s, int e) {
    for (int k = s; k < e; k++) {
      if (!Character.isLetter(text.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allDigits(String text, int s, int e) {
    for (int k = s; k < e; k++) {
      if (text.charAt(k) < '0' || text.charAt(k) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean hasVowel(String word) {
    for (int k = 0; k < word.length(); k++) {
      switch (Character.toLowerCase(word.charAt(k))) {
        case 'a':
        case 'e':
        case 'i':
        case 'o':
        case 'u':
        case 'y':
          return true;
        default:
          break;
      }
    }
    return false;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetter(c) || (c >= '0' && c <= '9') || c == '@' || c == '$' || c == '!' || c == '|';
  }

  /** The letter a substitute stands for, or 0. */
  private static char plain(char c) {
    switch (c) {
      case '4':
      case '@':
        return 'a';
      case '3':
        return 'e';
      case '1':
      case '!':
        return 'i';
      case '0':
        return 'o';
      case '5':
      case '$':
        return 's';
      case '7':
        return 't';
      case '8':
        return 'b';
      case '9':
        return 'g';
      case '|':
        return 'l';
      default:
        return 0;
    }
  }
}
