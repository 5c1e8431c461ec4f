package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Trains {@link Stage2Head}: an MLP or logistic layer over window embeddings, then Platt scaling per
 * category.
 *
 * <p>Recipe: examples are split by group into a training and a held-out side, stratified by each
 * group's rarest category so that every category with two or more groups has held-out positives. The
 * network trains with AdamW on positive-weighted binary cross-entropy of each example's largest window
 * logit per category (as the model scores: the maximum over windows), stops early on the held-out
 * loss and keeps its best epoch. {@link Stage2Settings.Architecture#AUTO} trains both shapes and keeps
 * the MLP only when its held-out loss is lower. Platt scaling is then fitted on the held-out logits of
 * the kept head ({@link PlattScaling#fit}), or on its training logits for a category whose held-out
 * side lacks positives or negatives.
 *
 * <p>Determinism: single-threaded, with {@link Random} (whose algorithm the JDK specifies) seeded from
 * the settings, sums in a fixed order and {@link StrictMath} for transcendental functions: the same
 * settings and examples give the same head bit for bit, on any platform.
 */
public final class Stage2Trainer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;
  private static final int OUTPUTS = Stage2Head.OUTPUTS;
  private static final int EMBED_CHUNK = 256;

  private final Stage2Settings settings;

  public Stage2Trainer(Stage2Settings settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  public Stage2Settings settings() {
    return settings;
  }

  /** A trained head and the report of its training. */
  public record Trained(Stage2Head head, Stage2Report report) {
    public Trained {
      requireNonNull(head, "head");
      requireNonNull(report, "report");
    }
  }

  /** A trained model (the encoder and the head) and the report of its training. */
  public record Result(Stage2Model model, Stage2Report report) {
    public Result {
      requireNonNull(model, "model");
      requireNonNull(report, "report");
    }
  }

  /**
   * Trains a model on texts: cuts each into windows, embeds the windows (through {@code cache} when
   * given, on {@code parallelism} threads), and trains a head on them. Texts without word pieces
   * (empty, white space) are left out.
   *
   * @param training the texts to fit on; stage 2 reads one string per example, so an exchange must be
   *     flattened into {@link TrainingText#text()} (with role markers) and its context left empty
   * @param calibration held-out texts for early stopping, the architecture choice and Platt scaling
   * @param progress told {@code stage2.embed} (windows embedded so far), then as {@link #trainHead}
   * @throws IllegalArgumentException when a text has a context, or either list has no text to embed
   */
  public Result train(
      Encoder encoder,
      List<TrainingText> training,
      List<TrainingText> calibration,
      @Nullable EmbeddingCache cache,
      int parallelism,
      ProgressListener progress) {
    requireNonNull(encoder, "encoder");
    requireNonNull(progress, "progress");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
    }
    List<List<Window>> trainWindows = windows(encoder, training, "training");
    List<List<Window>> heldWindows = windows(encoder, calibration, "calibration");
    List<String> texts = new ArrayList<>();
    for (List<List<Window>> side : List.of(trainWindows, heldWindows)) {
      for (List<Window> ws : side) {
        ws.forEach(w -> texts.add(w.text()));
      }
    }
    List<float[]> vectors = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += EMBED_CHUNK) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + EMBED_CHUNK));
      vectors.addAll(cache == null ? encoder.embedAll(chunk, parallelism) : cache.embedAll(encoder, chunk, parallelism));
      progress.progress("stage2.embed", vectors.size(), texts.size());
    }
    int[] next = {0};
    List<Stage2Example> train = examples(training, trainWindows, vectors, next);
    List<Stage2Example> held = examples(calibration, heldWindows, vectors, next);
    Trained trained = trainHead(encoder.id(), train, held, progress);
    return new Result(new Stage2Model(encoder, trained.head()), trained.report());
  }

  private static List<List<Window>> windows(Encoder encoder, List<TrainingText> texts, String side) {
    List<List<Window>> out = new ArrayList<>(texts.size());
    for (TrainingText t : texts) {
      if (!t.context().isEmpty()) {
        throw new IllegalArgumentException(
            "stage 2 reads one string per example: flatten the exchange into text() and leave context empty");
      }
      out.add(encoder.windows(t.text()));
    }
    if (out.stream().allMatch(List::isEmpty)) {
      throw new IllegalArgumentException("no " + side + " text has anything to embed");
    }
    return out;
  }

  private static List<Stage2Example> examples(
      List<TrainingText> texts, List<List<Window>> windows, List<float[]> vectors, int[] next) {
    List<Stage2Example> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      List<Window> ws = windows.get(i);
      if (ws.isEmpty()) {
        continue;
      }
      List<float[]> xs = new ArrayList<>(vectors.subList(next[0], next[0] + ws.size()));
      next[0] += ws.size();
      out.add(new Stage2Example("text-" + i, xs, texts.get(i).targets()));
    }
    return out;
  }

  /**
   * Trains a head on embeddings from the encoder {@code encoderId}, holding out a share of the groups
   * ({@link Stage2Settings#calibrationFraction()}), stratified by each group's rarest category.
   *
   * @throws IllegalArgumentException when there are no examples, their embeddings differ in length, or
   *     the groups are too few to hold any out
   */
  public Trained trainHead(String encoderId, List<Stage2Example> examples, ProgressListener progress) {
    List<Stage2Example> all = List.copyOf(examples);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no training examples");
    }
    Split split = split(all);
    return trainHead(encoderId, split.train, split.heldOut, progress);
  }

  /**
   * Trains a head on embeddings from the encoder {@code encoderId}, with the caller's held-out split.
   *
   * @param progress told after each epoch ({@code stage2.mlp} or {@code stage2.logistic}: epochs done
   *     out of the most; an early stop ends with the most)
   * @throws IllegalArgumentException when either list is empty or embeddings differ in length
   */
  public Trained trainHead(
      String encoderId, List<Stage2Example> training, List<Stage2Example> heldOut, ProgressListener progress) {
    requireNonNull(encoderId, "encoderId");
    requireNonNull(progress, "progress");
    Split split = checked(training, heldOut, null);
    int inputs = split.train.get(0).windows().get(0).length;
    double[] posWeight = positiveWeights(split.train);

    Net best;
    double mlpLoss = Double.NaN;
    double logisticLoss = Double.NaN;
    Stage2Settings.Architecture kept;
    switch (settings.architecture()) {
      case MLP -> {
        best = fit(new Net(inputs, settings.hidden(), settings.seed()), split, posWeight, "stage2.mlp", progress);
        mlpLoss = best.bestLoss;
        kept = Stage2Settings.Architecture.MLP;
      }
      case LOGISTIC -> {
        best = fit(new Net(inputs, 0, settings.seed()), split, posWeight, "stage2.logistic", progress);
        logisticLoss = best.bestLoss;
        kept = Stage2Settings.Architecture.LOGISTIC;
      }
      default -> {
        Net mlp = fit(new Net(inputs, settings.hidden(), settings.seed()), split, posWeight, "stage2.mlp", progress);
        Net logistic = fit(new Net(inputs, 0, settings.seed()), split, posWeight, "stage2.logistic", progress);
        mlpLoss = mlp.bestLoss;
        logisticLoss = logistic.bestLoss;
        boolean mlpWins = mlpLoss < logisticLoss;
        best = mlpWins ? mlp : logistic;
        kept = mlpWins ? Stage2Settings.Architecture.MLP : Stage2Settings.Architecture.LOGISTIC;
      }
    }

    return finish(encoderId, best, split, posWeight, kept, mlpLoss, logisticLoss);
  }

  /**
   * The caller's split, checked: both sides non-empty, and every embedding {@code inputs} long (a
   * head's width), or as long as the first training embedding when {@code inputs} is null.
   */
  private static Split checked(List<Stage2Example> training, List<Stage2Example> heldOut, @Nullable Integer inputs) {
    Split split = new Split(List.copyOf(training), List.copyOf(heldOut));
    if (split.train.isEmpty() || split.heldOut.isEmpty()) {
      throw new IllegalArgumentException(
          "need training and held-out examples, got " + split.train.size() + " and " + split.heldOut.size());
    }
    int expected = inputs != null ? inputs : split.train.get(0).windows().get(0).length;
    for (List<Stage2Example> side : List.of(split.train, split.heldOut)) {
      for (Stage2Example e : side) {
        int length = e.windows().get(0).length;
        if (length != expected) {
          throw new IllegalArgumentException(inputs != null
              ? "the head reads " + expected + " inputs, group " + e.group() + " has " + length
              : "embeddings differ in length: " + expected + " and " + length + " (group " + e.group() + ")");
        }
      }
    }
    return split;
  }

  /**
   * Fine-tunes a trained head from its own weights (a warm start), with the caller's held-out split:
   * the shape and encoder are {@code start}'s ({@link Stage2Settings#architecture()} and {@link
   * Stage2Settings#hidden()} are not used), the rest is the recipe of {@link #trainHead(String, List,
   * List, ProgressListener)}: AdamW with fresh moments on the positive-weighted loss (weights from
   * {@code training}), early stopping on {@code heldOut}, where epoch 0 is {@code start}'s own weights
   * (kept when no epoch lowers the held-out loss), then Platt scaling refitted on the held-out logits
   * of the kept weights. Deterministic as {@link #trainHead} is.
   *
   * @param progress told after each epoch ({@code stage2.finetune}: epochs done out of the most)
   * @throws IllegalArgumentException when either list is empty or an embedding's length is not {@code
   *     start.inputs()}
   */
  public Trained fineTune(
      Stage2Head start, List<Stage2Example> training, List<Stage2Example> heldOut, ProgressListener progress) {
    requireNonNull(start, "start");
    requireNonNull(progress, "progress");
    Split split = checked(training, heldOut, start.inputs());
    double[] posWeight = positiveWeights(split.train);
    Net best = fit(Net.of(start), split, posWeight, "stage2.finetune", progress);
    boolean mlp = start.hidden() > 0;
    return finish(start.encoderId(), best, split, posWeight,
        mlp ? Stage2Settings.Architecture.MLP : Stage2Settings.Architecture.LOGISTIC,
        mlp ? best.bestLoss : Double.NaN, mlp ? Double.NaN : best.bestLoss);
  }

  /** Platt scaling for the kept network, the head and its report. */
  private Trained finish(String encoderId, Net best, Split split, double[] posWeight, Stage2Settings.Architecture kept,
      double mlpLoss, double logisticLoss) {
    float[] a = new float[OUTPUTS];
    float[] b = new float[OUTPUTS];
    Arrays.fill(a, 1f);
    Stage2Head raw = best.freeze(encoderId, a, b);
    double[][] heldLogits = maxLogits(raw, split.heldOut);
    double[][] trainLogits = null;
    Map<Category, String> source = new EnumMap<>(Category.class);
    for (int c = 0; c < OUTPUTS; c++) {
      // PlattScaling.fit is empty without both classes, or when the logits run against the labels.
      Optional<PlattScaling> fit = PlattScaling.fit(column(heldLogits, c), targets(split.heldOut, c));
      String from = "held-out";
      if (fit.isEmpty()) {
        if (trainLogits == null) {
          trainLogits = maxLogits(raw, split.train);
        }
        fit = PlattScaling.fit(column(trainLogits, c), targets(split.train, c));
        from = "training";
      }
      if (fit.isEmpty()) {
        from = "none";
      }
      PlattScaling platt = fit.orElse(PlattScaling.IDENTITY);
      a[c] = (float) platt.a();
      b[c] = (float) platt.b();
      source.put(Category.ALL.get(c), from);
    }
    Stage2Head head = best.freeze(encoderId, a, b);
    Map<Category, Double> weights = new EnumMap<>(Category.class);
    for (int c = 0; c < OUTPUTS; c++) {
      weights.put(Category.ALL.get(c), posWeight[c]);
    }
    Stage2Report report =
        new Stage2Report(
            kept, mlpLoss, logisticLoss, best.bestEpoch, split.train.size(), split.heldOut.size(), weights, source);
    return new Trained(head, report);
  }

  // ---------------------------------------------------------------------------------------------
  // Split and weights

  private record Split(List<Stage2Example> train, List<Stage2Example> heldOut) {}

  private Split split(List<Stage2Example> all) {
    int[] positives = new int[OUTPUTS];
    for (Stage2Example e : all) {
      e.targets().forEach(c -> positives[c.ordinal()]++);
    }
    Map<String, List<Stage2Example>> groups = new LinkedHashMap<>();
    for (Stage2Example e : all) {
      groups.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
    }
    // Stratum of a group: its rarest positive category, or OUTPUTS for an all-benign group.
    Map<Integer, List<String>> strata = new LinkedHashMap<>();
    groups.forEach(
        (g, list) -> {
          int stratum = OUTPUTS;
          for (Stage2Example e : list) {
            for (Category c : e.targets()) {
              if (stratum == OUTPUTS || positives[c.ordinal()] < positives[stratum]
                  || (positives[c.ordinal()] == positives[stratum] && c.ordinal() < stratum)) {
                stratum = c.ordinal();
              }
            }
          }
          strata.computeIfAbsent(stratum, s -> new ArrayList<>()).add(g);
        });
    Set<String> heldOutGroups = new HashSet<>();
    for (List<String> names : strata.values()) {
      if (names.size() < 2) {
        continue;
      }
      names.sort(Comparator.comparingLong((String g) -> mix(settings.seed() ^ g.hashCode())).thenComparing(g -> g));
      long n = Math.round(settings.calibrationFraction() * names.size());
      n = Math.max(1, Math.min(names.size() - 1, n));
      heldOutGroups.addAll(names.subList(0, (int) n));
    }
    List<Stage2Example> train = new ArrayList<>();
    List<Stage2Example> held = new ArrayList<>();
    for (Stage2Example e : all) {
      (heldOutGroups.contains(e.group()) ? held : train).add(e);
    }
    if (held.isEmpty() || train.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot hold out examples for calibration: " + groups.size() + " groups; each kind of example needs at least two groups");
    }
    return new Split(List.copyOf(train), List.copyOf(held));
  }

  /** SplittableRandom's 64-bit finalizer (Stafford variant 13), a stable way to order groups by seed. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private double[] positiveWeights(List<Stage2Example> train) {
    double[] w = new double[OUTPUTS];
    for (int c = 0; c < OUTPUTS; c++) {
      int pos = 0;
      for (Stage2Example e : train) {
        if (e.targets().contains(Category.ALL.get(c))) {
          pos++;
        }
      }
      int neg = train.size() - pos;
      w[c] = pos == 0 ? 1.0 : Math.max(1.0, Math.min(settings.maxPositiveWeight(), (double) neg / pos));
    }
    return w;
  }

  // ---------------------------------------------------------------------------------------------
  // Training

  private Net fit(Net net, Split split, double[] posWeight, String phase, ProgressListener progress) {
    Random rnd = new Random(settings.seed() * 0x9E3779B97F4A7C15L + 1);
    List<Stage2Example> train = split.train;
    int[] order = new int[train.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    net.bestLoss = net.loss(split.heldOut, posWeight);
    net.bestEpoch = 0;
    net.keepBest();
    for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int from = 0; from < order.length; from += settings.batchSize()) {
        int to = Math.min(order.length, from + settings.batchSize());
        net.zeroGrad();
        for (int k = from; k < to; k++) {
          net.accumulate(train.get(order[k]), posWeight);
        }
        net.step(to - from, settings.learningRate(), settings.weightDecay());
      }
      double loss = net.loss(split.heldOut, posWeight);
      if (loss < net.bestLoss) {
        net.bestLoss = loss;
        net.bestEpoch = epoch;
        net.keepBest();
      }
      if (epoch - net.bestEpoch >= settings.patience()) {
        break;
      }
      if (epoch < settings.epochs()) {
        progress.progress(phase, epoch, settings.epochs());
      }
    }
    // The listener's contract: a stage's last call reports it done, early stop or not.
    progress.progress(phase, settings.epochs(), settings.epochs());
    net.restoreBest();
    return net;
  }

  /** The network in double precision, with its gradients, Adam moments and best weights so far. */
  private static final class Net {
    final int in;
    final int hid;
    final int top;
    // w1, b1, w2, b2: the layouts of Stage2Head.
    final double[][] p;
    final double[][] g;
    final double[][] m;
    final double[][] v;
    final double[][] best;
    final boolean[] decays = {true, false, true, false};
    double beta1t = 1;
    double beta2t = 1;
    double bestLoss;
    int bestEpoch;

    Net(int in, int hid, long seed) {
      this.in = in;
      this.hid = hid;
      this.top = hid == 0 ? in : hid;
      int[] sizes = {hid * in, hid, OUTPUTS * top, OUTPUTS};
      p = new double[4][];
      g = new double[4][];
      m = new double[4][];
      v = new double[4][];
      best = new double[4][];
      for (int i = 0; i < 4; i++) {
        p[i] = new double[sizes[i]];
        g[i] = new double[sizes[i]];
        m[i] = new double[sizes[i]];
        v[i] = new double[sizes[i]];
        best[i] = new double[sizes[i]];
      }
      Random rnd = new Random(seed);
      // He initialization for the ReLU layer, Glorot-like for the output layer.
      double s1 = Math.sqrt(2.0 / in);
      for (int i = 0; i < p[0].length; i++) {
        p[0][i] = rnd.nextGaussian() * s1;
      }
      double s2 = Math.sqrt(1.0 / top);
      for (int i = 0; i < p[2].length; i++) {
        p[2][i] = rnd.nextGaussian() * s2;
      }
    }

    /** A network holding {@code head}'s weights (its Platt scaling left out), for a warm start. */
    static Net of(Stage2Head head) {
      Net net = new Net(head.inputs(), head.hidden(), 0);
      float[] all = head.parameters();
      int at = 0;
      for (int t = 0; t < 4; t++) {
        for (int i = 0; i < net.p[t].length; i++) {
          net.p[t][i] = all[at++];
        }
      }
      return net;
    }

    /** Logits of one window; fills {@code h} (the hidden activations) for an MLP. */
    double[] forward(float[] x, double[] h) {
      double[] w1 = p[0];
      double[] b1 = p[1];
      double[] w2 = p[2];
      double[] b2 = p[3];
      double[] z = new double[OUTPUTS];
      if (hid == 0) {
        for (int c = 0; c < OUTPUTS; c++) {
          double s = b2[c];
          int row = c * in;
          for (int i = 0; i < in; i++) {
            s += w2[row + i] * x[i];
          }
          z[c] = s;
        }
        return z;
      }
      for (int k = 0; k < hid; k++) {
        double s = b1[k];
        int row = k * in;
        for (int i = 0; i < in; i++) {
          s += w1[row + i] * x[i];
        }
        h[k] = Math.max(0.0, s);
      }
      for (int c = 0; c < OUTPUTS; c++) {
        double s = b2[c];
        int row = c * hid;
        for (int k = 0; k < hid; k++) {
          s += w2[row + k] * h[k];
        }
        z[c] = s;
      }
      return z;
    }

    /** Adds one example's gradient (through each category's largest window logit). */
    void accumulate(Stage2Example e, double[] posWeight) {
      List<float[]> windows = e.windows();
      int n = windows.size();
      double[][] hs = new double[n][hid];
      double[][] zs = new double[n][];
      for (int j = 0; j < n; j++) {
        zs[j] = forward(windows.get(j), hs[j]);
      }
      double[][] dz = new double[n][];
      for (int c = 0; c < OUTPUTS; c++) {
        int arg = 0;
        for (int j = 1; j < n; j++) {
          if (zs[j][c] > zs[arg][c]) {
            arg = j;
          }
        }
        boolean y = e.targets().contains(Category.ALL.get(c));
        double w = y ? posWeight[c] : 1.0;
        if (dz[arg] == null) {
          dz[arg] = new double[OUTPUTS];
        }
        dz[arg][c] = w * (Stage2Head.sigmoid(zs[arg][c]) - (y ? 1.0 : 0.0));
      }
      for (int j = 0; j < n; j++) {
        if (dz[j] != null) {
          backward(windows.get(j), hs[j], dz[j]);
        }
      }
    }

    private void backward(float[] x, double[] h, double[] dz) {
      double[] w2 = p[2];
      double[] g1 = g[0];
      double[] gb1 = g[1];
      double[] g2 = g[2];
      double[] gb2 = g[3];
      for (int c = 0; c < OUTPUTS; c++) {
        double d = dz[c];
        if (d == 0) {
          continue;
        }
        gb2[c] += d;
        int row = c * top;
        if (hid == 0) {
          for (int i = 0; i < in; i++) {
            g2[row + i] += d * x[i];
          }
        } else {
          for (int k = 0; k < hid; k++) {
            g2[row + k] += d * h[k];
          }
        }
      }
      if (hid == 0) {
        return;
      }
      for (int k = 0; k < hid; k++) {
        if (h[k] <= 0) {
          continue;
        }
        double dh = 0;
        for (int c = 0; c < OUTPUTS; c++) {
          dh += dz[c] * w2[c * hid + k];
        }
        if (dh == 0) {
          continue;
        }
        gb1[k] += dh;
        int row = k * in;
        for (int i = 0; i < in; i++) {
          g1[row + i] += dh * x[i];
        }
      }
    }

    void zeroGrad() {
      for (double[] a : g) {
        Arrays.fill(a, 0);
      }
    }

    /** One AdamW step on the mean gradient of {@code batch} examples. */
    void step(int batch, double lr, double decay) {
      beta1t *= BETA1;
      beta2t *= BETA2;
      double c1 = 1 - beta1t;
      double c2 = 1 - beta2t;
      for (int t = 0; t < 4; t++) {
        double[] pt = p[t];
        double[] gt = g[t];
        double[] mt = m[t];
        double[] vt = v[t];
        for (int i = 0; i < pt.length; i++) {
          double grad = gt[i] / batch;
          mt[i] = BETA1 * mt[i] + (1 - BETA1) * grad;
          vt[i] = BETA2 * vt[i] + (1 - BETA2) * grad * grad;
          double update = (mt[i] / c1) / (Math.sqrt(vt[i] / c2) + EPSILON);
          if (decays[t]) {
            update += decay * pt[i];
          }
          pt[i] -= lr * update;
        }
      }
    }

    /** Mean positive-weighted binary cross-entropy per example and category. */
    double loss(List<Stage2Example> examples, double[] posWeight) {
      double sum = 0;
      double[] h = new double[hid];
      for (Stage2Example e : examples) {
        double[] z = new double[OUTPUTS];
        Arrays.fill(z, Double.NEGATIVE_INFINITY);
        for (float[] x : e.windows()) {
          double[] zj = forward(x, h);
          for (int c = 0; c < OUTPUTS; c++) {
            z[c] = Math.max(z[c], zj[c]);
          }
        }
        for (int c = 0; c < OUTPUTS; c++) {
          boolean y = e.targets().contains(Category.ALL.get(c));
          sum += (y ? posWeight[c] : 1.0) * bce(z[c], y);
        }
      }
      return sum / ((double) examples.size() * OUTPUTS);
    }

    void keepBest() {
      for (int t = 0; t < 4; t++) {
        System.arraycopy(p[t], 0, best[t], 0, p[t].length);
      }
    }

    void restoreBest() {
      for (int t = 0; t < 4; t++) {
        System.arraycopy(best[t], 0, p[t], 0, p[t].length);
      }
    }

    Stage2Head freeze(String encoderId, float[] plattA, float[] plattB) {
      return new Stage2Head(encoderId, in, hid, floats(p[0]), floats(p[1]), floats(p[2]), floats(p[3]), plattA, plattB);
    }

    private static float[] floats(double[] d) {
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
  }

  /** Binary cross-entropy of logit {@code z} against {@code y}, without overflow. */
  private static double bce(double z, boolean y) {
    return Math.max(z, 0) - (y ? z : 0) + StrictMath.log1p(StrictMath.exp(-Math.abs(z)));
  }

  // ---------------------------------------------------------------------------------------------
  // Platt scaling

  private static double[][] maxLogits(Stage2Head head, List<Stage2Example> examples) {
    double[][] out = new double[examples.size()][];
    for (int i = 0; i < out.length; i++) {
      double[] z = null;
      for (float[] x : examples.get(i).windows()) {
        double[] zj = head.logits(x);
        if (z == null) {
          z = zj;
        } else {
          for (int c = 0; c < OUTPUTS; c++) {
            z[c] = Math.max(z[c], zj[c]);
          }
        }
      }
      out[i] = z;
    }
    return out;
  }

  private static double[] column(double[][] rows, int c) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i][c];
    }
    return out;
  }

  private static boolean[] targets(List<Stage2Example> examples, int c) {
    boolean[] y = new boolean[examples.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = examples.get(i).targets().contains(Category.ALL.get(c));
    }
    return y;
  }
}
