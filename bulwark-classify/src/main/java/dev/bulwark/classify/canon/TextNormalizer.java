package dev.bulwark.classify.canon;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import com.ibm.icu.text.UnicodeSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The normalization behind the {@code normalized} view, shared by {@link Canonicalizer} and {@link
 * StreamingNormalizer}.
 *
 * <p>The text is cut into <em>segments</em>: a segment starts at every code point that has an NFKC
 * boundary before it ({@link Normalizer2#hasBoundaryBefore}), so no normalization step can join two
 * segments, and each segment is normalized on its own. The whole text and any chunking of it therefore
 * normalize alike. Per segment:
 *
 * <ol>
 *   <li>a lone surrogate becomes U+FFFD;
 *   <li>invisible code points are dropped before anything else (see {@link #isIgnorable}), so that a
 *       zero-width space cannot keep a mark away from its base letter;
 *   <li>at most {@link #MAX_NON_STARTERS} code points in a row without a boundary before them are kept
 *       (the rest of a "zalgo" pile is dropped), which also bounds ICU's reordering work;
 *   <li>then, until nothing changes (at most {@value #MAX_ROUNDS} rounds): NFKC; fold each non-ASCII code
 *       point whose confusable skeleton is ASCII (see {@link #fold}); truncate to {@value
 *       #MAX_EXPANSION} chars per input char (only U+FDFA and U+FDFB expand further). Folding can put an
 *       ASCII letter next to a combining mark, which the next round's NFKC composes.
 * </ol>
 *
 * <p>The result is a fixed point, hence normalization is idempotent (two rounds suffice in practice;
 * the tests check every assigned code point after a letter and before a mark). Splitting only where
 * the next code point has a boundary before it, and never after a code point that merely has a boundary
 * after it, matters: {@code ×} has one after it, yet once folded to {@code x} it composes with a
 * following dot above.
 */
final class TextNormalizer {
  /** The most code points in a row that have no NFKC boundary before them; UAX #15 uses 30 too. */
  static final int MAX_NON_STARTERS = 30;

  /** The most chars a segment may grow to, per char of input. */
  static final int MAX_EXPANSION = 6;

  private static final int MAX_ROUNDS = 4;

  static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();

  // Default_Ignorable_Code_Point covers every range the design names (zero-width, bidi controls,
  // variation selectors, tags, soft hyphen, CGJ) and the other invisible fillers (U+3164 and friends)
  // that serve the same trick; listed explicitly as well so the intent survives a Unicode update.
  private static final UnicodeSet IGNORABLE =
      new UnicodeSet(
              "[[:Default_Ignorable_Code_Point:]\\u00AD\\u034F\\u061C\\u200B-\\u200F\\u202A-\\u202E"
                  + "\\u2060-\\u2064\\u2066-\\u2069\\uFE00-\\uFE0F\\uFEFF\\U000E0000-\\U000E007F"
                  + "\\U000E0100-\\U000E01EF]")
          .freeze();

  private TextNormalizer() {}

  /** Normalizes a whole text. */
  static String normalize(String text, Work work) {
    StreamingNormalizer s = new StreamingNormalizer(work);
    String head = s.append(text);
    String tail = s.finish();
    return tail.isEmpty() ? head : head + tail;
  }

  /** Whether the code point is invisible and dropped: zero-width, bidi control, tag, and the like. */
  static boolean isIgnorable(int cp) {
    return cp >= 0x80 && IGNORABLE.contains(cp);
  }

  /** Whether nothing before this code point can combine with it under NFKC. */
  static boolean hasBoundaryBefore(int cp) {
    return cp < 0x80 || NFKC.hasBoundaryBefore(cp);
  }

  /**
   * Normalizes one segment of stripped text holding a single code point: the common case, kept off
   * ICU's string path.
   */
  static void appendSingle(StringBuilder out, int cp, Work work) {
    if (cp < 0x80) {
      out.append((char) cp);
    } else if (NFKC.getDecomposition(cp) == null) {
      // NFKC leaves a lone code point without a decomposition as it is.
      appendFolded(out, cp);
    } else {
      out.append(normalizeSegment(new String(Character.toChars(cp)), work));
    }
  }

  /** Normalizes one segment (see the class comment). */
  static String normalizeSegment(String segment, Work work) {
    int cap = MAX_EXPANSION * segment.length();
    String s = segment;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      work.add(2L * s.length());
      String t = refine(NFKC.normalize(s), cap);
      if (t.equals(s)) {
        return t;
      }
      s = t;
    }
    return s;
  }

  private static String refine(String n, int cap) {
    StringBuilder out = new StringBuilder(n.length());
    int run = 0;
    for (int i = 0; i < n.length(); ) {
      int cp = n.codePointAt(i);
      i += Character.charCount(cp);
      if (isIgnorable(cp)) {
        continue;
      }
      int mark = out.length();
      @Nullable String folded = fold(cp);
      if (folded != null) {
        out.append(folded);
        run = 0;
      } else if (hasBoundaryBefore(cp)) {
        out.appendCodePoint(cp);
        run = 0;
      } else if (run < MAX_NON_STARTERS) {
        out.appendCodePoint(cp);
        run++;
      }
      if (out.length() > cap) {
        out.setLength(mark);
        break;
      }
    }
    return out.toString();
  }

  static void appendFolded(StringBuilder out, int cp) {
    @Nullable String folded = fold(cp);
    if (folded != null) {
      out.append(folded);
    } else {
      out.appendCodePoint(cp);
    }
  }

  /**
   * The ASCII text a non-ASCII code point folds to, or null when it stays. A code point folds when its
   * UTS #39 confusable skeleton is ASCII. Skeletons name a prototype, not the letter one means ({@code
   * I}, {@code 1} and {@code |} all have the skeleton {@code l}; {@code m} has {@code rn}), so the fold
   * picks the ASCII character with that skeleton and the same kind (digit, upper- or lower-case letter,
   * other) and falls back to the skeleton itself: the fold follows looks, not meaning (Bengali four,
   * which looks like 8, folds to 8), since looks are what a homoglyph attack relies on. Ideographs and
   * right-to-left letters are never folded: 丫 is a word, not a Y, and Arabic alef is not an l.
   */
  static @Nullable String fold(int cp) {
    if (cp < 0x80) {
      return null;
    }
    return Folds.lookup(cp);
  }

  /** The fold table, built on first use (about a tenth of a second) and immutable after. */
  private static final class Folds {
    private static final int[] FROM;
    private static final String[] TO;

    static {
      SpoofChecker spoof = new SpoofChecker.Builder().build();
      Map<String, String> asciiBySkeleton = new HashMap<>();
      for (char c = 0x20; c < 0x7F; c++) {
        asciiBySkeleton.merge(spoof.getSkeleton(String.valueOf(c)), String.valueOf(c), String::concat);
      }
      List<Integer> from = new ArrayList<>();
      List<String> to = new ArrayList<>();
      StringBuilder one = new StringBuilder(2);
      // Only code points that can stand in NFKC output, and none that is invisible, an ideograph or a
      // right-to-left letter or digit (Arabic alef's skeleton is l; such letters cannot pass for Latin
      // inside a Latin word anyway, since bidi reordering moves them).
      UnicodeSet domain =
          new UnicodeSet(
                  "[^[:Cn:][:Co:][:Cs:][:Default_Ignorable_Code_Point:][:Han:][:Hangul:]"
                      + "[:NFKC_Quick_Check=No:][:Bidi_Class=R:][:Bidi_Class=AL:][:Bidi_Class=AN:]"
                      + "\\u0000-\\u007F]")
              .freeze();
      for (UnicodeSet.EntryRange range : domain.ranges()) {
        for (int cp = range.codepoint; cp <= range.codepointEnd; cp++) {
          one.setLength(0);
          one.appendCodePoint(cp);
          String skeleton = spoof.getSkeleton(one);
          if (!skeleton.isEmpty() && isAscii(skeleton)) {
            from.add(cp);
            to.add(choose(cp, UCharacter.getType(cp), skeleton, asciiBySkeleton.get(skeleton)));
          }
        }
      }
      FROM = from.stream().mapToInt(Integer::intValue).toArray();
      TO = to.toArray(new String[0]);
    }

    private Folds() {}

    static @Nullable String lookup(int cp) {
      int i = Arrays.binarySearch(FROM, cp);
      return i >= 0 ? TO[i] : null;
    }

    private static String choose(int cp, int type, String skeleton, @Nullable String candidates) {
      if (candidates == null) {
        return skeleton;
      }
      char pick;
      switch (type) {
        case UCharacterCategory.UPPERCASE_LETTER:
        case UCharacterCategory.TITLECASE_LETTER:
          pick = first(candidates, Kind.UPPER, Kind.LOWER);
          break;
        case UCharacterCategory.LOWERCASE_LETTER:
        case UCharacterCategory.MODIFIER_LETTER:
        case UCharacterCategory.OTHER_LETTER:
          pick = first(candidates, Kind.LOWER, Kind.UPPER);
          break;
        case UCharacterCategory.DECIMAL_DIGIT_NUMBER:
        case UCharacterCategory.LETTER_NUMBER:
        case UCharacterCategory.OTHER_NUMBER:
          pick = first(candidates, Kind.DIGIT, Kind.DIGIT);
          break;
        default:
          pick = first(candidates, Kind.OTHER, Kind.OTHER);
          break;
      }
      return pick != 0 ? String.valueOf(pick) : skeleton;
    }

    private enum Kind {
      UPPER,
      LOWER,
      DIGIT,
      OTHER;

      static Kind of(char c) {
        if (c >= 'A' && c <= 'Z') {
          return UPPER;
        }
        if (c >= 'a' && c <= 'z') {
          return LOWER;
        }
        return c >= '0' && c <= '9' ? DIGIT : OTHER;
      }
    }

    private static char first(String candidates, Kind preferred, Kind second) {
      for (Kind k : new Kind[] {preferred, second}) {
        for (int i = 0; i < candidates.length(); i++) {
          if (Kind.of(candidates.charAt(i)) == k) {
            return candidates.charAt(i);
          }
        }
      }
      return 0;
    }
  }

  static boolean isAscii(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
