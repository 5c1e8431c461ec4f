package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The head's training on synthetic 384-d vectors: no encoder needed. */
class Stage2TrainerTest {
  private static final int D = 384;
  private static final String ID = "synthetic";

  /** Unit-ish prototypes per category (and one for benign) with Gaussian noise around them. */
  private static final class Toy {
    final Random rnd;
    final float[][] prototypes = new float[Category.ALL.size() + 1][D];

    Toy(long seed) {
      rnd = new Random(seed);
      for (float[] p : prototypes) {
        for (int i = 0; i < D; i++) {
          p[i] = (float) (rnd.nextGaussian() / Math.sqrt(D));
        }
      }
    }

    float[] sample(int prototype) {
      float[] x = new float[D];
      for (int i = 0; i < D; i++) {
        x[i] = prototypes[prototype][i] + (float) (0.7 * rnd.nextGaussian() / Math.sqrt(D));
      }
      return x;
    }

    float[] benign() {
      return sample(Category.ALL.size());
    }

    float[] of(Category c) {
      return sample(c.ordinal());
    }

    /** Benign bags of 1-3 windows, rare biological examples, jailbreak bags hiding one positive window among benign ones. */
    List<Stage2Example> examples(int benign, int bio, int jailbreak) {
      List<Stage2Example> out = new ArrayList<>();
      int g = 0;
      for (int i = 0; i < benign; i++) {
        List<float[]> ws = new ArrayList<>();
        for (int j = 0; j <= i % 3; j++) {
          ws.add(benign());
        }
        out.add(new Stage2Example("g" + g++, ws, Set.of()));
      }
      for (int i = 0; i < bio; i++) {
        out.add(new Stage2Example("g" + g++, List.of(of(Category.CBRN_BIOLOGICAL)), Set.of(Category.CBRN_BIOLOGICAL)));
      }
      for (int i = 0; i < jailbreak; i++) {
        out.add(new Stage2Example("g" + g++, List.of(benign(), of(Category.JAILBREAK), benign()), Set.of(Category.JAILBREAK)));
      }
      return out;
    }
  }

  private static Stage2Settings.Builder fast() {
    return Stage2Settings.builder().hidden(16).epochs(30).patience(30).seed(7);
  }

  @Test
  void trainHead_separableToy_scoresFreshExamplesRight() {
    Toy toy = new Toy(1);
    Stage2Trainer.Trained trained =
        new Stage2Trainer(fast().architecture(Stage2Settings.Architecture.MLP).build())
            .trainHead(ID, toy.examples(200, 20, 60), ProgressListener.NONE);
    Stage2Head head = trained.head();

    int right = 0;
    int total = 0;
    for (int i = 0; i < 50; i++) {
      right += head.score(toy.benign()).max() < 0.5 ? 1 : 0;
      right += head.score(toy.of(Category.CBRN_BIOLOGICAL)).get(Category.CBRN_BIOLOGICAL) > 0.5 ? 1 : 0;
      right += head.score(toy.of(Category.JAILBREAK)).get(Category.JAILBREAK) > 0.5 ? 1 : 0;
      total += 3;
    }
    assertThat((double) right / total).isGreaterThan(0.95);
    assertThat(head.encoderId()).isEqualTo(ID);
    assertThat(head.hidden()).isEqualTo(16);
    assertThat(trained.report().architecture()).isEqualTo(Stage2Settings.Architecture.MLP);
    assertThat(trained.report().logisticLoss()).isNaN();
    assertThat(trained.report().calibration().get(Category.CBRN_BIOLOGICAL)).isEqualTo("held-out");
    assertThat(trained.report().calibration().get(Category.CBRN_NUCLEAR)).isEqualTo("none");
  }

  @Test
  void trainHead_positiveHiddenAmongBenignWindows_maxOverWindowsFindsIt() {
    Toy toy = new Toy(2);
    Stage2Head head =
        new Stage2Trainer(fast().build()).trainHead(ID, toy.examples(200, 20, 60), ProgressListener.NONE).head();

    Probabilities max = Probabilities.zero();
    for (float[] w : List.of(toy.benign(), toy.benign(), toy.of(Category.JAILBREAK), toy.benign())) {
      max = max.maxWith(head.score(w));
    }

    assertThat(max.get(Category.JAILBREAK)).isGreaterThan(0.5);
    assertThat(head.score(toy.benign()).get(Category.JAILBREAK)).isLessThan(0.5);
  }

