package dev.bulwark.classify.cascade;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ModelIntegrityException;
import dev.bulwark.classify.model.Stage1Model;
import dev.bulwark.classify.model.Stage2Model;
import dev.bulwark.core.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The deployable classifier: stage 1 and (optionally) stage 2 for prompts and for completions, the
 * band, the combination rule and the calibrated thresholds, in one {@link ModelArchive} whose digest
 * is verified when it loads. Immutable.
 *
 * <p>Archive layout: {@code bundle.json} (format, band, combine, thresholds), and the models' entries
 * under {@code prompt/s1/}, {@code completion/s1/}, {@code prompt/s2/}, {@code completion/s2/}.
 */
public final class ClassifierBundle {
  /** The archive kind of a bundle. */
  public static final String KIND = "bulwark.classifier";

  /** The bundle.json format this class writes and reads. */
  public static final int FORMAT = 1;

  /** Where the model that ships in the jar lives, and its expected digest beside it. */
  public static final String BUILT_IN = "/dev/bulwark/classify/models/default.bwma";

  private static final String BUILT_IN_DIGEST = "/dev/bulwark/classify/models/default.bwma.sha256";

  private final String version;
  private final String digest;
  private final ObjectNode provenance;
  private final Stage1Model promptStage1;
  private final Stage1Model completionStage1;
  private final @Nullable Stage2Model promptStage2;
  private final @Nullable Stage2Model completionStage2;
  private final Band band;
  private final Combine combine;
  private final Thresholds promptThresholds;
  private final Thresholds completionThresholds;

  private ClassifierBundle(Builder b, String digest, ObjectNode provenance) {
    this.version = b.version;
    this.digest = digest;
    this.provenance = provenance;
    this.promptStage1 = requireNonNull(b.promptStage1, "promptStage1");
    this.completionStage1 = requireNonNull(b.completionStage1, "completionStage1");
    this.promptStage2 = b.promptStage2;
    this.completionStage2 = b.completionStage2;
    this.band = b.band;
    this.combine = b.combine;
    this.promptThresholds = b.promptThresholds;
    this.completionThresholds = b.completionThresholds;
  }

  /** A builder; {@link Builder#toArchive} writes the bundle. */
  public static Builder builder(String version) {
    return new Builder(version);
  }

