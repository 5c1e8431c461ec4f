package dev.bulwark.classify.canon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Robustness of canonicalization over arbitrary and adversarial text. */
class CanonicalizerProperties {
  /**
   * Characters visited per input character, at most, for inputs of {@link #LARGE} chars or more. The
   * decoders read at most {@code maxDecodeChars} of each of at most 16 views, so the ratio peaks at
   * middling sizes and falls for larger inputs: over 800 generated inputs (seeds 7 and 42) the highest
   * was 417 per char at 50,000 chars and 141 at 200,000; a search over the generator's mixes of up to
   * 8 units for the worst one reached 488. The bound leaves room above that; a quadratic scan would
   * still exceed it by orders of magnitude (200,000 chars squared is 4e10 visits, against 1,000 ×
   * 200,000 = 2e8). It was 300 until a mix of Morse, percent escapes and base64 pieces reached 325 in a
   * CI run, then 600, too close to the searched worst case for a bound that every CI seed must meet.
   */
  private static final long WORK_PER_CHAR = 1_000;

  private static final int LARGE = 10_000;

  private static final Canonicalizer DEFAULTS = Canonicalizer.defaults();
  private static final Canonicalizer SMALL =
      Canonicalizer.builder().maxDepth(2).maxViews(4).maxDecodeChars(256).outputFactor(7).outputAllowance(16).build();

  // Characters that make the decoders, the normalizer's segmenting and the surrogate handling work.
  private static final char[] TRICKY = (
      "abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789 .-_*+/=%&#;x\\|!@$"
          + "\u0300\u0301\u0307\u0316\u0430\u043E\u0399\uFF41\uFF10\u200B\u202E\u00AD\uFE0F"
          + "\uFDFA\uFB01\u1100\u1161\u11A8\u00D7\u3164\u09EA\uD835\uDC1B\uDB40\uDC41\uD800\uDFFF")
      .toCharArray();

  @Property(tries = 300)
  void canonicalize_anyText_neverThrowsAndStaysWithinBounds(@ForAll("anyText") String text) {
    for (Canonicalizer c : List.of(DEFAULTS, SMALL)) {
      CanonicalText result = c.canonicalize(text);

      assertThat(result.views().get(0)).isEqualTo(new View(View.RAW, text));
      assertThat(result.views()).hasSizeLessThanOrEqualTo(c.maxViews());
      long sum = result.views().stream().mapToLong(v -> v.text().length()).sum();
      assertThat(sum).isLessThanOrEqualTo(c.outputBound(text.length()));
      Set<String> texts = new HashSet<>();
      Set<String> names = new HashSet<>();
      for (View v : result.views()) {
        assertThat(texts.add(v.text())).as("duplicate text in %s", v.name()).isTrue();
        assertThat(names.add(v.name())).as("duplicate name %s", v.name()).isTrue();
        assertThat(v.name().split(Canonicalizer.CHAIN, -1)).hasSizeLessThanOrEqualTo(c.maxDepth());
      }
      assertThat(result.primary().text()).isEqualTo(TextNormalizer.normalize(text, new Work()));
    }
  }

  @Property(tries = 400)
  void normalize_anyText_isIdempotent(@ForAll("anyText") String text) {
    String once = DEFAULTS.canonicalize(text).primary().text();

    assertThat(DEFAULTS.canonicalize(once).primary().text()).isEqualTo(once);
  }

  @Property(tries = 400)
  void stream_anyChunking_equalsBatch(
      @ForAll("anyText") String text, @ForAll @IntRange(min = 1, max = 12) int maxChunk, @ForAll long seed) {
    Random random = new Random(seed);
    StreamingNormalizer s = new StreamingNormalizer();
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int end = Math.min(text.length(), i + 1 + random.nextInt(maxChunk));
      // A CharSequence other than String, as the streaming classifier may pass.
      out.append(s.append(new StringBuilder(text.substring(i, end))));
      i = end;
    }
    out.append(s.finish());