  @Test
  void trainHead_sameSeed_sameBits_otherSeed_otherBits() {
    List<Stage2Example> examples = new Toy(3).examples(80, 10, 30);

    float[] a = new Stage2Trainer(fast().build()).trainHead(ID, examples, ProgressListener.NONE).head().parameters();
    float[] b = new Stage2Trainer(fast().build()).trainHead(ID, examples, ProgressListener.NONE).head().parameters();
    float[] c = new Stage2Trainer(fast().seed(8).build()).trainHead(ID, examples, ProgressListener.NONE).head().parameters();

    // Arrays.equals on floats compares bit patterns.
    assertThat(Arrays.equals(a, b)).isTrue();
    assertThat(Arrays.equals(a, c)).isFalse();
  }

  @Test
  void trainHead_auto_keepsMlpOnlyWhereItBeatsLogistic() {
    // Positive when the first two coordinates share a sign (XOR-like): no linear layer separates it.
    Random rnd = new Random(4);
    List<Stage2Example> xor = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      float[] x = new float[D];
      for (int j = 0; j < D; j++) {
        x[j] = (float) (0.05 * rnd.nextGaussian());
      }
      x[0] = rnd.nextBoolean() ? 1 : -1;
      x[1] = rnd.nextBoolean() ? 1 : -1;
      Set<Category> t = x[0] * x[1] > 0 ? Set.of(Category.HARMFUL_OTHER) : Set.of();
      xor.add(new Stage2Example("x" + i, List.of(x), t));
    }
    Stage2Settings settings =
        fast().architecture(Stage2Settings.Architecture.AUTO).epochs(60).patience(10).learningRate(3e-3).build();

    Stage2Trainer.Trained xorTrained = new Stage2Trainer(settings).trainHead(ID, xor, ProgressListener.NONE);

