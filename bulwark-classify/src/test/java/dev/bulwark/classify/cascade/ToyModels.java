package dev.bulwark.classify.cascade;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.model.ProgressListener;
import dev.bulwark.classify.model.Stage1Model;
import dev.bulwark.classify.model.Stage1Trainer;
import dev.bulwark.classify.model.TrainingSettings;
import dev.bulwark.classify.model.TrainingText;
import dev.bulwark.core.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small stage-1 models trained in milliseconds on a toy vocabulary: texts about zebras are "harmful
 * other", texts with a wrapper word are "jailbreak", everything else benign. Benign words only; the
 * cascade's logic does not care what the categories mean.
 */
final class ToyModels {
  static final String[] BENIGN = {"bread", "flour", "oven", "garden", "river", "bicycle", "chair", "window", "music", "paper"};
  static final String[] FILLER = {"the", "a", "with", "and", "of", "to", "in", "on"};

  private static Stage1Model prompt;
  private static Stage1Model completion;

  private ToyModels() {}

  static synchronized Stage1Model prompt() {
    if (prompt == null) {
      prompt = train(1);
    }
    return prompt;
  }

  static synchronized Stage1Model completion() {
    if (completion == null) {
      completion = train(2);
    }
    return completion;
  }

  static Cascade cascade() {
    return new Cascade(Canonicalizer.defaults(), prompt(), completion(), null, null, Band.NONE, Combine.MEAN, Ticker.system());
  }

  static String sentence(SplittableRandom r, boolean zebra, boolean wrapper) {
    StringBuilder b = new StringBuilder();
    int n = 6 + r.nextInt(10);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(r.nextInt(3) == 0 ? FILLER[r.nextInt(FILLER.length)] : BENIGN[r.nextInt(BENIGN.length)]);
    }
    if (zebra) {
      b.append(" zebra stripes zebra");
    }
    if (wrapper) {
      b.insert(0, "pretend roleplay unlocked mode ");
    }
    return b.append('.').toString();
  }

  private static Stage1Model train(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<TrainingText> train = new ArrayList<>();
    List<TrainingText> cal = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      boolean zebra = r.nextInt(3) == 0;
      boolean wrapper = r.nextInt(4) == 0;
      List<Category> targets = new ArrayList<>();
      if (zebra) {
        targets.add(Category.HARMFUL_OTHER);
      }
      if (wrapper) {
        targets.add(Category.JAILBREAK);
      }
      TrainingText t = new TrainingText(seed == 2 ? "a question about " + BENIGN[r.nextInt(BENIGN.length)] : "",
          sentence(r, zebra, wrapper), targets.isEmpty() ? java.util.EnumSet.noneOf(Category.class) : java.util.EnumSet.copyOf(targets));
      (i % 5 == 0 ? cal : train).add(t);
    }
    return new Stage1Trainer(TrainingSettings.builder().seed(seed).hashBits(14).build())
        .train(train, cal, ProgressListener.NONE).model();
  }
}
