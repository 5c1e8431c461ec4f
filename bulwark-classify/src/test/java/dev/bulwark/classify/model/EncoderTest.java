package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real encoder (loaded once for the class, about a second) and its windows. */
class EncoderTest {
  private static Encoder encoder;

  @BeforeAll
  static void load() {
    encoder = Encoder.minilm();
  }

  private static String sentences(int n) {
    String[] topics = {
      "The river bends twice before it reaches the old mill.",
      "Our neighbours planted tulips along the garden fence last spring.",
      "A quiet library is the best place to finish a long novel!",
      "Why do cats sleep for most of the afternoon?",
      "The committee postponed the meeting until next Thursday morning.",
    };
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(topics[i % topics.length]).append(i % 7 == 6 ? "\n" : " ");
    }
    return b.toString();
  }

  private static void assertWellFormed(Encoder enc, String text, List<Window> windows) {
    assertWellFormed(enc, text, windows, true);
  }

  private static void assertWellFormed(Encoder enc, String text, List<Window> windows, boolean wordsWhole) {
    assertThat(windows).isNotEmpty();
    assertThat(windows.get(0).start()).isZero();
    assertThat(windows.get(windows.size() - 1).end()).isEqualTo(text.length());
    for (int i = 0; i < windows.size(); i++) {
      Window w = windows.get(i);
      assertThat(w.index()).isEqualTo(i);
      assertThat(w.text()).isEqualTo(text.substring(w.start(), w.end()));
      assertThat(w.pieces()).isLessThanOrEqualTo(enc.windowPolicy().maxPieces());
      // Counted again with the model's own tokenizer, from the window's text alone.
      assertThat(enc.pieces(w.text())).isEqualTo(w.pieces());
      if (i > 0) {
        assertThat(w.start()).isGreaterThan(windows.get(i - 1).start());
        assertThat(w.end()).isGreaterThan(windows.get(i - 1).end());
      }
    }
    if (!wordsWhole) {
      return;
    }
    // Every word lies whole inside some window.
    Matcher m = Pattern.compile("\\S+").matcher(text);
    while (m.find()) {
      int s = m.start();
      int e = m.end();
      assertThat(windows.stream().anyMatch(w -> w.start() <= s && e <= w.end()))
          .as("word at [%d, %d) is inside a window", s, e)
          .isTrue();
    }
  }

  @Test
  void id_digestOfModelFiles_isStableAndSharedByPolicies() {
    assertThat(encoder.id()).matches("all-minilm-l6-v2-q@[0-9a-f]{16}");
    assertThat(encoder.withWindowPolicy(new WindowPolicy(40, 30)).id()).isEqualTo(encoder.id());
    assertThat(encoder.version()).isEqualTo("1.19.0-beta29");
    assertThat(encoder.windowPolicy()).isEqualTo(WindowPolicy.DEFAULT);
  }

  @Test
  void pieces_shortText_countsSpecialTokens() {
    assertThat(encoder.pieces("hello world")).isEqualTo(4);
    assertThat(encoder.pieces("")).isEqualTo(2);
  }

  @Test
  void windows_shortText_oneWindowSpanningAll() {
    String text = "  How long should sourdough rise before baking?  ";

    List<Window> windows = encoder.windows(text);

    assertThat(windows).hasSize(1);
    assertThat(windows.get(0).text()).isEqualTo(text);
    assertThat(windows.get(0).pieces()).isEqualTo(encoder.pieces(text));
  }

  @Test
  void windows_emptyOrBlank_none() {
    assertThat(encoder.windows("")).isEmpty();
    assertThat(encoder.windows(" \n\t ")).isEmpty();
  }

  @Test
  void windows_longText_coverAllWithinLimitAndMarkerInLastWindow() {
    String text = sentences(60) + "Finally the word zanzibar appears.";
    assertThat(encoder.pieces(text)).isGreaterThan(3 * WindowPolicy.MODEL_MAX_PIECES);

    List<Window> windows = encoder.windows(text);

    assertWellFormed(encoder, text, windows);
    assertThat(windows.size()).isGreaterThan(3);
    assertThat(windows.get(windows.size() - 1).text()).contains("zanzibar");
    assertThat(windows.subList(0, windows.size() - 1)).noneMatch(w -> w.text().contains("zanzibar"));
  }

  @Test
  void windows_longText_cutAfterSentencesAndOverlap() {
    String text = sentences(40);

    List<Window> windows = encoder.windows(text);

    for (int i = 0; i + 1 < windows.size(); i++) {
      String t = windows.get(i).text().strip();
      assertThat(t).as("window %d ends a sentence", i).matches("(?s).*[.!?]");
      assertThat(windows.get(i + 1).start()).as("window %d overlaps the one before", i + 1).isLessThan(windows.get(i).end());
    }
  }

  @Test
  void windows_smallPolicy_manyWindowsWithinLimit() {
    Encoder small = encoder.withWindowPolicy(new WindowPolicy(32, 20));
    String text = sentences(12);

    List<Window> windows = small.windows(text);

    assertWellFormed(small, text, windows);
    assertThat(windows.size()).isGreaterThan(5);
    assertThat(windows).allMatch(w -> w.pieces() <= 32);
  }

  /** {@code n} chars alternating letters and digits: one word piece per char. */
  private static String piecePerChar(int n, int seed) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i % 2 == 0 ? (char) ('a' + (i * 7 + seed) % 26) : (char) ('0' + (i + seed) % 10));
    }
    return b.toString();
  }

  @Test
  void windows_wordLongerThanTheSearchRange_cutInsideItWithinLimit() {
    // A 30-piece word then a 99-piece one (the tokenizer turns longer words into one [UNK]): no word
    // boundary lies in the range where a window may end, so the cut falls inside the long word.
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      b.append(piecePerChar(30, i)).append(' ').append(piecePerChar(99, i + 10)).append(' ');
    }
    String text = b.toString();
    assertThat(encoder.pieces(piecePerChar(99, 3))).isEqualTo(101);

    List<Window> windows = encoder.windows(text);

    assertWellFormed(encoder, text, windows, false);
    assertThat(windows.subList(0, windows.size() - 1))
        .as("some window ends inside a word")
        .anyMatch(w -> !Character.isWhitespace(text.charAt(w.end())));
    for (int i = 0; i + 1 < windows.size(); i++) {
      int end = windows.get(i).end();
      int next = windows.get(i + 1).start();
      assertThat(next <= end || text.substring(end, next).isBlank()).as("nothing but space between windows %d and %d", i, i + 1).isTrue();
    }
  }

  @Test
  void windows_textWithSurrogatePairs_charRangesMatchWords() {
    // Emoji are two UTF-16 chars but one code point for the tokenizer: ranges must still land on spaces.
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 150; i++) {
      b.append("word").append(i).append(" \uD83D\uDE00 ");
    }
    b.append("zanzibar");
    String text = b.toString();
    Encoder small = encoder.withWindowPolicy(new WindowPolicy(48, 40));

    List<Window> windows = small.windows(text);

    assertWellFormed(small, text, windows);
    for (int i = 0; i < windows.size(); i++) {
      Window w = windows.get(i);
      if (i > 0) {
        assertThat(text.charAt(w.start() - 1)).as("char before window %d", i).isEqualTo(' ');
      }
      if (i + 1 < windows.size()) {
        assertThat(text.charAt(w.end())).as("char after window %d", i).isEqualTo(' ');
      }
    }
    assertThat(windows.get(windows.size() - 1).text()).endsWith("zanzibar");
  }

  @Test
  void windowPolicy_outOfRange_throws() {
    assertThatThrownBy(() -> new WindowPolicy(129, 96)).hasMessageContaining("maxPieces");
    assertThatThrownBy(() -> new WindowPolicy(31, 8)).hasMessageContaining("maxPieces");
    assertThatThrownBy(() -> new WindowPolicy(120, 119)).hasMessageContaining("stride");
    assertThatThrownBy(() -> new WindowPolicy(120, 7)).hasMessageContaining("stride");
    assertThat(WindowPolicy.DEFAULT.overlap()).isEqualTo(22);
  }

  @Test
  void embed_sameText_deterministicAndUnitLength() {
    float[] a = encoder.embed("How do I bake a loaf of rye bread?");
    float[] b = encoder.embed("How do I bake a loaf of rye bread?");

    assertThat(a).hasSize(Encoder.DIMENSIONS).isEqualTo(b);
    double norm = 0;
    for (float f : a) {
      norm += f * f;
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, offset(1e-5));
    assertThat(encoder.embed("How do I true a bicycle wheel?")).isNotEqualTo(a);
  }

  @Test
  void embed_blank_throws() {
    assertThatThrownBy(() -> encoder.embed("  ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to embed");
  }

  @Test
  void embed_moreThanModelReads_throws() {
    assertThatThrownBy(() -> encoder.embed(sentences(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("windows()");
  }

  @Test
  void embedAll_parallel_sameAsOneByOneInOrder() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      texts.add("Sentence number " + i + " is about " + (i % 2 == 0 ? "gardens" : "trains") + ".");
    }

    List<float[]> parallel = encoder.embedAll(texts, 3);

    assertThat(parallel).hasSize(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      assertThat(parallel.get(i)).isEqualTo(encoder.embed(texts.get(i)));
    }
  }

  @Test
  void embedAll_oneBadText_throwsItsError() {
    assertThatThrownBy(() -> encoder.embedAll(List.of("fine", " ", "also fine"), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nothing to embed");
  }

  @Test
  void embedAll_parallelismBelowOne_throws() {
    assertThatThrownBy(() -> encoder.embedAll(List.of("a"), 0)).hasMessageContaining("parallelism");
  }

  @Test
  void embed_sameWindowAgain_answersFromRecentEmbeddingsWithoutTheModel() {
    Encoder fresh = Encoder.minilm(); // its own memory, whatever the other tests embed
    Encoder sibling = fresh.withWindowPolicy(new WindowPolicy(64, 16));
    String window = "The committee postponed the meeting until next Thursday morning.";

    float[] first = fresh.embed(window);
    first[0] += 1; // the caller's array: the remembered vector is a copy
    float[] again = sibling.embed(window);

    assertThat(fresh.reuse()).as("one model run, one reuse, shared with the sibling encoder")
        .isEqualTo(new Encoder.Reuse(1, 1));
    assertThat(again[0]).isEqualTo(first[0] - 1, offset(1e-6f));
    assertThat(sibling.embed("Another window entirely.")).hasSize(Encoder.DIMENSIONS);
    assertThat(sibling.reuse()).isEqualTo(new Encoder.Reuse(1, 2));
  }
}
