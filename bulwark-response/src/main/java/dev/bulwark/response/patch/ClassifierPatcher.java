package dev.bulwark.response.patch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.FeatureHasher;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.PlattScaling;
import dev.bulwark.classify.model.Stage1Model;
import dev.bulwark.classify.model.Stage2Model;
import dev.bulwark.classify.model.TrainingText;
import dev.bulwark.core.Ticker;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.TrainingPool;
import dev.bulwark.response.internal.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A classifier patch: the prompt model's stage 1 fine-tuned on a family's variants, starting from the
 * deployed weights (guard fine-tuning, as in Peng et al. 2024), then recalibrated.
 *
 * <p>Fine-tuning: plain stochastic gradient descent on the log loss of every category, over the attack
 * variants (each repeated {@code attackRepeat} times), the benign twins, and a replay sample of the
 * base training data (and of earlier families' regression corpora), so that the model learns the new
 * attack without forgetting the old ones or drifting on benign text. Starting from the deployed
 * weights with a small step keeps the model close to the one that was validated; only features the
 * new data touches move. Each category's Platt scaling is refitted on the corpus's calibration split.
 *
 * <p>Recalibration: the deployed threshold is moved so that the false-positive rate on the benign
 * calibration set is no higher than the deployed bundle's at its own threshold: the lowest threshold
 * that keeps that rate, and never below {@code minThresholdShare} of the old one.
 *
 * <p>The completion models and stage 2 are kept as they are. Deterministic for a seed. Not
 * thread-safe while patching; one patch at a time.
 */
public final class ClassifierPatcher {
  private static final int K = Category.ALL.size();

  private final Settings settings;
  private final Canonicalizer canonicalizer;
  private final Supplier<Encoder> encoder;

  /**
   * @param replay base training texts replayed (a deterministic sample)
   * @param epochs passes over the fine-tuning set
   * @param learningRate the SGD step
   * @param attackRepeat how many times each attack variant is seen per epoch
   * @param minThresholdShare the recalibrated threshold is at least this share of the old one
   * @param seed the sample and order seed
   */
  public record Settings(int replay, int epochs, double learningRate, int attackRepeat, double minThresholdShare, long seed) {
    public Settings {
      if (replay < 0 || epochs < 1 || epochs > 100 || !(learningRate > 0 && learningRate <= 10) || attackRepeat < 1
          || !(minThresholdShare > 0 && minThresholdShare <= 1)) {
        throw new IllegalArgumentException("invalid classifier patch settings: " + this);
      }
    }

    /** 6000 replayed, 5 epochs, step 1.0, attacks three times, threshold at least 70% of the old one, seed 1. */
    public static Settings defaults() {
      return new Settings(6000, 5, 1.0, 3, 0.7, 1L);
    }
  }

  public ClassifierPatcher(Settings settings, Canonicalizer canonicalizer, Supplier<Encoder> encoder) {
    this.settings = requireNonNull(settings, "settings");
    this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
    this.encoder = requireNonNull(encoder, "encoder");
  }

  /**
   * What a patch made.
   *
   * @param archive the new bundle's archive bytes
   * @param bundle the bundle read back from them
   * @param threshold the recalibrated prompt threshold
   * @param benignFprBefore the deployed bundle's false-positive rate on the benign calibration set
   * @param benignFprAfter the new bundle's, at its new threshold
   */
  public record Result(byte[] archive, ClassifierBundle bundle, double threshold, double benignFprBefore,
      double benignFprAfter) {}

  /**
   * Fine-tunes {@code base}'s prompt model.
   *
   * @param attacks the family's attack exchanges to learn, with their targets
   * @param negatives benign twins (their targets: usually none)
   * @param extraPositives earlier families' regression exchanges, replayed as positives
   * @param version the new bundle's version
   * @param provenance recorded in the archive (the patch adds its settings and figures)
   */
  public Result patch(BaseClassifier base, List<TrainingText> attacks, List<TrainingText> negatives,
      List<TrainingText> extraPositives, TrainingPool pool, String version, ObjectNode provenance) {
    if (attacks.isEmpty()) {
      throw new IllegalArgumentException("a classifier patch needs attack examples");
    }
    Stage1Model old = Stage1Model.readFrom(base.archive(), "prompt/s1/");
    FeatureHasher features = old.features();
    float[] w = new float[features.buckets() * K];
    double[] bias = new double[K];
    for (int f = 0; f < features.buckets(); f++) {
      for (Category c : Category.ALL) {
        w[f * K + c.ordinal()] = old.weight(f, c);
      }
    }
    for (Category c : Category.ALL) {
      bias[c.ordinal()] = old.bias(c);
    }

    List<TrainingText> data = new ArrayList<>();
    for (int r = 0; r < settings.attackRepeat(); r++) {
      attacks.forEach(t -> data.add(normalized(t)));
    }
    negatives.forEach(t -> data.add(normalized(t)));
    extraPositives.forEach(t -> data.add(normalized(t)));
    data.addAll(sample(pool.train(), settings.replay(), settings.seed()));

    Random random = new Random(settings.seed());
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    double[] z = new double[K];
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
      }
      for (int index : order) {
        TrainingText t = data.get(index);
        Sparse x = Sparse.of(features, t.text());
        System.arraycopy(bias, 0, z, 0, K);
        for (int j = 0; j < x.size; j++) {
          int base0 = x.keys[j] * K;
          for (int c = 0; c < K; c++) {
            z[c] += w[base0 + c] * x.values[j];
          }
        }
        for (Category cat : Category.ALL) {
          int c = cat.ordinal();
          double g = sigmoid(z[c]) - (t.targets().contains(cat) ? 1.0 : 0.0);
          if (g == 0) {
            continue;
          }
          double step = settings.learningRate() * g;
          for (int j = 0; j < x.size; j++) {
            w[x.keys[j] * K + c] -= (float) (step * x.values[j]);
          }
          bias[c] -= step * 0.1;
        }
      }
    }

    Stage1Model raw = Stage1Model.of(features, w, bias, java.util.Collections.nCopies(K, PlattScaling.IDENTITY));
    List<PlattScaling> calibration = recalibrate(raw, old, pool.calibration());
    Stage1Model tuned = raw.withCalibration(calibration);

    ClassifierBundle b0 = base.bundle();
    ClassifierBundle.Builder nb = ClassifierBundle.builder(version)
        .promptStage1(tuned)
        .completionStage1(Stage1Model.readFrom(base.archive(), "completion/s1/"))
        .band(b0.band())
        .combine(b0.combine())
        .completionThresholds(b0.completionThresholds());
    if (base.archive().has("prompt/s2/model.json") || base.archive().has("completion/s2/model.json")) {
      Encoder e = encoder.get();
      if (base.archive().has("prompt/s2/model.json")) {
        nb.promptStage2(Stage2Model.readFrom(base.archive(), "prompt/s2/", e));
      }
      if (base.archive().has("completion/s2/model.json")) {
        nb.completionStage2(Stage2Model.readFrom(base.archive(), "completion/s2/", e));
      }
    }
    double t0 = b0.promptThresholds().overall();
    Cascade before = b0.cascade(canonicalizer, Ticker.system());
    double[] benignBefore = scores(before, pool.benignCalibration());
    double fpr0 = share(benignBefore, t0);
    Cascade after = nb.cascade(canonicalizer, Ticker.system());
    double[] benignAfter = scores(after, pool.benignCalibration());
    double t = Math.min(0.99, Math.max(t0 * settings.minThresholdShare(), thresholdFor(benignAfter, fpr0)));
    nb.promptThresholds(ClassifierBundle.Thresholds.uniform(t));

    ObjectNode p = provenance.deepCopy();
    ObjectNode patch = p.putObject("classifier_patch");
    patch.put("base_version", b0.version());
    patch.put("base_digest", b0.digest());
    patch.put("method", "stage-1 fine-tune from the deployed weights (SGD), Platt refit, threshold recalibrated");
    patch.put("attacks", attacks.size());
    patch.put("negatives", negatives.size());
    patch.put("extra_positives", extraPositives.size());
    patch.put("replay", Math.min(settings.replay(), pool.train().size()));
    patch.put("epochs", settings.epochs());
    patch.put("learning_rate", settings.learningRate());
    patch.put("attack_repeat", settings.attackRepeat());
    patch.put("seed", settings.seed());
    patch.put("threshold_before", t0);
    patch.put("threshold_after", t);
    patch.put("benign_calibration", benignBefore.length);
    patch.put("benign_fpr_before", fpr0);
    patch.put("benign_fpr_after", share(benignAfter, t));
    byte[] bytes = nb.toArchive(p).toBytes();
    ClassifierBundle bundle = ClassifierBundle.read(ModelArchive.read(bytes, null), encoder);
    return new Result(bytes, bundle, t, fpr0, share(benignAfter, t));
  }

  private List<PlattScaling> recalibrate(Stage1Model raw, Stage1Model old, List<TrainingText> cal) {
    double[][] logits = new double[K][cal.size()];
    boolean[][] labels = new boolean[K][cal.size()];
    for (int i = 0; i < cal.size(); i++) {
      TrainingText t = cal.get(i);
      double[] l = raw.logits("", t.text());
      for (Category c : Category.ALL) {
        logits[c.ordinal()][i] = l[c.ordinal()];
        labels[c.ordinal()][i] = t.targets().contains(c);
      }
    }
    List<PlattScaling> out = new ArrayList<>();
    for (Category c : Category.ALL) {
      Optional<PlattScaling> fit = PlattScaling.fit(logits[c.ordinal()], labels[c.ordinal()]);
      out.add(fit.orElse(old.calibration().get(c.ordinal())));
    }
    return out;
  }

  private TrainingText normalized(TrainingText t) {
    return new TrainingText(t.context(), canonicalizer.canonicalize(t.text()).primary().text(), t.targets());
  }

  /** The attack message of an exchange as a prompt training text (whole conversation when it has several turns). */
  public static TrainingText text(Exchange e, java.util.Set<Category> targets) {
    return new TrainingText("", e.prompt().size() > 1 ? e.promptText() : e.lastUserText(), targets);
  }

  private static double[] scores(Cascade cascade, List<Exchange> exchanges) {
    double[] s = new double[exchanges.size()];
    for (int i = 0; i < s.length; i++) {
      Exchange e = exchanges.get(i);
      double v = cascade.classifyPrompt(e.lastUserText()).score();
      if (e.prompt().size() > 1) {
        v = Math.max(v, cascade.classifyPrompt(e.promptText()).score());
      }
      s[i] = v;
    }
    return s;
  }

  private static double share(double[] scores, double threshold) {
    if (scores.length == 0) {
      return 0;
    }
    int n = 0;
    for (double s : scores) {
      if (s >= threshold) {
        n++;
      }
    }
    return (double) n / scores.length;
  }

  /** The lowest threshold whose rate of scores at or above it is at most {@code rate}. */
  static double thresholdFor(double[] scores, double rate) {
    if (scores.length == 0) {
      return 1e-6;
    }
    double[] desc = scores.clone();
    Arrays.sort(desc);
    int n = desc.length;
    int allowed = (int) Math.floor(rate * n + 1e-9);
    if (allowed >= n) {
      return 1e-6;
    }
    // Above the (allowed+1)-th largest score: exactly `allowed` scores (fewer on ties) reach it.
    return Math.min(1.0, Math.nextUp(desc[n - 1 - allowed]));
  }

  private static List<TrainingText> sample(List<TrainingText> texts, int max, long seed) {
    if (texts.size() <= max) {
      return texts;
    }
    List<TrainingText> sorted = new ArrayList<>(texts);
    Map<TrainingText, Integer> keys = new HashMap<>();
    for (TrainingText t : sorted) {
      keys.put(t, mix(t.text().hashCode() ^ (int) seed));
    }
    sorted.sort(Comparator.comparingInt((TrainingText t) -> keys.get(t)).thenComparing(TrainingText::text));
    return sorted.subList(0, max);
  }

  private static double sigmoid(double z) {
    return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  /** A text's distinct feature buckets with their values {@code sqrt(count) / sqrt(total)}, as stage 1 scores them. */
  private static final class Sparse {
    final int[] keys;
    final double[] values;
    final int size;

    private Sparse(int[] keys, double[] values, int size) {
      this.keys = keys;
      this.values = values;
      this.size = size;
    }

    static Sparse of(FeatureHasher features, String text) {
      int[] all = features.features(FeatureHasher.Namespace.TEXT, text);
      if (all.length == 0) {
        return new Sparse(new int[0], new double[0], 0);
      }
      int[] sorted = all.clone();
      Arrays.sort(sorted);
      int[] keys = new int[sorted.length];
      double[] values = new double[sorted.length];
      int n = 0;
      double norm = Math.sqrt(all.length);
      for (int i = 0; i < sorted.length; ) {
        int j = i;
        while (j < sorted.length && sorted[j] == sorted[i]) {
          j++;
        }
        keys[n] = sorted[i];
        values[n] = Math.sqrt(j - i) / norm;
        n++;
        i = j;
      }
      return new Sparse(keys, values, n);
    }
  }
}
