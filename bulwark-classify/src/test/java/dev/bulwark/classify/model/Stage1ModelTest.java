package dev.bulwark.classify.model;

import static dev.bulwark.classify.model.FeatureHasher.Namespace.CONTEXT;
import static dev.bulwark.classify.model.FeatureHasher.Namespace.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Stage1ModelTest {
  private static final int K = Category.ALL.size();
  private static final FeatureHasher TRIGRAMS =
      FeatureHasher.builder().hashBits(16).charNgrams(3, 3).wordUnigrams(false).wordBigrams(false).build();
  private static final List<PlattScaling> IDENTITY = Collections.nCopies(K, PlattScaling.IDENTITY);

  private final int spaceAb = TRIGRAMS.charNgramBucket(TEXT, " ab");
  private final int abSpace = TRIGRAMS.charNgramBucket(TEXT, "ab ");

  private Stage1Model tiny(List<PlattScaling> calibration) {
    assertThat(Set.of(spaceAb, abSpace, TRIGRAMS.charNgramBucket(TEXT, " aa"), TRIGRAMS.charNgramBucket(TEXT, "aa "),
            TRIGRAMS.charNgramBucket(TEXT, "a a")))
        .as("the test's n-grams land in distinct buckets")
        .hasSize(5);
    float[] w = new float[TRIGRAMS.buckets() * K];
    w[spaceAb * K] = 1.0f;
    w[abSpace * K] = -0.5f;
    w[TRIGRAMS.charNgramBucket(TEXT, " aa") * K] = 1.0f;
    w[TRIGRAMS.charNgramBucket(TEXT, "aa ") * K] = -0.5f;
    w[TRIGRAMS.charNgramBucket(TEXT, "a a") * K] = 2.0f;
    w[spaceAb * K + Category.JAILBREAK.ordinal()] = 3.0f;
    double[] bias = {0.25, 0, 0, 0, -1, 0};
    return Stage1Model.of(TRIGRAMS, w, bias, calibration);
  }

  @Test
  void score_twoFeatures_matchesHandComputedProbability() {
    // " ab" and "ab " once each: N = 2, z = 0.25 + (1.0 - 0.5) / sqrt(2) = 0.6035533905932737.
    Probabilities p = tiny(IDENTITY).score("", "AB");
    assertThat(p.get(Category.CBRN_BIOLOGICAL)).isCloseTo(0.6464688445902312, within(1e-12));
    // jailbreak: z = -1 + 3 / sqrt(2).
    assertThat(p.get(Category.JAILBREAK)).isCloseTo(1 / (1 + Math.exp(1 - 3 / Math.sqrt(2))), within(1e-12));
    assertThat(p.get(Category.CBRN_CHEMICAL)).isEqualTo(0.5);
  }

  @Test
  void score_repeatedFeatures_weighSquareRootOfCount() {
    // "aa aa": " aa" x2, "aa " x2, "a a" x1: N = 5, z = 0.25 + (sqrt2 - 0.5 sqrt2 + 2) / sqrt5.
    double[] z = tiny(IDENTITY).logits("", "aa aa");
    assertThat(z[0]).isCloseTo(1.4606549570167537, within(1e-12));
    assertThat(tiny(IDENTITY).score("", "aa aa").get(Category.CBRN_BIOLOGICAL))
        .isCloseTo(0.8116328283151617, within(1e-12));
  }

  @Test
  void score_withPlatt_appliesSlopeAndOffset() {
    List<PlattScaling> cal = new java.util.ArrayList<>(IDENTITY);
    cal.set(0, new PlattScaling(2, -1));
    // sigmoid(2 * 0.6035533905932737 - 1)
    assertThat(tiny(cal).score("", "ab").get(Category.CBRN_BIOLOGICAL)).isCloseTo(0.5515924132744703, within(1e-12));
  }

  @Test
  void score_emptyText_isSigmoidOfBias() {
    assertThat(tiny(IDENTITY).logits("", "")).containsExactly(0.25, 0, 0, 0, -1, 0);
    assertThat(tiny(IDENTITY).score("", "  ").get(Category.JAILBREAK)).isCloseTo(1 / (1 + Math.E), within(1e-15));
  }

  @Test
  void score_context_countsInNormButNotAsText() {
    // The context's " ab" and "ab " hash elsewhere (zero weights) but add 2 to N: z = 0.25 + 0.5 / 2.
    assertThat(TRIGRAMS.charNgramBucket(CONTEXT, " ab")).isNotEqualTo(spaceAb);
    assertThat(tiny(IDENTITY).logits("ab", "ab")[0]).isCloseTo(0.5, within(1e-12));
    assertThat(tiny(IDENTITY).logits("ab", "")[0]).isEqualTo(0.25);
  }

  @Test
  void stream_chunks_equalBatchAndPrefixScores() {
    Stage1Model m = randomModel(FeatureHasher.builder().hashBits(10).build(), 7);
    String text = "The quick brown fox, it jumps over the lazy dog; again and again.";
    Stage1Model.Stream s = m.open("a question");
    StringBuilder sofar = new StringBuilder();
    for (int i = 0; i < text.length(); i += 5) {
      String chunk = text.substring(i, Math.min(text.length(), i + 5));
      sofar.append(chunk);
      assertThat(s.append(chunk)).isEqualTo(m.score("a question", sofar.toString()));
    }
    assertThat(s.current()).isEqualTo(m.score("a question", text));
    assertThat(s.logits()).containsExactly(m.logits("a question", text));
  }

  @Test
  void archive_roundTrip_sameScoresAndSameBytes() {
    Stage1Model m = randomModel(FeatureHasher.builder().hashBits(8).charNgrams(2, 4).build(), 3)
        .withCalibration(List.of(new PlattScaling(1.5, -0.25), PlattScaling.IDENTITY, PlattScaling.IDENTITY,
            PlattScaling.IDENTITY, new PlattScaling(0.5, 2), PlattScaling.IDENTITY));
    ModelArchive.Builder b = ModelArchive.builder().kind(Stage1Model.ARCHIVE_KIND).version("t1");
    m.writeTo(b, "prompt/");
    byte[] bytes = b.toBytes();
    ModelArchive archive = ModelArchive.read(bytes, null);
    assertThat(archive.entryNames())
        .containsExactly("prompt/bias.f64", "prompt/config.json", "prompt/platt.f64", "prompt/weights.f32");
    Stage1Model back = Stage1Model.readFrom(archive, "prompt/");
    assertThat(back.features()).isEqualTo(m.features());
    assertThat(back.calibration()).isEqualTo(m.calibration());
    assertThat(back.score("ctx", "some words here")).isEqualTo(m.score("ctx", "some words here"));
    ModelArchive.Builder again = ModelArchive.builder().kind(Stage1Model.ARCHIVE_KIND).version("t1");
    back.writeTo(again, "prompt/");
    assertThat(again.toBytes()).isEqualTo(bytes);
  }

  @Test
  void readFrom_missingPrefix_refused() {
    ModelArchive.Builder b = ModelArchive.builder().kind("k").version("v");
    randomModel(FeatureHasher.builder().hashBits(6).build(), 1).writeTo(b, "a/");
    ModelArchive archive = b.build();
    assertThatThrownBy(() -> Stage1Model.readFrom(archive, "b/"))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("b/config.json");
  }

  @Test
  void readFrom_foreignCategoriesOrSchemeOrSizes_refused() {
    Stage1Model m = randomModel(FeatureHasher.builder().hashBits(6).build(), 1);
    ModelArchive.Builder base = ModelArchive.builder().kind("k").version("v");
    m.writeTo(base, "");
    ModelArchive good = base.build();
    ObjectNode config = (ObjectNode) good.json("config.json");

    ObjectNode categories = config.deepCopy();
    categories.putArray("categories").add("cbrn.biological");
    assertThat(refusal(good, categories, good.entry("weights.f32"))).contains("categories");

    ObjectNode scheme = config.deepCopy();
    scheme.put("featureScheme", "other/9");
    assertThat(refusal(good, scheme, good.entry("weights.f32"))).contains("other/9");

    ObjectNode bits = config.deepCopy();
    ((ObjectNode) bits.get("features")).put("hashBits", 7);
    assertThat(refusal(good, bits, good.entry("weights.f32"))).contains("weights");

    byte[] nan = good.entry("weights.f32");
    nan[0] = 0;
    nan[1] = 0;
    nan[2] = (byte) 0xc0;
    nan[3] = 0x7f;
    assertThat(refusal(good, config, nan)).contains("not finite");
  }

  private static String refusal(ModelArchive good, ObjectNode config, byte[] weights) {
    ModelArchive.Builder b = ModelArchive.builder().kind("k").version("v");
    b.putJson("config.json", config).put("weights.f32", weights);
    b.put("bias.f64", good.entry("bias.f64")).put("platt.f64", good.entry("platt.f64"));
    ModelArchive archive = b.build();
    try {
      Stage1Model.readFrom(archive, "");
    } catch (ModelIntegrityException e) {
      return e.getMessage();
    }
    throw new AssertionError("a damaged model was loaded");
  }

  @Test
  void of_wrongShapesOrValues_throws() {
    float[] w = new float[TRIGRAMS.buckets() * K];
    double[] bias = new double[K];
    assertThatThrownBy(() -> Stage1Model.of(TRIGRAMS, new float[10], bias, IDENTITY)).hasMessageContaining("weights");
    assertThatThrownBy(() -> Stage1Model.of(TRIGRAMS, w, new double[5], IDENTITY)).hasMessageContaining("biases");
    assertThatThrownBy(() -> Stage1Model.of(TRIGRAMS, w, bias, IDENTITY.subList(0, 5))).hasMessageContaining("calibrations");
    float[] inf = w.clone();
    inf[3] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> Stage1Model.of(TRIGRAMS, inf, bias, IDENTITY)).hasMessageContaining("not finite");
    double[] nanBias = bias.clone();
    nanBias[2] = Double.NaN;
    assertThatThrownBy(() -> Stage1Model.of(TRIGRAMS, w, nanBias, IDENTITY)).hasMessageContaining("cbrn.radiological");
  }

  @Test
  void of_copiesArrays_laterChangesDoNotLeakIn() {
    float[] w = new float[TRIGRAMS.buckets() * K];
    Stage1Model m = Stage1Model.of(TRIGRAMS, w, new double[K], IDENTITY);
    w[spaceAb * K] = 5;
    assertThat(m.weight(spaceAb, Category.CBRN_BIOLOGICAL)).isZero();
    assertThat(m.score("", "ab").get(Category.CBRN_BIOLOGICAL)).isEqualTo(0.5);
  }

  /** A model with seeded random weights in [-2, 2) and biases in [-1, 1). */
  static Stage1Model randomModel(FeatureHasher features, long seed) {
    Random r = new Random(seed);
    float[] w = new float[features.buckets() * K];
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextFloat() * 4 - 2;
    }
    double[] bias = new double[K];
    for (int c = 0; c < K; c++) {
      bias[c] = r.nextDouble() * 2 - 1;
    }
    return Stage1Model.of(features, w, bias, IDENTITY);
  }
}
