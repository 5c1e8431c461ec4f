package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Trains a {@link Stage1Model}: multi-label logistic regression (one binary model per category over the
 * shared features) by stochastic gradient descent with AdaGrad step sizes, then Platt calibration per
 * category on a separate calibration set.
 *
 * <p>Determinism: one thread; the example order is a Fisher-Yates shuffle per epoch from {@code new
 * Random(seed)} (whose algorithm the JDK specifies); features are visited in the order the text yields
 * them; exponentials use {@link StrictMath}. The same examples, settings and seed therefore give the
 * same weights, bit for bit, on any JVM.
 *
 * <p>Each example's loss for category {@code c} is the log loss, times the positive weight of {@code c}
 * when the example is positive for it (see {@link TrainingSettings.ClassWeighting}). L2 is applied to
 * the weights an example touches, when it touches them ("lazy" L2), which keeps a step's cost
 * proportional to the example's features.
 *
 * <p>Not thread-safe while training; a trainer may be reused for several trainings one after another.
 */
public final class Stage1Trainer {
  private static final int K = Category.ALL.size();
  private static final double EPSILON = 1e-8;

  private final TrainingSettings settings;

  public Stage1Trainer(TrainingSettings settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  public TrainingSettings settings() {
    return settings;
  }

  /**
   * What training produced.
   *
   * @param model the calibrated model
   * @param categories per category: positives, the weight they got, and whether calibration was fitted
   * @param epochLoss the mean weighted log loss over each epoch's examples and categories
   */
  public record Result(Stage1Model model, List<CategoryReport> categories, List<Double> epochLoss) {
    public Result {
      requireNonNull(model, "model");
      categories = List.copyOf(categories);
      epochLoss = List.copyOf(epochLoss);
    }
  }

  /**
   * How one category was trained.
   *
   * @param calibrated false when the calibration set lacked positives or negatives of the category, or
   *     its logits ran against its labels; the model then keeps the raw {@code sigmoid(logit)}, which
   *     with positive weighting overstates the probability
   */
  public record CategoryReport(
      Category category,
      int trainingPositives,
      double positiveWeight,
      int calibrationPositives,
      boolean calibrated,
      PlattScaling calibration) {}

  /**
   * Trains on {@code training} and calibrates on {@code calibration}.
   *
   * @param calibration held out from training; may be empty, leaving every category uncalibrated
   * @throws IllegalArgumentException when there is nothing to train on
   */
  public Result train(List<TrainingText> training, List<TrainingText> calibration, ProgressListener progress) {
    List<TrainingText> train = List.copyOf(training);
    List<TrainingText> cal = List.copyOf(calibration);
    requireNonNull(progress, "progress");
    if (train.isEmpty()) {
      throw new IllegalArgumentException("no training examples");
    }
    FeatureHasher features = settings.features();
    int n = train.size();

    int[] positives = new int[K];
    for (TrainingText t : train) {
      for (Category c : t.targets()) {
        positives[c.ordinal()]++;
      }
    }
    double[] positiveWeight = new double[K];
    for (int c = 0; c < K; c++) {
      positiveWeight[c] =
          settings.classWeighting().positiveWeight(positives[c], n - positives[c], settings.maxPositiveWeight());
    }

    // Per bucket, its six weights then their six AdaGrad sums, side by side: a feature's update then
    // touches one stretch of memory instead of two.
    float[] state = new float[features.buckets() * 2 * K];
    double[] bias = new double[K];
    double[] biasG2 = new double[K];
    double lr = settings.learningRate();
    double l2 = settings.l2();

    Extractor extractor = new Extractor(features);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(settings.seed());
    double[] z = new double[K];
    double[] grad = new double[K];
    boolean[] y = new boolean[K];
    List<Double> epochLoss = new ArrayList<>();
    long steps = (long) settings.epochs() * n;
    long reportEvery = Math.max(1, steps / 200);
    long done = 0;
    progress.progress("train", 0, steps);

    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      shuffle(order, random);
      double loss = 0;
      for (int index : order) {
        TrainingText t = train.get(index);
        extractor.extract(t);
        int nnz = extractor.size;
        int[] keys = extractor.keys;
        double[] xs = extractor.xs;

        System.arraycopy(bias, 0, z, 0, K);
        for (int j = 0; j < nnz; j++) {
          int base = keys[j] * 2 * K;
          double x = xs[j];
          for (int c = 0; c < K; c++) {
            z[c] += state[base + c] * x;
          }
        }
        for (int c = 0; c < K; c++) {
          y[c] = false;
        }
        for (Category c : t.targets()) {
          y[c.ordinal()] = true;
        }
        for (int c = 0; c < K; c++) {
          double p = PlattScaling.sigmoid(z[c]);
          double weight = y[c] ? positiveWeight[c] : 1.0;
          grad[c] = weight * (p - (y[c] ? 1.0 : 0.0));
          loss += weight * logLoss(z[c], y[c]);
        }

        for (int j = 0; j < nnz; j++) {
          int base = keys[j] * 2 * K;
          double x = xs[j];
          for (int c = 0; c < K; c++) {
            int i = base + c;
            double g = grad[c] * x + l2 * state[i];
            if (g == 0) {
              continue;
            }
            double acc = state[i + K] + g * g;
            state[i + K] = (float) acc;
            state[i] = (float) (state[i] - lr * g / (Math.sqrt(acc) + EPSILON));
          }
        }
        for (int c = 0; c < K; c++) {
          double g = grad[c];
          biasG2[c] += g * g;
          bias[c] -= lr * g / (Math.sqrt(biasG2[c]) + EPSILON);
        }

        done++;
        if (done % reportEvery == 0 || done == steps) {
          progress.progress("train", done, steps);
        }
      }
      epochLoss.add(loss / ((double) n * K));
    }

    float[] w = new float[features.buckets() * K];
    for (int f = 0; f < features.buckets(); f++) {
      System.arraycopy(state, f * 2 * K, w, f * K, K);
    }
    Stage1Model raw = Stage1Model.adopt(features, w, bias, Collections.nCopies(K, PlattScaling.IDENTITY));
    return calibrate(raw, train.size(), positives, positiveWeight, cal, epochLoss, progress);
  }

