package dev.bulwark.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeyTokenTest {
  @Test
  void generate_thenParse_roundTrips() {
    KeyToken t = KeyToken.generate(new SecureRandom());

    assertThat(t.token()).matches("bwk_[a-z2-7]{16}_[A-Za-z0-9_-]{43}");
    assertThat(KeyToken.parse(t.token())).contains(t);
    assertThat(t.matches(t.secretHash())).isTrue();
  }

  @Test
  void parse_otherFormats_empty() {
    assertThat(KeyToken.parse("sk-abc")).isEmpty();
    assertThat(KeyToken.parse("bwk_short_secret")).isEmpty();
    assertThat(KeyToken.parse("bwk_aaaaaaaaaaaaaaaa_" + "A".repeat(42))).isEmpty();
  }

  @Test
  void toString_neverShowsTheSecret() {
    KeyToken t = KeyToken.generate(new SecureRandom());

    assertThat(t.toString()).doesNotContain(t.secret()).contains("masked");
  }

  @Test
  void matches_otherHash_false() {
    KeyToken a = KeyToken.generate(new SecureRandom());
    KeyToken b = KeyToken.generate(new SecureRandom());

    assertThat(a.matches(b.secretHash())).isFalse();
  }
}
