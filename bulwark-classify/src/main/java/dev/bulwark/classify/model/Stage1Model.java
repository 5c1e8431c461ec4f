package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The stage-1 classifier: one logistic model per {@link Category} over hashed n-grams ({@link
 * FeatureHasher}), calibrated by {@link PlattScaling}.
 *
 * <p>For category {@code c}, with {@code n_f} the number of times bucket {@code f} occurs in the text
 * and its context together and {@code N = Σ n_f}:
 *
 * <pre>
 *   logit_c = bias_c + Σ_f w_{c,f} · sqrt(n_f) / sqrt(N)        (0 when N = 0)
 *   p_c     = sigmoid(a_c · logit_c + b_c)
 * </pre>
 *
 * <p>The square root damps repetition (a word said ten times weighs about three times one mention) and
 * makes the feature vector's norm {@code sqrt(N)}, so the text's length does not move the logit. It
 * also makes streaming cheap: when a bucket's count goes from {@code k} to {@code k+1}, the sum gains
 * {@code w_{c,f} · (sqrt(k+1) - sqrt(k))}, so each char costs a few hash-and-add steps, whatever came
 * before, and the sum is never recomputed. {@link #score} runs the same code over the whole text, so a
 * stream's final probabilities equal the batch ones bit for bit.
 *
 * <p>Immutable and thread-safe; a {@link Stream} is one scoring session, confined to one thread.
 */
public final class Stage1Model {
  /** The archive kind of a file that holds one stage-1 model alone (see {@link #writeTo}). */
  public static final String ARCHIVE_KIND = "bulwark.stage1";

  private static final String FORMAT = "bulwark.stage1/1";
  private static final int K = Category.ALL.size();
  // sqrt(k + 1) - sqrt(k) for small counts, which are nearly all of them.
  private static final double[] SQRT_STEP = new double[256];

  static {
    for (int k = 0; k < SQRT_STEP.length; k++) {
      SQRT_STEP[k] = sqrtStep(k);
    }
  }

  private final FeatureHasher features;
  // Bucket-major: weights[bucket * K + category.ordinal()], so that one feature's six weights share a
  // cache line.
  private final float[] weights;
  private final double[] bias;
  private final List<PlattScaling> calibration;

  private Stage1Model(FeatureHasher features, float[] weights, double[] bias, List<PlattScaling> calibration) {
    this.features = features;
    this.weights = weights;
    this.bias = bias;
    this.calibration = calibration;
  }

  /**
   * A model from its parts (copied).
   *
   * @param weights {@code features.buckets() * 6} finite values, bucket-major: the weight of bucket
   *     {@code f} for category {@code c} is at {@code f * 6 + c.ordinal()}
   * @param bias six finite values in {@link Category#ALL} order
   * @param calibration six calibrations in {@link Category#ALL} order
   */
  public static Stage1Model of(
      FeatureHasher features, float[] weights, double[] bias, List<PlattScaling> calibration) {
    return adopt(requireNonNull(features, "features"), weights.clone(), bias.clone(), calibration);
  }

  /** A model from arrays the caller hands over and no longer touches (the trainer's), checked like {@link #of}. */
  static Stage1Model adopt(FeatureHasher features, float[] weights, double[] bias, List<PlattScaling> calibration) {
    List<PlattScaling> cal = List.copyOf(calibration);
    if (weights.length != (long) features.buckets() * K) {
      throw new IllegalArgumentException(
          "expected " + (long) features.buckets() * K + " weights (" + features.buckets() + " buckets x " + K
              + " categories), got " + weights.length);
    }
    for (int i = 0; i < weights.length; i++) {
      if (!Float.isFinite(weights[i])) {
        throw new IllegalArgumentException("weight " + i + " is not finite: " + weights[i]);
      }
    }
    if (bias.length != K) {
      throw new IllegalArgumentException("expected " + K + " biases, got " + bias.length);
    }
    for (int c = 0; c < K; c++) {
      if (!Double.isFinite(bias[c])) {
        throw new IllegalArgumentException("bias of " + Category.ALL.get(c).id() + " is not finite: " + bias[c]);
      }
    }
    if (cal.size() != K) {
      throw new IllegalArgumentException("expected " + K + " calibrations, got " + cal.size());
    }
    return new Stage1Model(features, weights, bias, cal);
  }

  /** The feature configuration. */
  public FeatureHasher features() {
    return features;
  }

  /** The calibrations, in {@link Category#ALL} order. */
  public List<PlattScaling> calibration() {
    return calibration;
  }

  /** The weight of one bucket for one category. */
  public float weight(int bucket, Category category) {
    if (bucket < 0 || bucket >= features.buckets()) {
      throw new IndexOutOfBoundsException("bucket " + bucket + " of " + features.buckets());
    }
    return weights[bucket * K + category.ordinal()];
  }

  /** One category's bias. */
  public double bias(Category category) {
    return bias[category.ordinal()];
  }

  /** This model with other calibrations (weights shared, since both are immutable). */
  public Stage1Model withCalibration(List<PlattScaling> calibration) {
    List<PlattScaling> cal = List.copyOf(calibration);
    if (cal.size() != K) {
      throw new IllegalArgumentException("expected " + K + " calibrations, got " + cal.size());
    }
    return new Stage1Model(features, weights, bias, cal);
  }

  /**
   * The calibrated probabilities of {@code text}.
   *
   * @param context the prompt, for a completion model; empty for a prompt model
   */
  public Probabilities score(String context, String text) {
    Stream s = sized(context, text);
    s.feed(text);
    return s.current();
  }

  /** The uncalibrated logits of {@code text}, in {@link Category#ALL} order. */
  public double[] logits(String context, String text) {
    Stream s = sized(context, text);
    s.feed(text);
    return s.logits();
  }

  /**
   * Starts scoring a text that arrives in pieces.
   *
   * @param context the prompt, for a completion model; empty for a prompt model. Read once, here.
   */
  public Stream open(String context) {
    return new Stream(requireNonNull(context, "context"), 256);
  }

  /**
   * Reads a context once, so that many streams and scores can start from it without hashing it again
   * (a completion's windows, views and checkpoints all read the same prompt). Starting from it gives
   * exactly what starting from the context's text gives.
   */
  public Context context(String context) {
    Stream s = new Stream(requireNonNull(context, "context"), 4 * context.length() + 16);
    return new Context(this, s.counts, s.sum.clone(), s.total);
  }

  /** Opens a stream on a context read by {@link #context(String)} of this model. */
  public Stream open(Context context) {
    return new Stream(own(context), context.counts.size() + 256);
  }

  /** {@link #score(String, String)} on a context read once. */
  public Probabilities score(Context context, String text) {
    Stream s = new Stream(own(context), context.counts.size() + 4 * text.length() + 16);
    s.feed(text);
    return s.current();
  }

  private Context own(Context context) {
    if (requireNonNull(context, "context").model != this) {
      throw new IllegalArgumentException("the context was read by another model");
    }
    return context;
  }

  /**
   * A context's features, read once by {@link #context(String)}. Immutable: streams opened on it copy
   * its counts.
   */
  public static final class Context {
    private final Stage1Model model;
    private final IntCountMap counts;
    private final double[] sum;
    private final long total;

    private Context(Stage1Model model, IntCountMap counts, double[] sum, long total) {
      this.model = model;
      this.counts = counts;
      this.sum = sum;
      this.total = total;
    }
  }

  /** A stream whose count table is sized for the whole text up front: no rehashing while scoring. */
  private Stream sized(String context, String text) {
    // A few distinct features per character at most (three char n-grams, a word, a bigram).
    return new Stream(requireNonNull(context, "context"), 4 * (context.length() + text.length()) + 16);
  }

  // ---------------------------------------------------------------------------------------------
  // Archive

  /**
   * Adds this model's entries under {@code prefix} (used verbatim; end it with {@code /}):
   * {@code config.json} (feature configuration and layout), {@code weights.f32} (float32,
   * bucket-major), {@code bias.f64} and {@code platt.f64} ({@code a, b} per category).
   */
  public void writeTo(ModelArchive.Builder archive, String prefix) {
    requireNonNull(prefix, "prefix");
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("format", FORMAT);
    config.put("featureScheme", FeatureHasher.SCHEME);
    config.putArray("categories").addAll(categoryIds());
    ObjectNode f = config.putObject("features");
    f.put("hashBits", features.hashBits());
    f.put("charNgramMin", features.charNgramMin());
    f.put("charNgramMax", features.charNgramMax());
    f.put("wordUnigrams", features.wordUnigrams());
    f.put("wordBigrams", features.wordBigrams());
    config.put("weights", "float32le, bucket-major: [bucket][category]");
    config.put("calibration", "platt");
    double[] platt = new double[2 * K];
    for (int c = 0; c < K; c++) {
      platt[2 * c] = calibration.get(c).a();
      platt[2 * c + 1] = calibration.get(c).b();
    }
    archive
        .putJson(prefix + "config.json", config)
        .putFloats(prefix + "weights.f32", weights)
        .putDoubles(prefix + "bias.f64", bias)
        .putDoubles(prefix + "platt.f64", platt);
  }

  /**
   * Reads a model that {@link #writeTo} wrote under {@code prefix}.
   *
   * @throws ModelIntegrityException when an entry is missing, of another format or feature scheme,
   *     built for other categories, or of the wrong size or with non-finite values
   */
  public static Stage1Model readFrom(ModelArchive archive, String prefix) {
    requireNonNull(prefix, "prefix");
    JsonNode config = archive.json(prefix + "config.json");
    String where = "stage-1 model '" + prefix + "'";
    if (!FORMAT.equals(config.path("format").asText())) {
      throw new ModelIntegrityException(where + " has format " + config.path("format") + ", expected " + FORMAT);
    }
    if (!FeatureHasher.SCHEME.equals(config.path("featureScheme").asText())) {
      throw new ModelIntegrityException(
          where + " was hashed under " + config.path("featureScheme") + ", this build uses " + FeatureHasher.SCHEME);
    }
    List<String> categories = new ArrayList<>();
    config.path("categories").forEach(n -> categories.add(n.asText()));
    if (!categories.equals(categoryIdList())) {
      throw new ModelIntegrityException(
          where + " scores categories " + categories + ", this build expects " + categoryIdList());
    }
    JsonNode f = config.path("features");
    FeatureHasher features;
    try {
      features =
          FeatureHasher.builder()
              .hashBits(intField(f, "hashBits", where))
              .charNgrams(intField(f, "charNgramMin", where), intField(f, "charNgramMax", where))
              .wordUnigrams(boolField(f, "wordUnigrams", where))
              .wordBigrams(boolField(f, "wordBigrams", where))
              .build();
    } catch (IllegalArgumentException e) {
      throw new ModelIntegrityException(where + " has an invalid feature configuration: " + e.getMessage(), e);
    }
    float[] weights = archive.floats(prefix + "weights.f32");
    double[] bias = archive.doubles(prefix + "bias.f64");
    double[] platt = archive.doubles(prefix + "platt.f64");
    if (platt.length != 2 * K) {
      throw new ModelIntegrityException(where + " has " + platt.length + " Platt parameters, expected " + 2 * K);
    }
    try {
      List<PlattScaling> calibration = new ArrayList<>();
      for (int c = 0; c < K; c++) {
        calibration.add(new PlattScaling(platt[2 * c], platt[2 * c + 1]));
      }
      return adopt(features, weights, bias, calibration);
    } catch (IllegalArgumentException e) {
      throw new ModelIntegrityException(where + " is invalid: " + e.getMessage(), e);
    }
  }

  private static int intField(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isInt()) {
      throw new ModelIntegrityException(where + " has no integer features." + field);
    }
    return v.intValue();
  }

  private static boolean boolField(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isBoolean()) {
      throw new ModelIntegrityException(where + " has no boolean features." + field);
    }
    return v.booleanValue();
  }

  private static List<String> categoryIdList() {
    return Category.ALL.stream().map(Category::id).toList();
  }

  private static List<JsonNode> categoryIds() {
    List<JsonNode> out = new ArrayList<>();
    for (Category c : Category.ALL) {
      out.add(JsonNodeFactory.instance.textNode(c.id()));
    }
    return out;
  }

  private static double sqrtStep(int k) {
    return Math.sqrt(k + 1.0) - Math.sqrt(k);
  }

  @Override
  public String toString() {
    return "Stage1Model{" + features + "}";
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * One text scored as it arrives. Each char costs the work of the features that end at it (a few
   * hashes, and six multiply-adds per feature), plus amortized growth of the count table; {@link
   * #current()} costs the few features that ending the text now would add. Not thread-safe: one stream
   * per text, confined to one thread at a time.
   */
  public final class Stream {
    private final FeatureHasher.Cursor cursor;
    private final IntCountMap counts;
    private final double[] sum = new double[K];
    private final int[] pending;
    private final double[] scratch = new double[K];
    private final IntConsumer sink = this::add;
    private long total;

    /** On a context already read: its counts copied, its sums taken as they are, then the same as reading it. */
    private Stream(Context context, int expectedFeatures) {
      this.counts = context.counts.copy(expectedFeatures);
      System.arraycopy(context.sum, 0, sum, 0, K);
      this.total = context.total;
      this.pending = new int[features.maxPending()];
      this.cursor = features.cursor(FeatureHasher.Namespace.TEXT);
    }

    private Stream(String context, int expectedFeatures) {
      this.counts = new IntCountMap(expectedFeatures);
      this.pending = new int[features.maxPending()];
      if (!context.isEmpty()) {
        FeatureHasher.Cursor c = features.cursor(FeatureHasher.Namespace.CONTEXT);
        for (int i = 0; i < context.length(); i++) {
          c.append(context.charAt(i), sink);
        }
        c.finish(sink);
      }
      this.cursor = features.cursor(FeatureHasher.Namespace.TEXT);
    }

    /** Reads {@code chunk} and returns the probabilities of all text so far. */
    public Probabilities append(CharSequence chunk) {
      feed(chunk);
      return current();
    }

    /** The probabilities of all text so far, as if it ended here. */
    public Probabilities current() {
      double[] z = logits();
      for (int c = 0; c < K; c++) {
        z[c] = calibration.get(c).apply(z[c]);
      }
      return Probabilities.of(z);
    }

    /** The uncalibrated logits of all text so far, as if it ended here. */
    public double[] logits() {
      System.arraycopy(sum, 0, scratch, 0, K);
      long n = total;
      int p = cursor.pending(pending);
      for (int i = 0; i < p; i++) {
        int bucket = pending[i];
        int before = counts.get(bucket);
        for (int j = 0; j < i; j++) {
          if (pending[j] == bucket) {
            before++;
          }
        }
        accumulate(scratch, bucket, before);
        n++;
      }
      double[] z = new double[K];
      double norm = n == 0 ? 0 : Math.sqrt(n);
      for (int c = 0; c < K; c++) {
        z[c] = n == 0 ? bias[c] : bias[c] + scratch[c] / norm;
      }
      return z;
    }

    void feed(CharSequence chunk) {
      for (int i = 0, len = chunk.length(); i < len; i++) {
        cursor.append(chunk.charAt(i), sink);
      }
    }

    private void add(int bucket) {
      accumulate(sum, bucket, counts.increment(bucket));
      total++;
    }

    private void accumulate(double[] into, int bucket, int before) {
      double step = before < SQRT_STEP.length ? SQRT_STEP[before] : sqrtStep(before);
      int base = bucket * K;
      for (int c = 0; c < K; c++) {
        into[c] += weights[base + c] * step;
      }
    }
  }
}
