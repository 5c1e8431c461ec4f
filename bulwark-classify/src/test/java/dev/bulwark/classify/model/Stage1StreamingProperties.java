package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.model.FeatureHasher.Namespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the chunking, a stream's probabilities equal the batch score of the text so far, and both
 * equal the scoring formula evaluated directly on the text's features.
 */
class Stage1StreamingProperties {
  private static final int K = Category.ALL.size();
  // Few buckets, so that repeated buckets (and repeats among the pending features) are common.
  private static final Stage1Model MODEL =
      Stage1ModelTest.randomModel(FeatureHasher.builder().hashBits(8).charNgrams(2, 5).build(), 11)
          .withCalibration(
              List.of(new PlattScaling(1.3, -0.2), PlattScaling.IDENTITY, new PlattScaling(0.7, 0.4),
                  PlattScaling.IDENTITY, new PlattScaling(2.0, -1.0), PlattScaling.IDENTITY));

  @Property(tries = 300)
  void stream_anyChunking_equalsBatchAfterEveryChunk(
      @ForAll("texts") String context,
      @ForAll("texts") String text,
      @ForAll @IntRange(min = 1, max = 12) int maxChunk,
      @ForAll long seed) {
    Stage1Model.Stream s = MODEL.open(context);
    Random random = new Random(seed);
    int at = 0;
    while (at < text.length()) {
      int end = Math.min(text.length(), at + 1 + random.nextInt(maxChunk));
      // A CharSequence other than String, to cover the generic path.
      double[] streamed = s.append(new StringBuilder(text.substring(at, end))).toArray();
      double[] batch = MODEL.score(context, text.substring(0, end)).toArray();
      assertThat(streamed).containsExactly(batch);
      at = end;
    }
    assertThat(s.current()).isEqualTo(MODEL.score(context, text));

    double[] direct = directLogits(context, text);
    double[] logits = s.logits();
    for (int c = 0; c < K; c++) {
      assertThat(logits[c]).isCloseTo(direct[c], within(1e-9));
    }
  }

  @Property(tries = 300)
  void contextReadOnce_anyChunking_equalsReadingTheContextTextEachTime(
      @ForAll("texts") String context,
      @ForAll("texts") String text,
      @ForAll @IntRange(min = 1, max = 12) int maxChunk,
      @ForAll long seed) {
    Stage1Model.Context read = MODEL.context(context);
    Stage1Model.Stream once = MODEL.open(read);
    Stage1Model.Stream again = MODEL.open(context);
    Random random = new Random(seed);
    int at = 0;
    while (at < text.length()) {
      int end = Math.min(text.length(), at + 1 + random.nextInt(maxChunk));
      String chunk = text.substring(at, end);
      assertThat(once.append(chunk).toArray()).containsExactly(again.append(chunk).toArray());
      at = end;
    }
    assertThat(MODEL.score(read, text)).isEqualTo(MODEL.score(context, text));
    // The context is shared, not consumed: a second stream on it starts from the same place.
    assertThat(MODEL.open(read).append(text)).isEqualTo(MODEL.score(context, text));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withChars("abcAB cd.,\n\t\u00e9-").ofMaxLength(60);
  }

  /** bias + Σ_f w_f sqrt(n_f) / sqrt(N), from counted features, summed in bucket order. */
  private static double[] directLogits(String context, String text) {
    FeatureHasher h = MODEL.features();
    int[] counts = new int[h.buckets()];
    long total = 0;
    List<int[]> all = new ArrayList<>();
    all.add(h.features(Namespace.CONTEXT, context));
    all.add(h.features(Namespace.TEXT, text));
    for (int[] fs : all) {
      for (int f : fs) {
        counts[f]++;
        total++;
      }
    }
    double[] z = new double[K];
    for (Category c : Category.ALL) {
      double sum = 0;
      for (int f = 0; f < counts.length; f++) {
        sum += MODEL.weight(f, c) * Math.sqrt(counts[f]);
      }
      z[c.ordinal()] = MODEL.bias(c) + (total == 0 ? 0 : sum / Math.sqrt(total));
    }
    return z;
  }
}