  private static Result calibrate(
      Stage1Model raw,
      int trainingSize,
      int[] positives,
      double[] positiveWeight,
      List<TrainingText> cal,
      List<Double> epochLoss,
      ProgressListener progress) {
    int m = cal.size();
    double[][] logits = new double[K][m];
    boolean[][] labels = new boolean[K][m];
    int[] calPositives = new int[K];
    long reportEvery = Math.max(1, m / 200);
    progress.progress("calibrate", 0, m);
    for (int i = 0; i < m; i++) {
      TrainingText t = cal.get(i);
      double[] z = raw.logits(t.context(), t.text());
      for (int c = 0; c < K; c++) {
        logits[c][i] = z[c];
      }
      for (Category c : t.targets()) {
        labels[c.ordinal()][i] = true;
        calPositives[c.ordinal()]++;
      }
      if ((i + 1) % reportEvery == 0 || i + 1 == m) {
        progress.progress("calibrate", i + 1, m);
      }
    }
    List<PlattScaling> calibration = new ArrayList<>();
    List<CategoryReport> reports = new ArrayList<>();
    for (Category category : Category.ALL) {
      int c = category.ordinal();
      Optional<PlattScaling> fit = PlattScaling.fit(logits[c], labels[c]);
      PlattScaling p = fit.orElse(PlattScaling.IDENTITY);
      calibration.add(p);
      reports.add(new CategoryReport(category, positives[c], positiveWeight[c], calPositives[c], fit.isPresent(), p));
    }
    return new Result(raw.withCalibration(calibration), reports, epochLoss);
  }

  private static double logLoss(double z, boolean positive) {
    // -log(sigmoid(z)) = log(1 + e^-z), written to stay finite for large |z|.
    double m = positive ? -z : z;
    return m > 0 ? m + StrictMath.log1p(StrictMath.exp(-m)) : StrictMath.log1p(StrictMath.exp(m));
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }

  /**
   * One example's feature vector: distinct buckets in the order the text first yields them, with values
   * {@code sqrt(count) / sqrt(total)}, as {@link Stage1Model} scores them.
   */
  private static final class Extractor implements IntConsumer {
    private final IntCountMap counts = new IntCountMap(1024);
    private final FeatureHasher.Cursor context;
    private final FeatureHasher.Cursor text;
    int[] keys = new int[1024];
    double[] xs = new double[1024];
    int size;
    private long total;

    Extractor(FeatureHasher features) {
      this.context = features.cursor(FeatureHasher.Namespace.CONTEXT);
      this.text = features.cursor(FeatureHasher.Namespace.TEXT);
    }

    void extract(TrainingText t) {
      counts.clear();
      total = 0;
      read(context, t.context());
      read(text, t.text());
      size = counts.size();
      if (keys.length < size) {
        keys = new int[Integer.highestOneBit(size) * 2];
        xs = new double[keys.length];
      }
      double norm = Math.sqrt(total);
      for (int j = 0; j < size; j++) {
        int key = counts.keyAt(j);
        keys[j] = key;
        xs[j] = Math.sqrt(counts.get(key)) / norm;
      }
    }

    private void read(FeatureHasher.Cursor cursor, String s) {
      cursor.reset();
      for (int i = 0; i < s.length(); i++) {
        cursor.append(s.charAt(i), this);
      }
      cursor.finish(this);
    }

    @Override
    public void accept(int bucket) {
      counts.increment(bucket);
      total++;
    }
  }
}