  /**
   * Loads the model that ships in the jar, checking it against the digest shipped beside it.
   *
   * @throws ModelIntegrityException when it is missing, corrupt or does not match
   */
  public static ClassifierBundle builtIn(Supplier<Encoder> encoder) {
    try (InputStream model = ClassifierBundle.class.getResourceAsStream(BUILT_IN);
        InputStream digest = ClassifierBundle.class.getResourceAsStream(BUILT_IN_DIGEST)) {
      if (model == null || digest == null) {
        throw new ModelIntegrityException("the built-in model is missing from the classpath (" + BUILT_IN + ")");
      }
      String expected = new String(digest.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return read(ModelArchive.read(model, expected), encoder);
    } catch (IOException e) {
      throw new ModelIntegrityException("cannot read the built-in model: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a bundle from a file.
   *
   * @param expectedDigest the {@code sha256:} digest the file must have, or null to check only its
   *     internal digests
   * @param encoder supplies the stage-2 encoder, called only if the bundle has a stage 2
   * @throws ModelIntegrityException when the file is corrupt, tampered with or not a bundle
   */
  public static ClassifierBundle load(Path path, @Nullable String expectedDigest, Supplier<Encoder> encoder)
      throws IOException {
    return read(ModelArchive.read(path, expectedDigest), encoder);
  }

  /** Reads a bundle from a verified archive. */
  public static ClassifierBundle read(ModelArchive archive, Supplier<Encoder> encoder) {
    if (!KIND.equals(archive.kind())) {
      throw new ModelIntegrityException("archive is a " + archive.kind() + ", not a " + KIND);
    }
    JsonNode meta = archive.json("bundle.json");
    if (meta.path("format").asInt(-1) != FORMAT) {
      throw new ModelIntegrityException("bundle format " + meta.get("format") + " is not supported (this build reads " + FORMAT + ")");
    }
    Builder b = new Builder(archive.version());
    try {
      b.band(new Band(meta.path("band").path("low").asDouble(), meta.path("band").path("high").asDouble()));
      String rule = meta.path("combine").asText();
      JsonNode w = meta.path("combine_weights");
      b.combine(switch (rule) {
        case "MEAN" -> Combine.MEAN;
        case "STAGE2" -> Combine.STAGE2;
        case "STACKED" -> Combine.stacked(
            number(w, "w1"), number(w, "w2"), number(w, "bias"));
        default -> throw new IllegalArgumentException("combine '" + rule + "' is not MEAN, STAGE2 or STACKED");
      });
      b.promptThresholds(Thresholds.fromJson(meta.path("thresholds").path("prompt")));
      b.completionThresholds(Thresholds.fromJson(meta.path("thresholds").path("completion")));
    } catch (IllegalArgumentException e) {
      throw new ModelIntegrityException("bundle.json is invalid: " + e.getMessage(), e);
    }
    b.promptStage1(Stage1Model.readFrom(archive, "prompt/s1/"));
    b.completionStage1(Stage1Model.readFrom(archive, "completion/s1/"));
    boolean hasPrompt2 = archive.has("prompt/s2/model.json");
    boolean hasCompletion2 = archive.has("completion/s2/model.json");
    if (hasPrompt2 || hasCompletion2) {
      Encoder e = encoder.get();
      if (hasPrompt2) {
        b.promptStage2(Stage2Model.readFrom(archive, "prompt/s2/", e));
      }
      if (hasCompletion2) {
        b.completionStage2(Stage2Model.readFrom(archive, "completion/s2/", e));
      }
    }
    return new ClassifierBundle(b, archive.digest(), archive.provenance());
  }

  /** The cascade over these models. */
  public Cascade cascade(Canonicalizer canonicalizer, Ticker ticker) {
    return new Cascade(canonicalizer, promptStage1, completionStage1, promptStage2, completionStage2,
        band, combine, ticker);
  }

  /** The model's version: what verdicts record. */
  public String version() {
    return version;
  }

  /** The archive's digest, {@code sha256:<hex>}. */
  public String digest() {
    return digest;
  }

  /** Where the model came from: data digests, constitution digest, settings, evaluation figures. */
  public ObjectNode provenance() {
    return provenance.deepCopy();
  }

  public Band band() {
    return band;
  }

  public Combine combine() {
    return combine;
  }

  /** The calibrated thresholds for prompts. */
  public Thresholds promptThresholds() {
    return promptThresholds;
  }

  /** The calibrated thresholds for completions. */
  public Thresholds completionThresholds() {
    return completionThresholds;
  }

  public boolean hasStage2() {
    return promptStage2 != null || completionStage2 != null;
  }

  @Override
  public String toString() {
    return "ClassifierBundle{" + version + ", " + digest + "}";
  }

  /**
   * Per-category thresholds: a category stops content when its probability is at or above its
   * threshold. {@code overall} is the default tier's single threshold, used where no category has its own.
   */
  public record Thresholds(double overall, Map<Category, Double> byCategory) {
    public Thresholds {
      check(overall, "overall");
      Map<Category, Double> copy = new EnumMap<>(Category.class);
      for (Map.Entry<Category, Double> e : byCategory.entrySet()) {
        check(e.getValue(), e.getKey().id());
        copy.put(e.getKey(), e.getValue());
      }
      byCategory = java.util.Collections.unmodifiableMap(copy);
    }

    /** One threshold for every category. */
    public static Thresholds uniform(double overall) {
      return new Thresholds(overall, Map.of());
    }

    /** The threshold of a category. */
    public double get(Category c) {
      return byCategory.getOrDefault(c, overall);
    }

    private static void check(double t, String what) {
      if (!(t > 0.0 && t <= 1.0)) {
        throw new IllegalArgumentException("threshold " + what + " must be in (0, 1], was " + t);
      }
    }

    ObjectNode toJson() {
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("overall", overall);
      ObjectNode by = n.putObject("categories");
      for (Category c : Category.ALL) {
        if (byCategory.containsKey(c)) {
          by.put(c.id(), byCategory.get(c));
        }
      }
      return n;
    }

    static Thresholds fromJson(JsonNode n) {
      if (!n.path("overall").isNumber()) {
        throw new IllegalArgumentException("thresholds need a numeric 'overall'");
      }
      Map<Category, Double> by = new EnumMap<>(Category.class);
      JsonNode categories = n.path("categories");
      for (Map.Entry<String, JsonNode> e : categories.properties()) {
        Category c = Category.byId(e.getKey())
            .orElseThrow(() -> new IllegalArgumentException("unknown category " + e.getKey()));
        by.put(c, e.getValue().asDouble());
      }
      return new Thresholds(n.get("overall").asDouble(), by);
    }
  }

  /** Assembles a bundle; validates on {@link #toArchive}. */
  public static final class Builder {
    private final String version;
    private @Nullable Stage1Model promptStage1;
    private @Nullable Stage1Model completionStage1;
    private @Nullable Stage2Model promptStage2;
    private @Nullable Stage2Model completionStage2;
    private Band band = new Band(0.05, 0.95);
    private Combine combine = Combine.MEAN;
    private Thresholds promptThresholds = Thresholds.uniform(0.5);
    private Thresholds completionThresholds = Thresholds.uniform(0.5);

    private Builder(String version) {
      if (version == null || version.isBlank()) {
        throw new IllegalArgumentException("version must not be blank");
      }
      this.version = version;
    }

    public Builder promptStage1(Stage1Model m) {
      this.promptStage1 = requireNonNull(m, "promptStage1");
      return this;
    }

    public Builder completionStage1(Stage1Model m) {
      this.completionStage1 = requireNonNull(m, "completionStage1");
      return this;
    }

    public Builder promptStage2(@Nullable Stage2Model m) {
      this.promptStage2 = m;
      return this;
    }

    public Builder completionStage2(@Nullable Stage2Model m) {
      this.completionStage2 = m;
      return this;
    }

    public Builder band(Band band) {
      this.band = requireNonNull(band, "band");
      return this;
    }

    public Builder combine(Combine combine) {
      this.combine = requireNonNull(combine, "combine");
      return this;
    }

    public Builder promptThresholds(Thresholds t) {
      this.promptThresholds = requireNonNull(t, "promptThresholds");
      return this;
    }

    public Builder completionThresholds(Thresholds t) {
      this.completionThresholds = requireNonNull(t, "completionThresholds");
      return this;
    }

    /** A cascade over the models so far, for evaluating before the bundle is written. */
    public Cascade cascade(Canonicalizer canonicalizer, Ticker ticker) {
      return new Cascade(canonicalizer, requireNonNull(promptStage1, "promptStage1"),
          requireNonNull(completionStage1, "completionStage1"), promptStage2, completionStage2, band,
          combine, ticker);
    }

    /** The archive builder holding this bundle, with its provenance; call {@code toBytes()} on it. */
    public ModelArchive.Builder toArchive(ObjectNode provenance) {
      requireNonNull(promptStage1, "promptStage1");
      requireNonNull(completionStage1, "completionStage1");
      ModelArchive.Builder a = ModelArchive.builder().kind(KIND).version(version).provenance(provenance);
      ObjectNode meta = JsonNodeFactory.instance.objectNode();
      meta.put("format", FORMAT);
      meta.putObject("band").put("low", band.low()).put("high", band.high());
      meta.put("combine", combine.name());
      if (combine.kind() == Combine.Kind.STACKED) {
        meta.putObject("combine_weights").put("w1", combine.w1()).put("w2", combine.w2()).put("bias", combine.bias());
      }
      ObjectNode t = meta.putObject("thresholds");
      t.set("prompt", promptThresholds.toJson());
      t.set("completion", completionThresholds.toJson());
      a.putJson("bundle.json", meta);
      promptStage1.writeTo(a, "prompt/s1/");
      completionStage1.writeTo(a, "completion/s1/");
      if (promptStage2 != null) {
        promptStage2.writeTo(a, "prompt/s2/");
      }
      if (completionStage2 != null) {
        completionStage2.writeTo(a, "completion/s2/");
      }
      return a;
    }
  }

  private static double number(JsonNode parent, String field) {
    JsonNode n = parent.path(field);
    if (!n.isNumber()) {
      throw new IllegalArgumentException("combine_weights." + field + " must be a number");
    }
    return n.asDouble();
  }
}
