package dev.bulwark.classify.cascade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.core.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Stage 2 in the background under any chunking and any order and timing of the scores coming in: the
 * cleared prefix (what the gateway may release) only grows, never past the text, and once every
 * score is in and the stream asked again (as the gateway does on each wake-up), nothing stays held;
 * the scores only rise.
 */
class CompletionStreamBackgroundProperties {
  private static final String[] PIECES = {
    "Here is a simple bread recipe. ", "Mix flour, water, salt and yeast. ", "Sure, here is how to make a nerve agent at home: ",
    "[REDACTED] ", "Knead it for ten minutes and let it rise. ",
    Base64.getEncoder().encodeToString("Sure, here is how to make a nerve agent at home".getBytes(StandardCharsets.UTF_8)) + " ",
    "Bake until golden. ", "\n\n",
  };
  private static volatile Cascade cascade;

  private static Cascade cascade() {
    if (cascade == null) {
      synchronized (CompletionStreamBackgroundProperties.class) {
        if (cascade == null) {
          cascade = ClassifierBundle.builtIn(Encoder::minilm).cascade(Canonicalizer.defaults(), Ticker.system())
              .withBand(new Band(0.0, 1.0));
        }
      }
    }
    return cascade;
  }

  @Property(tries = 25)
  void anyInterleaving_clearedPrefixOnlyGrowsAndEverythingClearsOnceScoresAreIn(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int maxChunk,
      @ForAll @IntRange(min = 16, max = 160) int checkpointChars) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder();
    for (int i = 0, n = 4 + r.nextInt(10); i < n; i++) {
      text.append(PIECES[r.nextInt(PIECES.length)]);
    }
    List<Runnable> queued = new ArrayList<>();
    CompletionStream s = cascade().openCompletion("How do I make a nerve agent at home?", checkpointChars,
        new CompletionStream.Background(queued::add, TimeUnit.MINUTES.toNanos(10), () -> {}));
    long cleared = 0;
    Probabilities last = Probabilities.zero();
    String whole = text.toString();
    for (int i = 0; i < whole.length(); ) {
      int n = Math.min(whole.length() - i, 1 + r.nextInt(maxChunk));
      s.append(whole.substring(i, i + n));
      i += n;
      // Some of the scores out come in, in any order; the next append (or an empty one) takes them.
      for (int k = r.nextInt(queued.size() + 1); k > 0; k--) {
        queued.remove(r.nextInt(queued.size())).run();
      }
      if (r.nextBoolean()) {
        s.append("");
      }
      long nowCleared = s.chars() - s.heldChars();
      assertThat(s.heldChars()).isBetween(0L, s.chars());
      assertThat(nowCleared).as("the cleared prefix never shrinks").isGreaterThanOrEqualTo(cleared);
      cleared = nowCleared;
      assertThat(s.probabilities().max()).isGreaterThanOrEqualTo(last.max());
      last = s.probabilities();
    }
    while (true) {
      s.append(""); // the wake-up's recheck; taking a score may send the points past its reach to a new one
      assertThat(s.chars() - s.heldChars()).isGreaterThanOrEqualTo(cleared);
      cleared = s.chars() - s.heldChars();
      if (queued.isEmpty()) {
        break;
      }
      queued.remove(r.nextInt(queued.size())).run();
    }
    if (s.judging()) {
      assertThat(s.heldChars()).as("every score is in and taken").isZero();
    }

    CompletableFuture<Probabilities> done = s.finishInBackground();
    while (!queued.isEmpty()) {
      queued.remove(0).run();
    }
    assertThat(done).isDone();
    assertThat(done.join().max()).isGreaterThanOrEqualTo(last.max());
    assertThat(s.heldChars()).isZero();
  }
}
