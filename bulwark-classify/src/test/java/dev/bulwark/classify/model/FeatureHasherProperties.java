package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.model.FeatureHasher.Namespace;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The streaming extractor agrees with a plain, whole-string reading of the feature definition. */
class FeatureHasherProperties {
  private static final FeatureHasher FEATURES = FeatureHasher.builder().hashBits(20).charNgrams(2, 5).build();

  @Property(tries = 300)
  void features_anyText_equalReferenceMultiset(@ForAll("texts") String text, @ForAll Namespace namespace) {
    int[] actual = FEATURES.features(namespace, text);
    int[] expected = reference(FEATURES, namespace, text);
    assertThat(sorted(actual)).containsExactly(sorted(expected));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings()
        .withChars("aAbBzZ09 .,!?-\t\n\u00a0éÉßİ\u2003")
        .withChars('\uD83D', '\uDE00')
        .ofMaxLength(40);
  }

  /** The definition, read off a whole string: normalize, pad, slide windows; split words. */
  static int[] reference(FeatureHasher h, Namespace ns, String text) {
    StringBuilder lower = new StringBuilder();
    for (char c : text.toCharArray()) {
      char lc = Character.toLowerCase(c);
      lower.append(Character.isWhitespace(lc) || Character.isSpaceChar(lc) ? ' ' : lc);
    }
    String padded = (" " + lower + " ").replaceAll(" +", " ");
    List<Integer> out = new ArrayList<>();
    if (!padded.isBlank()) {
      for (int n = h.charNgramMin(); n <= h.charNgramMax(); n++) {
        for (int i = 0; i + n <= padded.length(); i++) {
          out.add(h.charNgramBucket(ns, padded.substring(i, i + n)));
        }
      }
    }
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    for (char c : (lower + " ").toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        w.append(c);
      } else if (w.length() > 0) {
        words.add(w.toString());
        w.setLength(0);
      }
    }
    for (int i = 0; i < words.size(); i++) {
      if (h.wordUnigrams()) {
        out.add(h.wordBucket(ns, words.get(i)));
      }
      if (h.wordBigrams() && i > 0) {
        out.add(h.wordBigramBucket(ns, words.get(i - 1), words.get(i)));
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] sorted(int[] a) {
    int[] c = a.clone();
    java.util.Arrays.sort(c);
    return c;
  }
}
