package dev.bulwark.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TokenizerTest {
  @Test
  void words_sentence_keepsTrailingWhitespaceOnEachToken() {
    assertThat(Tokenizer.words("Hello, big  world\n"))
        .containsExactly("Hello, ", "big  ", "world\n");
  }

  @Test
  void words_leadingWhitespace_joinsFirstToken() {
    assertThat(Tokenizer.words("  hi there")).containsExactly("  hi ", "there");
  }

  @Test
  void words_empty_hasNoTokens() {
    assertThat(Tokenizer.words("")).isEmpty();
  }

  @Test
  void words_onlyWhitespace_isOneToken() {
    assertThat(Tokenizer.words(" \n ")).containsExactly(" \n ");
  }

  @Test
  void countWords_mixedWhitespace_countsRunsOfNonWhitespace() {
    assertThat(Tokenizer.countWords("  one two\tthree\n\nfour ")).isEqualTo(4);
    assertThat(Tokenizer.countWords("   ")).isZero();
  }

  @Test
  void pieces_surrogatePairAtBoundary_isNotSplit() {
    String text = "abcdefg\uD83D\uDE00xyz"; // the emoji's high surrogate is the 8th char
    assertThat(Tokenizer.pieces(text, 8)).containsExactly("abcdefg", "\uD83D\uDE00xyz");
  }

  @Test
  void argumentPieces_jsonObject_streamsAsSeveralPieces() {
    assertThat(Tokenizer.argumentPieces("{\"city\":\"Paris\",\"unit\":\"c\"}"))
        .hasSizeGreaterThan(2);
  }

  @Property
  void words_anyText_joinsBackExactly(@ForAll String text) {
    assertThat(String.join("", Tokenizer.words(text))).isEqualTo(text);
  }

  @Property
  void pieces_anyText_joinsBackExactly(@ForAll String text) {
    assertThat(String.join("", Tokenizer.argumentPieces(text))).isEqualTo(text);
  }
}
