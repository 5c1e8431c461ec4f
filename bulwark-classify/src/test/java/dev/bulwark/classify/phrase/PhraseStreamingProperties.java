package dev.bulwark.classify.phrase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Action;
import dev.bulwark.core.pipeline.Channel;
import dev.bulwark.core.pipeline.ContentKind;
import dev.bulwark.core.pipeline.Conversation;
import dev.bulwark.core.pipeline.StreamAssessment;
import dev.bulwark.core.pipeline.StreamSession;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Whatever the chunking, the stage never clears text that a later chunk turns into a match. */
class PhraseStreamingProperties {
  private static final Channel TEXT = new Channel(0, 0, ContentKind.TEXT);
  private static final String PHRASE = "forbidden words";

  private final PhraseStage stage =
      new PhraseStage(
          "phrases",
          List.of(
              PhraseRule.phrase("p", "test", Action.BLOCK, PHRASE, PhraseRule.Scope.BOTH),
              PhraseRule.pattern("r", "test", Action.BLOCK, "zz[0-9]{3}zz", 7, PhraseRule.Scope.BOTH)));

  @Property(tries = 500)
  void cleared_neverIncludesTheStartOfALaterMatch(
      @ForAll("noise") String before,
      @ForAll("noise") String after,
      @ForAll("marker") String marker,
      @ForAll @IntRange(min = 1, max = 9) int maxChunk,
      @ForAll long seed) {
    String text = before + marker + after;
    int matchStart = before.length();
    // The noise never holds a match by itself, but its tail and the marker's head can form one
    // (e.g. "zz012" + "zz123zz"); the property is about the marker's match being the first one.
    Assume.that(!containsMatch(before + marker.substring(0, marker.length() - 1)));
    StreamSession s = stage.open(Conversation.ofUser("m", "x"));
    java.util.Random random = new java.util.Random(seed);
    int fed = 0;
    boolean halted = false;
    for (String chunk : chunks(text, maxChunk, random)) {
      StreamAssessment a = s.append(TEXT, chunk);
      fed += chunk.length();
      if (a.action() == Action.HALT) {
        halted = true;
        assertThat(fed).isGreaterThanOrEqualTo(matchStart + marker.length() - 0);
        break;
      }
      int cleared = fed - a.holdback();
      assertThat(cleared).as("cleared chars before the match completed").isLessThanOrEqualTo(matchStart);
    }
    assertThat(halted).isTrue();
  }

  @Example
  void append_matchFormedByNoiseAndMarker_haltsOnTheEarlierMatch() {
    // The case the assumption above leaves out: the first match starts inside the noise.
    StreamSession s = stage.open(Conversation.ofUser("m", "x"));
    assertThat(s.append(TEXT, "zz012").action()).isEqualTo(Action.ALLOW);
    assertThat(s.append(TEXT, "zz").action()).isEqualTo(Action.HALT);
  }

  @Property(tries = 300)
  void cleanText_endsWithNothingHeldBack(
      @ForAll("noise") String text, @ForAll @IntRange(min = 1, max = 9) int maxChunk, @ForAll long seed) {
    StreamSession s = stage.open(Conversation.ofUser("m", "x"));
    for (String chunk : chunks(text, maxChunk, new java.util.Random(seed))) {
      assertThat(s.append(TEXT, chunk).action()).isEqualTo(Action.ALLOW);
    }
    assertThat(s.endChannel(TEXT).holdback()).isZero();
  }

  @Provide
  Arbitrary<String> noise() {
    // Letters from the phrase and pattern make partial matches common; they never form a full one.
    return Arbitraries.strings().withChars("forbidden wzz0129 \n").ofMaxLength(60)
        .filter(s -> !containsMatch(s));
  }

  private static boolean containsMatch(String s) {
    return PhraseMatcher.normalize(s).contains(PHRASE) || s.matches("(?is).*zz[0-9]{3}zz.*");
  }

  @Provide
  Arbitrary<String> marker() {
    return Arbitraries.of("Forbidden  Words", "forbidden\nwords", "FORBIDDEN WORDS", "zz123zz", "ZZ999ZZ");
  }

  private static List<String> chunks(String text, int maxChunk, java.util.Random random) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int n = 1 + random.nextInt(maxChunk);
      out.add(text.substring(i, Math.min(text.length(), i + n)));
      i += n;
    }
    return out;
  }
}
