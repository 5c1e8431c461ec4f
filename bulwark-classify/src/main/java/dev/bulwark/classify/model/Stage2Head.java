package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stage 2's trained head over one window's embedding: a small MLP ({@code inputs -> hidden} ReLU
 * {@code -> 6} logits) or, with {@code hidden == 0}, a logistic layer ({@code inputs -> 6}), followed
 * by Platt scaling per category ({@code p = sigmoid(a * logit + b)}, {@code a >= 0} so that a larger
 * logit never lowers the probability, and the maximum over windows commutes with calibration).
 *
 * <p>Weights are float32, row-major ({@code w1[k * inputs + i]} connects input {@code i} to hidden unit
 * {@code k}); sums run in double precision in a fixed order, so a score is a pure function of the
 * weights and the input.
 *
 * <p>Immutable and thread-safe.
 */
public final class Stage2Head {
  /** The version of the archive entries this class writes and reads. */
  public static final int FORMAT = 1;

  static final int OUTPUTS = Category.ALL.size();

  private final String encoderId;
  private final int inputs;
  private final int hidden;
  private final float[] w1;
  private final float[] b1;
  private final float[] w2;
  private final float[] b2;
  private final float[] plattA;
  private final float[] plattB;

  /**
   * @throws IllegalArgumentException when an array has the wrong length, a value is not finite, or a
   *     Platt slope is negative
   */
  Stage2Head(
      String encoderId,
      int inputs,
      int hidden,
      float[] w1,
      float[] b1,
      float[] w2,
      float[] b2,
      float[] plattA,
      float[] plattB) {
    this.encoderId = requireNonNull(encoderId, "encoderId");
    if (encoderId.isBlank()) {
      throw new IllegalArgumentException("encoderId must not be blank");
    }
    if (inputs < 1 || inputs > 65536) {
      throw new IllegalArgumentException("inputs must be in [1, 65536], was " + inputs);
    }
    if (hidden < 0 || hidden > 4096) {
      throw new IllegalArgumentException("hidden must be in [0, 4096], was " + hidden);
    }
    this.inputs = inputs;
    this.hidden = hidden;
    int top = hidden == 0 ? inputs : hidden;
    this.w1 = checked("w1", w1, hidden * inputs);
    this.b1 = checked("b1", b1, hidden);
    this.w2 = checked("w2", w2, OUTPUTS * top);
    this.b2 = checked("b2", b2, OUTPUTS);
    this.plattA = checked("platt_a", plattA, OUTPUTS);
    this.plattB = checked("platt_b", plattB, OUTPUTS);
    for (int c = 0; c < OUTPUTS; c++) {
      if (plattA[c] < 0) {
        throw new IllegalArgumentException("Platt slope of " + Category.ALL.get(c).id() + " is negative: " + plattA[c]);
      }
    }
  }

