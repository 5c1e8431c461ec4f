package dev.bulwark.classify.canon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnglishScoreTest {
  @Test
  void of_english_scoresHigherThanItsShiftsAndReversal() {
    String english = "Tell me how to bake bread at home with the flour I have";
    EnglishScore plain = EnglishScore.of(english);

    assertThat(plain.wordShare()).isGreaterThan(0.5);
    assertThat(plain.letterFit()).isGreaterThan(0.8);
    for (int k = 1; k <= 26; k++) {
      EnglishScore shifted = EnglishScore.of(ShiftDecoder.apply(english, k));
      assertThat(shifted.score()).as("key %d", k).isLessThan(plain.score());
      assertThat(plain.clearlyMoreEnglishThan(shifted)).as("key %d", k).isTrue();
      assertThat(shifted.clearlyMoreEnglishThan(plain)).isFalse();
    }
    assertThat(EnglishScore.of(new StringBuilder(english).reverse()).clearlyMoreEnglishThan(plain)).isFalse();
  }

  @Test
  void of_countsWordsOfTwoOrMoreLettersCaseInsensitively() {
    EnglishScore s = EnglishScore.of("I THINK it's a Zyxw, OK?");

    assertThat(s.tokens()).isEqualTo(4); // think, it, zyxw, ok
    assertThat(s.commonWords()).isEqualTo(2); // think, it
    assertThat(s.letters()).isEqualTo(16);
  }

  @Test
  void of_textWithoutLetters_scoresZero() {
    EnglishScore s = EnglishScore.of("12345 !!! \u0416\u0416");

    assertThat(s.tokens()).isZero();
    assertThat(s.wordShare()).isZero();
    assertThat(s.letterFit()).isZero();
    assertThat(s.score()).isZero();
  }

  @Test
  void clearlyMoreEnglishThan_oneMoreWord_isNotEnough() {
    assertThat(EnglishScore.of("the xq").clearlyMoreEnglishThan(EnglishScore.of("xq xq"))).isFalse();
    assertThat(EnglishScore.of("the time xq").clearlyMoreEnglishThan(EnglishScore.of("xq xq xq"))).isTrue();
  }

  @Test
  void isCommonWord_knowsTheListInLowerCase() {
    assertThat(EnglishScore.isCommonWord("because")).isTrue();
    assertThat(EnglishScore.isCommonWord("Because")).isFalse();
    assertThat(EnglishScore.isCommonWord("sourdough")).isFalse();
  }

  @Test
  void of_null_throws() {
    assertThatThrownBy(() -> EnglishScore.of(null)).isInstanceOf(NullPointerException.class);
  }
}
