package dev.bulwark.classify.model;

import static dev.bulwark.classify.model.FeatureHasher.Namespace.CONTEXT;
import static dev.bulwark.classify.model.FeatureHasher.Namespace.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeatureHasherTest {
  private static final FeatureHasher TRIGRAMS =
      FeatureHasher.builder().hashBits(16).charNgrams(3, 3).wordUnigrams(false).wordBigrams(false).build();

  // Published MurmurHash3_x86_32 vectors.
  @ParameterizedTest
  @CsvSource({
    "'', 0, 0",
    "'', 1, 514E28B7",
    "'', ffffffff, 81F16F39",
    "00000000, 0, 2362F9DE",
    "ffffffff, 0, 76293B50",
    "21436587, 0, F55B516B",
    "21436587, 5082EDEE, 2362F9DE",
    "214365, 0, 7E4A8634",
    "2143, 0, A0F7B07A",
    "21, 0, 72661CF4",
  })
  void murmur3_publishedVectors_match(String hexBytes, String hexSeed, String hexExpected) {
    byte[] data = java.util.HexFormat.of().parseHex(hexBytes);
    int seed = Integer.parseUnsignedInt(hexSeed, 16);
    assertThat(Murmur3.hash(data, seed)).isEqualTo(Integer.parseUnsignedInt(hexExpected, 16));
  }

  @ParameterizedTest
  @CsvSource({
    "a, 7FA09EA6",
    "aa, 5D211726",
    "aaa, 283E0130",
    "aaaa, 5A97808A",
    "abc, C84A62DD",
    "abcd, F0478627",
    "'Hello, world!', 24884CBA",
    "The quick brown fox jumps over the lazy dog, 2FA826CD",
  })
  void murmur3_publishedStringVectors_match(String text, String hexExpected) {
    assertThat(Murmur3.hash(text.getBytes(StandardCharsets.US_ASCII), 0x9747b28c))
        .isEqualTo(Integer.parseUnsignedInt(hexExpected, 16));
  }

  @Test
  void murmur3_charsAndRunning_equalHashOfUtf16LeBytes() {
    for (String s : new String[] {"", "a", "ab", "abc", "zebra", "é\u00dfİ", "\uD83D\uDE00x"}) {
      int expected = Murmur3.hash(s.getBytes(StandardCharsets.UTF_16LE), 42);
      assertThat(Murmur3.hashChars(s.toCharArray(), 0, s.length(), 42)).as(s).isEqualTo(expected);
      Murmur3.Running running = new Murmur3.Running(42);
      running.add('q');
      running.reset();
      for (char c : s.toCharArray()) {
        running.add(c);
      }
      assertThat(running.value()).as(s).isEqualTo(expected);
    }
  }

  @Test
  void murmur3_ints_equalHashOfLittleEndianBytes() {
    byte[] eight = {1, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThat(Murmur3.hashInts(1, -1, 7)).isEqualTo(Murmur3.hash(eight, 7));
    assertThat(Murmur3.hashInt(1, 7)).isEqualTo(Murmur3.hash(Arrays.copyOf(eight, 4), 7));
  }

  // Golden values: a change here changes every trained model's meaning, and needs a new SCHEME.
  @Test
  void buckets_fixedNgrams_haveGoldenValues() {
    FeatureHasher h = FeatureHasher.DEFAULT;
    assertThat(h.charNgramBucket(TEXT, " ze")).isEqualTo(235296);
    assertThat(h.charNgramBucket(CONTEXT, " ze")).isEqualTo(139496);
    assertThat(h.wordBucket(TEXT, "zebra")).isEqualTo(21386);
    assertThat(h.wordBucket(CONTEXT, "zebra")).isEqualTo(154039);
    assertThat(h.wordBigramBucket(TEXT, "the", "zebra")).isEqualTo(128286);
    assertThat(h.features(TEXT, "Zebra!"))
        .containsExactly(
            235296, 123762, 219567, 72199, 111302, 25810, 12333, 154495, 50998, 212093, 41530, 82777, 21386,
            242382, 241594, 54447);
  }

  @Test
  void features_sameTextInContext_hashesToOtherBuckets() {
    int[] text = FeatureHasher.DEFAULT.features(TEXT, "the zebra crossed the road");
    int[] context = FeatureHasher.DEFAULT.features(CONTEXT, "the zebra crossed the road");
    assertThat(text).hasSameSizeAs(context);
    assertThat(Arrays.stream(text).filter(b -> Arrays.stream(context).anyMatch(c -> c == b)).count())
        .as("buckets shared by chance")
        .isLessThan(3);
  }

  @Test
  void features_caseAndWhitespaceRuns_areNormalized() {
    FeatureHasher h = FeatureHasher.DEFAULT;
    assertThat(h.features(TEXT, "Hello \t\n World")).containsExactly(h.features(TEXT, "hello world"));
    assertThat(h.features(TEXT, "\n  HI\u00a0there  ")).containsExactly(h.features(TEXT, "hi there"));
    assertThat(h.features(TEXT, "hi there")).isNotEqualTo(h.features(TEXT, "hithere"));
  }

  @Test
  void features_emptyOrBlank_none() {
    assertThat(FeatureHasher.DEFAULT.features(TEXT, "")).isEmpty();
    assertThat(FeatureHasher.DEFAULT.features(TEXT, " \t\n ")).isEmpty();
  }

  @Test
  void features_trigramsOnly_arePaddedWindows() {
    assertThat(TRIGRAMS.features(TEXT, "Ab"))
        .containsExactly(TRIGRAMS.charNgramBucket(TEXT, " ab"), TRIGRAMS.charNgramBucket(TEXT, "ab "));
    assertThat(TRIGRAMS.features(TEXT, "a b"))
        .containsExactly(
            TRIGRAMS.charNgramBucket(TEXT, " a "),
            TRIGRAMS.charNgramBucket(TEXT, "a b"),
            TRIGRAMS.charNgramBucket(TEXT, " b "));
  }

  @Test
  void features_wordsOnly_unigramsAndBigramsAcrossPunctuation() {
    FeatureHasher h = FeatureHasher.builder().charNgrams(8, 8).build();
    // "x, y" is 4 chars, padded 6: too short for an 8-gram, so only word features remain.
    assertThat(h.features(TEXT, "X, y"))
        .containsExactly(h.wordBucket(TEXT, "x"), h.wordBucket(TEXT, "y"), h.wordBigramBucket(TEXT, "x", "y"));
  }

  @Test
  void buckets_stayBelowBucketCount() {
    FeatureHasher h = FeatureHasher.builder().hashBits(4).build();
    assertThat(h.buckets()).isEqualTo(16);
    assertThat(Arrays.stream(h.features(TEXT, "some text with a number of different words in it")).boxed())
        .hasSizeGreaterThan(100)
        .allSatisfy(b -> assertThat(b).isBetween(0, 15));
  }

  @Test
  void builder_outOfRange_throws() {
    assertThatThrownBy(() -> FeatureHasher.builder().hashBits(3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeatureHasher.builder().hashBits(25)).hasMessageContaining("25");
    assertThatThrownBy(() -> FeatureHasher.builder().charNgrams(0, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeatureHasher.builder().charNgrams(4, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeatureHasher.builder().charNgrams(3, 9)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void equals_sameConfiguration_equal() {
    assertThat(FeatureHasher.builder().build()).isEqualTo(FeatureHasher.DEFAULT).hasSameHashCodeAs(FeatureHasher.DEFAULT);
    assertThat(FeatureHasher.DEFAULT.toBuilder().hashBits(12).build()).isNotEqualTo(FeatureHasher.DEFAULT);
  }

  @Test
  void cursor_afterFinish_refusesMoreText() {
    FeatureHasher.Cursor c = FeatureHasher.DEFAULT.cursor(TEXT);
    c.finish(b -> {});
    assertThatThrownBy(() -> c.append('a', b -> {})).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void countMap_manyKeys_countsAndOrderSurviveGrowth() {
    IntCountMap m = new IntCountMap(8);
    for (int round = 0; round < 3; round++) {
      for (int k = 0; k < 1000; k++) {
        assertThat(m.increment(k * 7)).isEqualTo(round);
      }
    }
    assertThat(m.size()).isEqualTo(1000);
    assertThat(m.get(7 * 999)).isEqualTo(3);
    assertThat(m.get(1)).isZero();
    assertThat(m.keyAt(0)).isZero();
    assertThat(m.keyAt(999)).isEqualTo(7 * 999);
    m.clear();
    assertThat(m.size()).isZero();
    assertThat(m.get(7)).isZero();
    assertThat(m.increment(7)).isZero();
  }
}
