package dev.bulwark.response;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.data.GeneratorSpec;
import dev.bulwark.classify.data.TrainingCorpus;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ProgressListener;
import dev.bulwark.classify.model.Stage1Model;
import dev.bulwark.classify.model.Stage2Settings;
import dev.bulwark.classify.model.Stage2Trainer;
import dev.bulwark.classify.model.TrainingSettings;
import dev.bulwark.classify.model.TrainingText;
import dev.bulwark.classify.train.ClassifierTrainer;
import dev.bulwark.response.patch.BaseClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What the tests share, built once per JVM: a small classifier trained in about a second on a tenth
 * of the constitution's generator output (no data files needed), the training pool from the same
 * corpus, and the MiniLM encoder.
 */
final class Fixtures {
  private static TrainingCorpus.Corpus corpus;
  private static BaseClassifier toy;
  private static BaseClassifier toyWithStage2;
  private static TrainingPool pool;
  private static Encoder encoder;
  private static Embedder embedder;

  private Fixtures() {}

  static synchronized TrainingCorpus.Corpus corpus() {
    if (corpus == null) {
      try {
        corpus = TrainingCorpus.builder().withoutData().spec(GeneratorSpec.defaults().scaled(0.1)).build().assemble();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return corpus;
  }

  /** A stage-1-only bundle trained on the small corpus. */
  static synchronized BaseClassifier toy() {
    if (toy == null) {
      ClassifierTrainer.Settings s = new ClassifierTrainer.Settings(
          TrainingSettings.builder().epochs(3).build(), null, 100, 0.01, 0.98, 1, null, "toy-1", null, null);
      ClassifierTrainer.Result r = new ClassifierTrainer(s, Canonicalizer.defaults(), Fixtures::encoder)
          .train(corpus(), (stage, done, total) -> {});
      toy = BaseClassifier.of(r.archive(), Fixtures::encoder);
    }
    return toy;
  }

  /**
   * The toy's stage 1 with a small prompt stage-2 head (an MLP trained on a sample of the pool, a few
   * seconds), a wide band and the mean: stage 2 weighs on most prompts stage 1 is unsure of.
   */
  static synchronized BaseClassifier toyWithStage2() {
    if (toyWithStage2 == null) {
      BaseClassifier t = toy();
      List<TrainingText> train = every(pool().train(), 400);
      List<TrainingText> cal = every(pool().calibration(), 150);
      Stage2Trainer.Result s2 = new Stage2Trainer(Stage2Settings.builder().architecture(Stage2Settings.Architecture.MLP)
          .hidden(32).epochs(30).patience(5).seed(7).build())
          .train(encoder(), train, cal, null, 2, ProgressListener.NONE);
      ClassifierBundle b = t.bundle();
      byte[] bytes = ClassifierBundle.builder("toy-s2-1")
          .promptStage1(Stage1Model.readFrom(t.archive(), "prompt/s1/"))
          .completionStage1(Stage1Model.readFrom(t.archive(), "completion/s1/"))
          .promptStage2(s2.model())
          .band(new Band(0.1, 0.9))
          .combine(b.combine())
          .promptThresholds(b.promptThresholds())
          .completionThresholds(b.completionThresholds())
          .toArchive(dev.bulwark.response.internal.Json.object().put("fixture", "toy with a prompt stage 2"))
          .toBytes();
      toyWithStage2 = BaseClassifier.of(bytes, Fixtures::encoder);
      ModelArchive.read(bytes, toyWithStage2.bundle().digest());
    }
    return toyWithStage2;
  }

  /** Every k-th item, about {@code n} in all: a deterministic spread. */
  private static <T> List<T> every(List<T> list, int n) {
    int step = Math.max(1, list.size() / n);
    java.util.ArrayList<T> out = new java.util.ArrayList<>();
    for (int i = 0; i < list.size() && out.size() < n; i += step) {
      out.add(list.get(i));
    }
    return out;
  }

  static synchronized TrainingPool pool() {
    if (pool == null) {
      pool = TrainingPool.from(corpus(), Canonicalizer.defaults());
    }
    return pool;
  }

  static synchronized Encoder encoder() {
    if (encoder == null) {
      encoder = Encoder.minilm();
    }
    return encoder;
  }

  static synchronized Embedder embedder() {
    if (embedder == null) {
      embedder = Embedder.memoizing(Embedder.minilm(encoder(), Canonicalizer.defaults(), 6), 50_000);
    }
    return embedder;
  }
}
