package dev.bulwark.response;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.data.GeneratorSpec;
import dev.bulwark.classify.data.TrainingCorpus;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.TrainingSettings;
import dev.bulwark.classify.train.ClassifierTrainer;
import dev.bulwark.response.patch.BaseClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the tests share, built once per JVM: a small classifier trained in about a second on a tenth
 * of the constitution's generator output (no data files needed), the training pool from the same
 * corpus, and the MiniLM encoder.
 */
final class Fixtures {
  private static TrainingCorpus.Corpus corpus;
  private static BaseClassifier toy;
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
