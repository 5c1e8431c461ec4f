package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.model.TrainingSettings.ClassWeighting;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Stage1TrainerTest {
  private static final String[] WORDS = {
    "the", "a", "river", "table", "green", "quickly", "walks", "under", "bright", "window", "paper", "song",
    "city", "morning", "blue", "stone", "garden", "reads", "happy", "over", "cloud", "train", "small", "old"
  };
  private static final TrainingSettings SMALL =
      TrainingSettings.builder().hashBits(14).epochs(4).seed(17).build();

  /**
   * Texts of neutral words; "zebra" makes a text positive for the first category (about a third of the
   * texts), "giraffe" for jailbreak (rare, about one in twenty), both independently.
   */
  static List<TrainingText> toy(int n, long seed) {
    Random r = new Random(seed);
    List<TrainingText> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> words = new ArrayList<>();
      int len = 5 + r.nextInt(8);
      for (int j = 0; j < len; j++) {
        words.add(WORDS[r.nextInt(WORDS.length)]);
      }
      Set<Category> targets = EnumSet.noneOf(Category.class);
      if (r.nextInt(3) == 0) {
        words.add(r.nextInt(words.size() + 1), r.nextBoolean() ? "zebra" : "Zebra");
        targets.add(Category.CBRN_BIOLOGICAL);
      }
      if (r.nextInt(20) == 0) {
        words.add(r.nextInt(words.size() + 1), "giraffe");
        targets.add(Category.JAILBREAK);
      }
      out.add(new TrainingText("", String.join(" ", words), targets));
    }
    return out;
  }

  @Test
  void train_twice_identicalArchiveBytes() {
    List<TrainingText> train = toy(600, 1);
    List<TrainingText> cal = toy(200, 2);
    byte[] first = archive(new Stage1Trainer(SMALL).train(train, cal, ProgressListener.NONE).model());
    byte[] second = archive(new Stage1Trainer(SMALL).train(train, cal, ProgressListener.NONE).model());
    assertThat(second).isEqualTo(first);

    TrainingSettings otherSeed = TrainingSettings.builder().hashBits(14).epochs(4).seed(18).build();
    byte[] third = archive(new Stage1Trainer(otherSeed).train(train, cal, ProgressListener.NONE).model());
    assertThat(third).as("the seed decides the example order").isNotEqualTo(first);
  }

  private static byte[] archive(Stage1Model m) {
    ModelArchive.Builder b = ModelArchive.builder().kind(Stage1Model.ARCHIVE_KIND).version("test");
    m.writeTo(b, "");
    return b.toBytes();
  }

  @Test
  void train_separableToy_heldOutAccuracyHigh() {
    Stage1Trainer.Result result = new Stage1Trainer(SMALL).train(toy(2000, 3), toy(500, 4), ProgressListener.NONE);
    List<TrainingText> test = toy(600, 5);
    int[] correct = new int[Category.ALL.size()];
    int[] positives = new int[Category.ALL.size()];
    for (TrainingText t : test) {
      Probabilities p = result.model().score(t.context(), t.text());
      for (Category c : Category.ALL) {
        boolean truth = t.targets().contains(c);
        if (truth) {
          positives[c.ordinal()]++;
        }
        if ((p.get(c) >= 0.5) == truth) {
          correct[c.ordinal()]++;
        }
      }
    }
    assertThat(positives[Category.JAILBREAK.ordinal()]).as("rare positives present").isGreaterThan(10);
    assertThat(correct[Category.CBRN_BIOLOGICAL.ordinal()]).isGreaterThanOrEqualTo(test.size() * 98 / 100);
    assertThat(correct[Category.JAILBREAK.ordinal()]).isGreaterThanOrEqualTo(test.size() * 98 / 100);
    assertThat(correct[Category.CBRN_NUCLEAR.ordinal()]).as("never positive").isEqualTo(test.size());

    Stage1Trainer.CategoryReport jailbreak = result.categories().get(Category.JAILBREAK.ordinal());
    assertThat(jailbreak.positiveWeight()).as("rare positives weighted up").isGreaterThan(5);
    assertThat(jailbreak.calibrated()).isTrue();
    Stage1Trainer.CategoryReport nuclear = result.categories().get(Category.CBRN_NUCLEAR.ordinal());
    assertThat(nuclear.calibrated()).as("no positives to calibrate on").isFalse();
    assertThat(nuclear.calibration()).isEqualTo(PlattScaling.IDENTITY);
    assertThat(result.epochLoss()).hasSize(4);
    assertThat(result.epochLoss().get(3)).isLessThan(result.epochLoss().get(0));
  }

  @Test
  void train_withContext_learnsFromContextNamespace() {
    // The label depends only on the context; the text is the same neutral sentence.
    Random r = new Random(9);
    List<TrainingText> train = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      boolean positive = r.nextBoolean();
      String context = (positive ? "tell me about the zebra " : "tell me about the river ") + WORDS[r.nextInt(WORDS.length)];
      train.add(new TrainingText(context, "here is an answer", positive ? Set.of(Category.HARMFUL_OTHER) : Set.of()));
    }
    Stage1Model m = new Stage1Trainer(SMALL).train(train, List.of(), ProgressListener.NONE).model();
    assertThat(m.score("tell me about the zebra please", "here is an answer").get(Category.HARMFUL_OTHER))
        .isGreaterThan(0.8);
    assertThat(m.score("tell me about the river please", "here is an answer").get(Category.HARMFUL_OTHER))
        .isLessThan(0.2);
  }

  @Test
  void train_progress_climbsToTotalPerStage() {
    List<String> stages = new ArrayList<>();
    List<long[]> calls = new ArrayList<>();
    new Stage1Trainer(SMALL)
        .train(toy(300, 6), toy(50, 7), (stage, done, total) -> {
          stages.add(stage);
          calls.add(new long[] {done, total});
        });
    assertThat(stages).containsSubsequence("train", "calibrate").first().isEqualTo("train");
    assertThat(stages.get(stages.size() - 1)).isEqualTo("calibrate");
    long previous = -1;
    String previousStage = "";
    for (int i = 0; i < stages.size(); i++) {
      if (!stages.get(i).equals(previousStage)) {
        previous = -1;
        previousStage = stages.get(i);
      }
      assertThat(calls.get(i)[0]).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(calls.get(i)[1]);
      previous = calls.get(i)[0];
    }
    int lastTrain = stages.lastIndexOf("train");
    assertThat(calls.get(lastTrain)).containsExactly(4L * 300, 4L * 300);
    assertThat(calls.get(calls.size() - 1)).containsExactly(50L, 50L);
  }

  @Test
  void train_noExamples_throws() {
    assertThatThrownBy(() -> new Stage1Trainer(SMALL).train(List.of(), toy(5, 1), ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no training examples");
  }

  @Test
  void settings_defaults_areDocumentedValues() {
    TrainingSettings d = TrainingSettings.defaults();
    assertThat(d.epochs()).isEqualTo(5);
    assertThat(d.learningRate()).isEqualTo(0.1);
    assertThat(d.features()).isEqualTo(FeatureHasher.DEFAULT);
    assertThat(d.classWeighting()).isEqualTo(ClassWeighting.BALANCED);
    assertThat(d.describe()).containsEntry("hashBits", 18).containsEntry("featureScheme", FeatureHasher.SCHEME);
  }

  @Test
  void settings_invalidValues_throw() {
    assertThatThrownBy(() -> TrainingSettings.builder().epochs(0).build()).hasMessageContaining("epochs");
    assertThatThrownBy(() -> TrainingSettings.builder().learningRate(Double.NaN).build()).hasMessageContaining("learning rate");
    assertThatThrownBy(() -> TrainingSettings.builder().l2(-1).build()).hasMessageContaining("L2");
    assertThatThrownBy(() -> TrainingSettings.builder().maxPositiveWeight(0.5).build()).hasMessageContaining("positive weight");
    assertThatThrownBy(() -> TrainingSettings.builder().hashBits(30).build()).hasMessageContaining("30");
  }

  @Test
  void settings_setTwiceOrConflicting_throw() {
    assertThatThrownBy(() -> TrainingSettings.builder().epochs(2).epochs(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("epochs was already set to 2");
    assertThatThrownBy(() -> TrainingSettings.builder().hashBits(12).features(FeatureHasher.DEFAULT).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void classWeighting_ratios_cappedAndNeverBelowOne() {
    assertThat(ClassWeighting.BALANCED.positiveWeight(10, 990, 50)).isEqualTo(50);
    assertThat(ClassWeighting.BALANCED.positiveWeight(100, 900, 50)).isEqualTo(9);
    assertThat(ClassWeighting.SQRT_BALANCED.positiveWeight(100, 900, 50)).isEqualTo(3);
    assertThat(ClassWeighting.NONE.positiveWeight(100, 900, 50)).isEqualTo(1);
    assertThat(ClassWeighting.BALANCED.positiveWeight(0, 900, 50)).isEqualTo(1);
    assertThat(ClassWeighting.BALANCED.positiveWeight(600, 400, 50)).isEqualTo(1);
  }

  @Test
  void trainingText_copiesTargets() {
    Set<Category> targets = EnumSet.of(Category.JAILBREAK);
    TrainingText t = new TrainingText("", "x", targets);
    targets.add(Category.CBRN_CHEMICAL);
    assertThat(t.targets()).containsExactly(Category.JAILBREAK);
    assertThat(TrainingText.of("y", Category.CBRN_NUCLEAR).targets()).containsExactly(Category.CBRN_NUCLEAR);
  }
}