  private static float[] checked(String name, float[] values, int length) {
    requireNonNull(values, name);
    if (values.length != length) {
      throw new IllegalArgumentException(name + " must have " + length + " values, had " + values.length);
    }
    for (float v : values) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(name + " holds a non-finite value " + v);
      }
    }
    return values.clone();
  }

  /** The id of the encoder whose embeddings this head was trained on. */
  public String encoderId() {
    return encoderId;
  }

  /** The input dimensions. */
  public int inputs() {
    return inputs;
  }

  /** Hidden units; 0 for a logistic head. */
  public int hidden() {
    return hidden;
  }

  /** The uncalibrated logits of one embedding, in {@link Category#ALL} order. */
  public double[] logits(float[] x) {
    requireNonNull(x, "x");
    if (x.length != inputs) {
      throw new IllegalArgumentException("expected " + inputs + " inputs, got " + x.length);
    }
    double[] z = new double[OUTPUTS];
    if (hidden == 0) {
      for (int c = 0; c < OUTPUTS; c++) {
        z[c] = b2[c] + dot(w2, c * inputs, x);
      }
      return z;
    }
    double[] h = new double[hidden];
    for (int k = 0; k < hidden; k++) {
      h[k] = Math.max(0.0, b1[k] + dot(w1, k * inputs, x));
    }
    for (int c = 0; c < OUTPUTS; c++) {
      double s = b2[c];
      int row = c * hidden;
      for (int k = 0; k < hidden; k++) {
        s += w2[row + k] * h[k];
      }
      z[c] = s;
    }
    return z;
  }

  private static double dot(float[] w, int offset, float[] x) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += w[offset + i] * (double) x[i];
    }
    return s;
  }

  /** Calibrated probabilities from logits that {@link #logits} gave. */
  public Probabilities calibrate(double[] logits) {
    if (logits.length != OUTPUTS) {
      throw new IllegalArgumentException("expected " + OUTPUTS + " logits, got " + logits.length);
    }
    double[] p = new double[OUTPUTS];
    for (int c = 0; c < OUTPUTS; c++) {
      p[c] = sigmoid(plattA[c] * logits[c] + plattB[c]);
    }
    return Probabilities.of(p);
  }

  /** The calibrated probabilities of one embedding. */
  public Probabilities score(float[] x) {
    return calibrate(logits(x));
  }

  static double sigmoid(double z) {
    // StrictMath: the same bits on every platform, so a trained head is reproducible anywhere.
    return z >= 0 ? 1.0 / (1.0 + StrictMath.exp(-z)) : StrictMath.exp(z) / (1.0 + StrictMath.exp(z));
  }

  /**
   * All parameters in one array: {@code w1, b1, w2, b2, platt_a, platt_b}. Two heads with equal
   * parameters and encoder ids score identically.
   */
  public float[] parameters() {
    float[] out = new float[w1.length + b1.length + w2.length + b2.length + 2 * OUTPUTS];
    int at = 0;
    for (float[] part : new float[][] {w1, b1, w2, b2, plattA, plattB}) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  /** The Platt slope and intercept of one category: {@code {a, b}}. */
  public float[] platt(Category category) {
    return new float[] {plattA[category.ordinal()], plattB[category.ordinal()]};
  }

  /** {@code sha256:} and the first 16 hex digits of a SHA-256 over the encoder id, shape and parameters. */
  public String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(encoderId.getBytes(StandardCharsets.UTF_8));
      sha.update(ByteBuffer.allocate(8).putInt(inputs).putInt(hidden).array());
      sha.update(ModelArchive.encodeFloats(parameters()));
      return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  /**
   * Adds this head's entries to an archive: {@code <prefix>head.json} (format, encoder id, shape,
   * categories) and float32 entries {@code <prefix>w1, b1, w2, b2, platt_a, platt_b}.
   *
   * @param prefix prepended to each entry name, e.g. {@code stage2/}; may be empty
   */
  public void writeTo(ModelArchive.Builder archive, String prefix) {
    requireNonNull(archive, "archive");
    requireNonNull(prefix, "prefix");
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    meta.put("format", FORMAT);
    meta.put("encoder", encoderId);
    meta.put("inputs", inputs);
    meta.put("hidden", hidden);
    meta.put("activation", "relu");
    ArrayNode cats = meta.putArray("categories");
    Category.ALL.forEach(c -> cats.add(c.id()));
    archive.putJson(prefix + "head.json", meta);
    archive.putFloats(prefix + "w1", w1);
    archive.putFloats(prefix + "b1", b1);
    archive.putFloats(prefix + "w2", w2);
    archive.putFloats(prefix + "b2", b2);
    archive.putFloats(prefix + "platt_a", plattA);
    archive.putFloats(prefix + "platt_b", plattB);
  }

  /**
   * Reads a head that {@link #writeTo} wrote.
   *
   * @param expectedEncoderId the id of the encoder that will feed it ({@link Encoder#id()})
   * @throws ModelIntegrityException when an entry is missing or malformed, the format or categories
   *     differ from this build's, or the head was trained for another encoder
   */
  public static Stage2Head readFrom(ModelArchive archive, String prefix, String expectedEncoderId) {
    requireNonNull(archive, "archive");
    requireNonNull(prefix, "prefix");
    requireNonNull(expectedEncoderId, "expectedEncoderId");
    JsonNode meta = archive.json(prefix + "head.json");
    int format = intField(meta, "format");
    if (format != FORMAT) {
      throw new ModelIntegrityException("stage-2 head format " + format + " is not supported (this build reads " + FORMAT + ")");
    }
    String encoder = textField(meta, "encoder");
    if (!encoder.equals(expectedEncoderId)) {
      throw new ModelIntegrityException(
          "stage-2 head was trained on encoder " + encoder + ", not on " + expectedEncoderId + ": retrain it for this encoder");
    }
    if (!"relu".equals(textField(meta, "activation"))) {
      throw new ModelIntegrityException("stage-2 head has an unknown activation " + meta.get("activation"));
    }
    JsonNode cats = meta.get("categories");
    boolean sameCategories = cats != null && cats.isArray() && cats.size() == OUTPUTS;
    for (int c = 0; sameCategories && c < OUTPUTS; c++) {
      sameCategories = Category.ALL.get(c).id().equals(cats.get(c).asText());
    }
    if (!sameCategories) {
      throw new ModelIntegrityException("stage-2 head was trained for categories " + cats + ", not this build's");
    }
    try {
      return new Stage2Head(
          encoder,
          intField(meta, "inputs"),
          intField(meta, "hidden"),
          archive.floats(prefix + "w1"),
          archive.floats(prefix + "b1"),
          archive.floats(prefix + "w2"),
          archive.floats(prefix + "b2"),
          archive.floats(prefix + "platt_a"),
          archive.floats(prefix + "platt_b"));
    } catch (IllegalArgumentException e) {
      throw new ModelIntegrityException("stage-2 head is malformed: " + e.getMessage(), e);
    }
  }

  private static int intField(JsonNode meta, String name) {
    JsonNode v = meta.get(name);
    if (v == null || !v.isInt()) {
      throw new ModelIntegrityException("stage-2 head field '" + name + "' is not an integer");
    }
    return v.intValue();
  }

  private static String textField(JsonNode meta, String name) {
    JsonNode v = meta.get(name);
    if (v == null || !v.isTextual()) {
      throw new ModelIntegrityException("stage-2 head field '" + name + "' is not a string");
    }
    return v.textValue();
  }

  @Override
  public String toString() {
    return "Stage2Head{encoder=" + encoderId + ", " + inputs + " -> " + (hidden == 0 ? "" : hidden + " -> ") + OUTPUTS + ", " + digest() + "}";
  }
}