    assertThat(xorTrained.report().architecture()).isEqualTo(Stage2Settings.Architecture.MLP);
    assertThat(xorTrained.report().mlpLoss()).isLessThan(xorTrained.report().logisticLoss());
    float[] pos = new float[D];
    pos[0] = -1;
    pos[1] = -1;
    float[] neg = new float[D];
    neg[0] = 1;
    neg[1] = -1;
    assertThat(xorTrained.head().score(pos).get(Category.HARMFUL_OTHER)).isGreaterThan(0.5);
    assertThat(xorTrained.head().score(neg).get(Category.HARMFUL_OTHER)).isLessThan(0.5);
  }

  @Test
  void trainHead_auto_reportsBothLossesAndKeepsTheLower() {
    Stage2Trainer.Trained trained =
        new Stage2Trainer(fast().build()).trainHead(ID, new Toy(5).examples(80, 10, 30), ProgressListener.NONE);

    Stage2Report r = trained.report();
    assertThat(r.mlpLoss()).isFinite();
    assertThat(r.logisticLoss()).isFinite();
    assertThat(r.architecture())
        .isEqualTo(r.mlpLoss() < r.logisticLoss() ? Stage2Settings.Architecture.MLP : Stage2Settings.Architecture.LOGISTIC);
    assertThat(trained.head().hidden()).isEqualTo(r.architecture() == Stage2Settings.Architecture.MLP ? 16 : 0);
    assertThat(r.toMap()).containsKeys("mlp_loss", "logistic_loss", "positive_weights", "calibration");
  }

  @Test
  void trainHead_rareCategory_weightedByNegativesOverPositivesUpToCap() {
    List<Stage2Example> train = new Toy(6).examples(90, 10, 0);
    List<Stage2Example> held = new Toy(7).examples(20, 4, 0);

    Stage2Report r =
        new Stage2Trainer(fast().maxPositiveWeight(5).architecture(Stage2Settings.Architecture.LOGISTIC).build())
            .trainHead(ID, train, held, ProgressListener.NONE)
            .report();
    Stage2Report uncapped =
        new Stage2Trainer(fast().architecture(Stage2Settings.Architecture.LOGISTIC).build())
            .trainHead(ID, train, held, ProgressListener.NONE)
            .report();

    assertThat(r.positiveWeights().get(Category.CBRN_BIOLOGICAL)).isEqualTo(5.0);
    assertThat(uncapped.positiveWeights().get(Category.CBRN_BIOLOGICAL)).isEqualTo(9.0);
    assertThat(uncapped.positiveWeights().get(Category.JAILBREAK)).isEqualTo(1.0);
    assertThat(r.trainExamples()).isEqualTo(100);
    assertThat(r.heldOutExamples()).isEqualTo(24);
  }

  @Test
  void trainHead_progress_nonDecreasingAndEndsDone() {
    Map<String, List<long[]>> calls = new HashMap<>();
    Stage2Settings settings = fast().epochs(40).patience(2).learningRate(0.05).build();

    new Stage2Trainer(settings)
        .trainHead(ID, new Toy(8).examples(60, 8, 20), (stage, done, total) -> calls.computeIfAbsent(stage, s -> new ArrayList<>()).add(new long[] {done, total}));

    assertThat(calls).containsOnlyKeys("stage2.mlp", "stage2.logistic");
    calls.forEach(
        (stage, list) -> {
          for (int i = 1; i < list.size(); i++) {
            assertThat(list.get(i)[0]).isGreaterThanOrEqualTo(list.get(i - 1)[0]);
          }
          long[] last = list.get(list.size() - 1);
          assertThat(last[0]).isEqualTo(40).isEqualTo(last[1]);
        });
  }

  @Test
  void trainHead_oneGroup_cannotHoldOut_throws() {
    List<Stage2Example> same = new ArrayList<>();
    for (Stage2Example e : new Toy(9).examples(10, 0, 0)) {
      same.add(new Stage2Example("only", e.windows(), e.targets()));
    }

    assertThatThrownBy(() -> new Stage2Trainer(fast().build()).trainHead(ID, same, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hold out");
  }

  @Test
  void trainHead_mixedDimensions_throws() {
    List<Stage2Example> examples = new ArrayList<>(new Toy(10).examples(10, 0, 0));
    examples.add(new Stage2Example("odd", List.of(new float[12]), Set.of()));

    assertThatThrownBy(() -> new Stage2Trainer(fast().build()).trainHead(ID, examples, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ in length");
  }

  @Test
  void trainHead_emptyHeldOut_throws() {
    assertThatThrownBy(() -> new Stage2Trainer(fast().build()).trainHead(ID, new Toy(11).examples(5, 0, 0), List.of(), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("held-out");
    assertThatThrownBy(() -> new Stage2Trainer(fast().build()).trainHead(ID, List.of(), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void example_withoutWindowsOrWithRaggedWindows_throws() {
    assertThatThrownBy(() -> new Stage2Example("g", List.of(), Set.of())).hasMessageContaining("no windows");
    assertThatThrownBy(() -> new Stage2Example("g", List.of(new float[3], new float[4]), Set.of()))
        .hasMessageContaining("different");
  }

  @Test
  void settings_outOfRange_throwNamingTheSetting() {
    assertThatThrownBy(() -> Stage2Settings.builder().hidden(0).build()).hasMessageContaining("hidden");
    assertThatThrownBy(() -> Stage2Settings.builder().epochs(0).build()).hasMessageContaining("epochs");
    assertThatThrownBy(() -> Stage2Settings.builder().patience(0).build()).hasMessageContaining("patience");
    assertThatThrownBy(() -> Stage2Settings.builder().batchSize(0).build()).hasMessageContaining("batchSize");
    assertThatThrownBy(() -> Stage2Settings.builder().learningRate(0).build()).hasMessageContaining("learningRate");
    assertThatThrownBy(() -> Stage2Settings.builder().learningRate(Double.NaN).build()).hasMessageContaining("learningRate");
    assertThatThrownBy(() -> Stage2Settings.builder().weightDecay(-1e-3).build()).hasMessageContaining("weightDecay");
    assertThatThrownBy(() -> Stage2Settings.builder().calibrationFraction(0.9).build()).hasMessageContaining("calibrationFraction");
    assertThatThrownBy(() -> Stage2Settings.builder().maxPositiveWeight(0.5).build()).hasMessageContaining("maxPositiveWeight");
    assertThat(Stage2Settings.defaults().hidden()).isEqualTo(64);
    assertThat(Stage2Settings.defaults().toMap()).containsEntry("architecture", "auto");
  }
}
