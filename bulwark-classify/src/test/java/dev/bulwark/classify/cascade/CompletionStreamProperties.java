package dev.bulwark.classify.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.Canonicalizer;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The streaming completion classifier converges to exactly the batch score of the whole text. */
class CompletionStreamProperties {
  private final Cascade cascade = ToyModels.cascade();

  @Property(tries = 60)
  void stage1_afterLastChunk_equalsBatchScoreOfWholeText(
      @ForAll("seeds") long seed, @ForAll @IntRange(min = 0, max = 40) int sentences, @ForAll @IntRange(min = 1, max = 300) int maxChunk) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < sentences * 5; i++) {
      text.append(ToyModels.sentence(r, r.nextInt(7) == 0, r.nextInt(9) == 0)).append(r.nextBoolean() ? " " : "\n");
    }
    String prompt = "a question about " + ToyModels.BENIGN[r.nextInt(ToyModels.BENIGN.length)];
    CompletionStream s = cascade.openCompletion(prompt, 256);
    String whole = text.toString();
    for (int i = 0; i < whole.length(); ) {
      int n = Math.min(whole.length() - i, 1 + r.nextInt(maxChunk));
      s.append(whole.substring(i, i + n));
      i += n;
    }
    s.finish();
    String normalized = Canonicalizer.defaults().canonicalize(whole).primary().text();
    Probabilities batch = cascade.completionStage1(prompt, normalized);
    assertThat(s.stage1()).isEqualTo(batch);
    // The decision score is the running maximum: never below the final batch score.
    assertThat(s.probabilities().max()).isGreaterThanOrEqualTo(batch.max());
  }

  @Property(tries = 40)
  void append_wholeTextInOneChunk_judgedLikeTheSameTextInGridSizedChunks(
      @ForAll("seeds") long seed, @ForAll @IntRange(min = 1, max = 30) int sentences) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < sentences * 3; i++) {
      text.append(ToyModels.sentence(r, r.nextInt(5) == 0, r.nextInt(9) == 0)).append(' ');
    }
    String whole = text.toString();
    CompletionStream once = cascade.openCompletion("a question", 256);
    CompletionStream grid = cascade.openCompletion("a question", 256);

    once.append(whole);
    for (int i = 0; i < whole.length(); i += CompletionStream.DECISION_GRID) {
      grid.append(whole.substring(i, Math.min(whole.length(), i + CompletionStream.DECISION_GRID)));
    }

    // A completion that arrives whole is judged at the same points as one streamed in small chunks.
    assertThat(once.probabilities()).isEqualTo(grid.probabilities());
    assertThat(once.finish()).isEqualTo(grid.finish());
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Long> seeds() {
    return net.jqwik.api.Arbitraries.longs();
  }
}
