package dev.bulwark.classify.cascade;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import dev.bulwark.classify.canon.CanonicalText;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.canon.View;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.Stage1Model;
import dev.bulwark.classify.model.Stage2Model;
import dev.bulwark.core.Ticker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The two-stage cascade over every view of a text. Immutable and thread-safe.
 *
 * <p>Stage 1 scores each view the canonicalizer produces (raw, normalized, each decoding), in
 * {@link TextWindows}; the view with the highest probability is the one reported. When that
 * probability falls in the {@link Band}, stage 2 scores that view, and {@link Combine} makes the final
 * probabilities. A category that stage 1 rates at least the band's low on another view reads stage 2
 * on that view instead: a wrapped, enciphered request holds its technique in the raw view and its
 * harm in the decoded one, and stage 2 read on the decoded request alone sees no technique (which
 * halved a detector's {@code jailbreak} score there). Costs: stage 1 is linear in the text
 * (microseconds for a prompt); stage 2 is a few milliseconds per encoder window, paid only on
 * escalation, once per distinct view it reads (one for plain text).
 */
public final class Cascade {
  /** Stage 1's window, in characters. */
  static final int WINDOW_CHARS = 512;

  /** How much of the prompt a completion model reads as context: its end, where the request is. */
  static final int CONTEXT_CHARS = 2048;

  private final Canonicalizer canonicalizer;
  private final Stage1Model promptStage1;
  private final Stage1Model completionStage1;
  private final @Nullable Stage2Model promptStage2;
  private final @Nullable Stage2Model completionStage2;
  private final Band band;
  private final Combine combine;
  private final Ticker ticker;
  private final TextWindows windows = new TextWindows(WINDOW_CHARS);

  /**
   * @param promptStage2 null to run stage 1 only on prompts
   * @param completionStage2 null to run stage 1 only on completions
   */
  public Cascade(
      Canonicalizer canonicalizer,
      Stage1Model promptStage1,
      Stage1Model completionStage1,
      @Nullable Stage2Model promptStage2,
      @Nullable Stage2Model completionStage2,
      Band band,
      Combine combine,
      Ticker ticker) {
    this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
    this.promptStage1 = requireNonNull(promptStage1, "promptStage1");
    this.completionStage1 = requireNonNull(completionStage1, "completionStage1");
    this.promptStage2 = promptStage2;
    this.completionStage2 = completionStage2;
    this.band = requireNonNull(band, "band");
    this.combine = requireNonNull(combine, "combine");
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /** The same models with another band (a tier's, or {@link Band#NONE} for stage 1 alone). */
  public Cascade withBand(Band band) {
    return new Cascade(canonicalizer, promptStage1, completionStage1, promptStage2, completionStage2,
        band, combine, ticker);
  }

  public Band band() {
    return band;
  }

  public Combine combine() {
    return combine;
  }

  public Canonicalizer canonicalizer() {
    return canonicalizer;
  }

  /** Classifies a prompt (a single text, or a conversation flattened by {@link Flattening}). */
  public Classification classifyPrompt(String prompt) {
    long start = ticker.read();
    Best best = bestView(promptStage1, "", canonicalizer.canonicalize(prompt));
    return escalate(best, promptStage2, start);
  }

  /**
   * Classifies a finished completion in the context of its prompt: what the completion does, read
   * against what was asked.
   */
  public Classification classifyCompletion(String prompt, String completion) {
    long start = ticker.read();
    Best best = bestView(completionStage1, context(prompt), canonicalizer.canonicalize(completion));
    return escalate(best, completionStage2, start);
  }

  /** Opens an incremental classification of a completion as it streams, stage 2 on the caller's thread. */
  public CompletionStream openCompletion(String prompt, int checkpointChars) {
    return new CompletionStream(this, context(prompt), checkpointChars);
  }

  /**
   * Opens an incremental classification of a completion whose stage 2 runs in the background, so that
   * the stream's thread (the gateway's event loop) never waits for the encoder mid-stream.
   */
  public CompletionStream openCompletion(String prompt, int checkpointChars, CompletionStream.Background background) {
    return new CompletionStream(this, context(prompt), checkpointChars, requireNonNull(background, "background"));
  }

  /** Stage 1 of the completion model on one text, in windows: what a stream's score converges to. */
  public Probabilities completionStage1(String prompt, String normalizedCompletion) {
    return windowed(completionStage1, context(prompt), normalizedCompletion);
  }

  Stage1Model completionModel() {
    return completionStage1;
  }

  @Nullable Stage2Model completionStage2Model() {
    return completionStage2;
  }

  TextWindows windows() {
    return windows;
  }

  /** The sentence encoder its stage 2 runs, if it has a stage 2 (to share with other stages). */
  public Optional<Encoder> encoder() {
    Stage2Model m = promptStage2 != null ? promptStage2 : completionStage2;
    return m == null ? Optional.empty() : Optional.of(m.encoder());
  }

  /** The clock its timings (and a stream's stage-2 deadlines) are read from. */
  public Ticker ticker() {
    return ticker;
  }

  /** Stage 1 over the views of a completion's tail, for a stream's checkpoint. */
  Best bestCompletionView(String context, CanonicalText text) {
    return bestView(completionStage1, context, text);
  }

  /** Stage 2 where the band says so; the final classification. */
  Classification escalate(Best best, @Nullable Stage2Model stage2, long start) {
    if (stage2 == null || !band.escalates(best.probabilities.max())) {
      return new Classification(best.probabilities, best.probabilities, null, "stage1", best.view,
          ticker.read() - start);
    }
    Probabilities s2 = stage2(best, band, stage2::score);
    return new Classification(combine.apply(best.probabilities, s2), best.probabilities, s2, "stage2",
        best.view, ticker.read() - start);
  }

  /**
   * Stage 2's probabilities for an escalated text: each category read on the view where stage 1 rated
   * it highest when that rating reaches the band's low, else on the reported view. Each distinct view
   * is scored once.
   */
  static Probabilities stage2(Best best, Band band, Function<String, Probabilities> score) {
    Map<String, Probabilities> byText = new HashMap<>(4);
    Probabilities top = score.apply(best.text);
    byText.put(best.text, top);
    double[] values = null;
    for (Category c : Category.ALL) {
      String own = best.textByCategory.get(c.ordinal());
      if (own.equals(best.text) || best.probabilities.get(c) < band.low()) {
        continue;
      }
      if (values == null) {
        values = top.toArray();
      }
      values[c.ordinal()] = byText.computeIfAbsent(own, score).get(c);
    }
    return values == null ? top : Probabilities.of(values);
  }

  /** What a completion model reads of its prompt: the end, where the request is. */
  public static String context(String prompt) {
    return prompt.length() <= CONTEXT_CHARS ? prompt : prompt.substring(prompt.length() - CONTEXT_CHARS);
  }

  private Best bestView(Stage1Model model, String context, CanonicalText text) {
    View best = null;
    double bestMax = -1;
    int n = Category.ALL.size();
    double[] all = new double[n];
    String[] textByCategory = new String[n];
    for (View v : text.views()) {
      Probabilities p = windowed(model, context, v.text());
      for (int i = 0; i < n; i++) {
        double q = p.get(Category.ALL.get(i));
        if (textByCategory[i] == null || q > all[i]) {
          all[i] = q;
          textByCategory[i] = v.text();
        }
      }
      if (p.max() > bestMax) {
        best = v;
        bestMax = p.max();
      }
    }
    requireNonNull(best, "a canonical text has at least one view");
    // The reported probabilities are the maximum per category over all views; the view reported is
    // the one holding the highest of them, and stage 2 reads that view (and, per category, the view
    // holding that category's maximum: see stage2).
    return new Best(Probabilities.of(all), best.name(), best.text(), List.of(textByCategory));
  }

  /**
   * Each window scored with the context read anew, into a table sized for it: for the few scores of a
   * text's views this is cheaper than sharing a context read once ({@link Stage1Model.Context} pays
   * where a stream opens window after window on a long prompt).
   */
  Probabilities windowed(Stage1Model model, String context, String text) {
    int n = windows.count(text.length());
    if (n == 1) {
      return model.score(context, text);
    }
    Probabilities max = Probabilities.zero();
    for (int i = 0; i < n; i++) {
      max = max.maxWith(model.score(context, text.substring(windows.start(i), windows.end(i, text.length()))));
    }
    return max;
  }

  /**
   * Stage 1's result over a text's views: the maximum per category, the view holding the highest of
   * them, and per category (in {@link Category#ALL} order) the text of the view holding its maximum.
   */
  record Best(Probabilities probabilities, String view, String text, List<String> textByCategory) {
    Best {
      requireNonNull(probabilities, "probabilities");
      requireNonNull(view, "view");
      requireNonNull(text, "text");
      textByCategory = List.copyOf(textByCategory);
      if (textByCategory.size() != Category.ALL.size()) {
        throw new IllegalArgumentException("one view text per category, got " + textByCategory.size());
      }
    }
  }
}