    assertThat(out.toString()).isEqualTo(DEFAULTS.canonicalize(text).primary().text());
  }

  @Property(tries = 25)
  void canonicalize_adversarialInput_doesLinearWork(@ForAll("adversarial") String text) {
    Work work = new Work();

    CanonicalText result = DEFAULTS.canonicalize(text, work);

    assertThat(text.length()).isGreaterThanOrEqualTo(LARGE);
    assertThat(work.visited()).isLessThanOrEqualTo(WORK_PER_CHAR * text.length());
    assertThat(result.views().stream().mapToLong(v -> v.text().length()).sum())
        .isLessThanOrEqualTo(DEFAULTS.outputBound(text.length()));
  }

  @Property(tries = 10)
  void stream_adversarialInput_doesLinearWork(@ForAll("adversarial") String text) {
    Work work = new Work();
    StreamingNormalizer s = new StreamingNormalizer(work);
    for (int i = 0; i < text.length(); i += 997) {
      s.append(text.substring(i, Math.min(text.length(), i + 997)));
    }
    s.finish();

    assertThat(work.visited()).isLessThanOrEqualTo(WORK_PER_CHAR * text.length());
  }

  @Provide
  Arbitrary<String> anyText() {
    Arbitrary<String> chars = Arbitraries.strings().all().ofMaxLength(80);
    Arbitrary<String> codePoints =
        Arbitraries.integers()
            .between(0, Character.MAX_CODE_POINT)
            .list()
            .ofMaxSize(40)
            .map(
                cps -> {
                  StringBuilder b = new StringBuilder();
                  cps.forEach(b::appendCodePoint);
                  return b.toString();
                });
    Arbitrary<String> tricky = Arbitraries.strings().withChars(TRICKY).ofMaxLength(120);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, chars),
        net.jqwik.api.Tuple.of(2, codePoints),
        net.jqwik.api.Tuple.of(4, tricky),
        net.jqwik.api.Tuple.of(3, encoded()));
  }

  /** English-like words through a random chain of encodings, inside some plain text. */
  private Arbitrary<String> encoded() {
    Arbitrary<String> words =
        Arbitraries.of("how", "do", "I", "bake", "bread", "the", "with", "water", "flour", "time", "make", "good")
            .list()
            .ofMinSize(3)
            .ofMaxSize(10)
            .map(w -> String.join(" ", w));
    Arbitrary<List<Integer>> chain = Arbitraries.integers().between(0, 8).list().ofMaxSize(5);
    Arbitrary<String> around = Arbitraries.of("", "decode this: ", "please answer ", "x ");
    return Combinators.combine(around, words, chain).as((a, w, c) -> a + encode(w, c));
  }

  private static String encode(String text, List<Integer> chain) {
    String s = text;
    for (int step : chain) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      switch (step) {
        case 0:
          s = Base64.getEncoder().encodeToString(bytes);
          break;
        case 1:
          s = HexFormat.ofDelimiter(" ").formatHex(bytes);
          break;
        case 2:
          s = java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
          break;
        case 3:
          s = s.codePoints().collect(StringBuilder::new, (b, cp) -> b.append("&#").append(cp).append(';'), StringBuilder::append).toString();
          break;
        case 4:
          s = ShiftDecoder.apply(s, 13);
          break;
        case 5:
          s = new StringBuilder(s).reverse().toString();
          break;
        case 6:
          s = String.join(" ", s.split(""));
          break;
        case 7:
          s = s.replace('o', '0').replace('e', '3').replace('a', '4');
          break;
        default:
          s = ShiftDecoder.apply(s, 23);
          break;
      }
    }
    return s;
  }

  @Provide
  Arbitrary<String> adversarial() {
    Arbitrary<Integer> sizes = Arbitraries.of(LARGE, 50_000, 200_000);
    Arbitrary<String> unit =
        Arbitraries.of(
            "%", "%2", "%20", "&#", "&#1", "&#x", "&amp", "a ", "a  ", "a.", "h-", "1a", "a1", "\\x4", "0x", "0x41,",
            "41 ", "A", "Ab+/", "aG93", "=", "\u0301", "a\u0301", "\u0316\u0301", "\uD800", "\uDC00",
            "\uD835\uDC1B", "\u200B", "\uFDFA", "\u0430", "\u1100\u1161", "uryyb ", "olleh ", " ", ".- ", "-- / ", "... | ", ": ", ". ", "\n", "\"");
    Arbitrary<String> repeated =
        Combinators.combine(unit, sizes).as((u, n) -> u.repeat((n + u.length() - 1) / u.length()));
    Arbitrary<String> mixed =
        Combinators.combine(unit.list().ofMinSize(2).ofMaxSize(6), sizes, Arbitraries.longs())
            .as(
                (units, n, seed) -> {
                  Random r = new Random(seed);
                  StringBuilder b = new StringBuilder(n + 16);
                  while (b.length() < n) {
                    b.append(units.get(r.nextInt(units.size())));
                  }
                  return b.toString();
                });
    Arbitrary<String> nestedBase64 =
        Combinators.combine(Arbitraries.integers().between(1, 14), sizes)
            .as(
                (depth, n) -> {
                  String s = "how do I bake sourdough bread ".repeat(Math.max(1, n / 30 / (1 << Math.min(depth, 8))));
                  for (int i = 0; i < depth && s.length() < 4 * n; i++) {
                    s = Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
                  }
                  return s.length() >= LARGE ? s : s + " ".repeat(LARGE - s.length());
                });
    return Arbitraries.oneOf(repeated, mixed, nestedBase64);
  }

  /** Every generator above is exercised; keeps the adversarial list honest when edited. */
  @Property(tries = 5)
  void adversarial_generatesLargeInputs(@ForAll("adversarial") String text) {
    assertThat(text.length()).isGreaterThanOrEqualTo(LARGE);
  }
}
