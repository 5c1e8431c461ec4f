package dev.bulwark.classify.canon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ibm.icu.text.UnicodeSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NormalizationTest {
  private static String normalize(String s) {
    return Canonicalizer.defaults().canonicalize(s).primary().text();
  }

  private static String stream(String... chunks) {
    StreamingNormalizer s = new StreamingNormalizer();
    StringBuilder out = new StringBuilder();
    for (String chunk : chunks) {
      out.append(s.append(chunk));
    }
    return out.append(s.finish()).toString();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Cyrillic a, o, e, p, c  | \u0430\u043E\u0435\u0440\u0441         | aoepc",
        "Cyrillic capitals       | \u0410\u0412\u0415\u041A\u041C\u041D\u041E\u0420\u0421\u0422\u0425 | ABEKMHOPCTX",
        "Greek omicron, nu       | \u03BF\u03BD                          | ov",
        "Greek capital iota      | \u0399                                | I",
        "Cyrillic palochka       | \u04CF                                | l",
        "Armenian ho looks like h| \u0570                                | h",
        "Bengali four looks like 8| \u09EA                               | 8",
        "Devanagari zero         | \u0966                                | o",
      })
  void normalize_homoglyph_foldsToAscii(String what, String in, String expected) {
    assertThat(normalize(in)).as(what).isEqualTo(expected);
  }

  @Test
  void normalize_curlyQuotesAndDashes_foldToAscii() {
    assertThat(normalize("\u201Cq\u201D \u2018x\u2019 a\u2212b")).isEqualTo("\"q\" 'x' a-b");
  }

  @Test
  void normalize_fullwidthAndMathLetters_fold() {
    assertThat(normalize("\uFF48\uFF45\uFF4C\uFF4C\uFF4F \uFF37\uFF2F\uFF32\uFF2C\uFF24\uFF01"))
        .isEqualTo("hello WORLD!");
    assertThat(normalize("\uD835\uDC1B\uD835\uDC28\uD835\uDC1A\uD835\uDC2D \uD835\uDD38\uD835\uDD39"))
        .isEqualTo("boat AB");
  }

  @Test
  void normalize_invisibleCharacters_areRemoved() {
    String in =
        "b\u200Bo\u200Co\u200Dk\u200E \u200Fs\u2060h\u2061e\u2062l\u2063f\u2064 \uFEFFs\u00ADo"
            + "f\u034Ft\uFE0F \u202Aw\u202Bh\u202Ci\u202Dt\u202Ee \u2066r\u2067e\u2068d\u2069 \u061Cok"
            + "\uDB40\uDC01\uDB40\uDC41\uDB40\uDC7F \u3164x\uDB40\uDD00y";

    assertThat(normalize(in)).isEqualTo("book shelf soft white red ok xy");
  }

  @Test
  void normalize_invisibleCharBetweenLetterAndMark_doesNotKeepThemApart() {
    // Stripping comes before NFKC, so the mark composes with its letter as if the ZWSP were not there.
    assertThat(normalize("e\u200B\u0301")).isEqualTo("\u00E9");
  }

  @Test
  void normalize_asciiText_isNeverRewritten() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      all.append(c);
    }
    String ascii = all + " m rn 0 O 1 l I | \" ` 'quoted' %";

    assertThat(normalize(ascii)).isEqualTo(ascii);
    assertThat(Canonicalizer.defaults().canonicalize(ascii).views().get(0).text()).isEqualTo(ascii);
  }

  @Test
  void normalize_keepsCase() {
    assertThat(normalize("Hello \u0410BC")).isEqualTo("Hello ABC");
  }

  @Test
  void normalize_ordinaryNonLatinText_staysReadable() {
    // Letters whose skeleton is not ASCII stay; ideographs and right-to-left letters never fold.
    String text = "\u041F\u0440\u0438\u0432\u0435\u0442 \u4E2B \u05E9\u05DC\u05D5\u05DD \u0627\u0644\u0633\u0644\u0627\u0645";

    assertThat(normalize(text))
        .isEqualTo("\u041Fp\u0438\u0432e\u0442 \u4E2B \u05E9\u05DC\u05D5\u05DD \u0627\u0644\u0633\u0644\u0627\u0645");
  }

  @Test
  void normalize_mathDigits_foldThroughNfkc() {
    assertThat(TextNormalizer.fold(0x1D7CF)).isNull(); // NFKC maps it to 1 first; never folded itself
    assertThat(normalize("\uD835\uDFCF\uD835\uDFCE")).isEqualTo("10");
  }

  @Test
  void normalize_combiningPile_isCapped() {
    String zalgo = "a" + "\u0301\u0316".repeat(100) + "b";

    String n = normalize(zalgo);

    assertThat(n).startsWith("\u00E1").endsWith("b");
    assertThat(n.codePointCount(0, n.length())).isLessThanOrEqualTo(2 + TextNormalizer.MAX_NON_STARTERS);
    assertThat(normalize(n)).isEqualTo(n);
  }

  @Test
  void normalize_hugeExpansion_isTruncatedPerSegment() {
    String n = normalize("\uFDFA");

    assertThat(n).hasSize(TextNormalizer.MAX_EXPANSION).isEqualTo("\u0635\u0644\u0649 \u0627\u0644");
    assertThat(normalize(n)).isEqualTo(n);
  }

  @Test
  void normalize_loneSurrogates_becomeReplacementCharacters() {
    assertThat(normalize("a\uD800b\uDC00c\uD800")).isEqualTo("a\uFFFDb\uFFFDc\uFFFD");
  }

  @Test
  void normalize_loneSurrogatesAroundAnInvisibleChar_doNotPairUp() {
    String once = normalize("\uD835\u200B\uDC1B");

    assertThat(once).isEqualTo("\uFFFD\uFFFD");
    assertThat(normalize(once)).isEqualTo(once);
  }

  @Test
  void normalize_isIdempotentOnTrickyCases() {
    List<String> cases =
        List.of(
            "\u0430\u0301", // Cyrillic a folds to a, which then composes with the acute
            "\u00D7\u0307", // multiplication sign folds to x, which composes with the dot above
            "\u1100\u1161\u11A8", // conjoining jamo compose to a syllable
            "\uFB01\u0301",
            "\u0041\u030A\u0301\u0323",
            "\uFF21\u0308");
    for (String c : cases) {
      String once = normalize(c);
      assertThat(normalize(once)).as(c).isEqualTo(once);
    }
    assertThat(normalize("\u0430\u0301")).isEqualTo("\u00E1");
    assertThat(normalize("\u00D7\u0307")).isEqualTo("\u1E8B");
  }

  @Test
  void normalize_everyAssignedCodePointAfterALetterOrBeforeAMark_isIdempotent() {
    // Ideographs are left out for speed: none folds, decomposes or composes.
    UnicodeSet all = new UnicodeSet("[^[:Cn:][:Han:]]").freeze();
    List<String> failures = new ArrayList<>();
    StringBuilder b = new StringBuilder(6);
    for (UnicodeSet.EntryRange r : all.ranges()) {
      for (int cp = r.codepoint; cp <= r.codepointEnd; cp++) {
        for (int variant = 1; variant <= 2; variant++) {
          b.setLength(0);
          if (variant == 1) {
            b.append('x');
          }
          b.appendCodePoint(cp);
          if (variant == 2) {
            b.append('\u0307');
          }
          String once = TextNormalizer.normalize(b.toString(), new Work());
          if (!TextNormalizer.normalize(once, new Work()).equals(once) && failures.size() < 10) {
            failures.add(variant + ":" + Integer.toHexString(cp));
          }
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void stream_chunkSplitsASurrogatePair_joinsIt() {
    String math = "\uD835\uDC1B"; // MATHEMATICAL BOLD SMALL B

    assertThat(stream("a\uD835", "\uDC1Bc")).isEqualTo("abc").isEqualTo(normalize("a" + math + "c"));
  }

  @Test
  void stream_markInTheNextChunk_composesWithTheHeldBackLetter() {
    StreamingNormalizer s = new StreamingNormalizer();

    assertThat(s.append("cafe")).isEqualTo("caf");
    assertThat(s.append("\u0301 ok")).isEqualTo("\u00E9 o");
    assertThat(s.finish()).isEqualTo("k");
  }

  @Test
  void stream_highSurrogateAtTheEnd_isFlushedAsIs() {
    assertThat(stream("x\uD800")).isEqualTo("x\uFFFD");
    assertThat(stream("x\uD800", "y")).isEqualTo("x\uFFFDy");
  }

  @Test
  void stream_afterFinish_startsAFreshStream() {
    StreamingNormalizer s = new StreamingNormalizer();
    s.append("a\u0430\uD800");
    assertThat(s.finish()).isEqualTo("a\uFFFD");

    assertThat(s.append("\uDC00")).isEmpty();
    assertThat(s.finish()).isEqualTo("\uFFFD");
  }

  @Test
  void stream_nullChunk_throws() {
    assertThatThrownBy(() -> new StreamingNormalizer().append(null)).isInstanceOf(NullPointerException.class);
  }
}
