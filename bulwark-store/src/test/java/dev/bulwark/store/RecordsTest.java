package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void eventRecord_nanosecondInstant_isCutToMicroseconds() {
    EventRecord e = new EventRecord("a", null, null, null,
        Instant.parse("2026-01-01T00:00:00.123456789Z"), "{}", false);

    assertThat(e.occurredAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
  }

  @Test
  void eventRecord_badFields_throwNamingTheField() {
    assertThatThrownBy(() -> new EventRecord("Request Started", null, null, null, T0, "{}", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("event.type: must match");
    assertThatThrownBy(() -> new EventRecord("a", "", null, null, T0, "{}", false))
        .hasMessageStartingWith("event.requestId:");
    assertThatThrownBy(() -> new EventRecord("a", null, "k".repeat(257), null, T0, "{}", false))
        .hasMessageStartingWith("event.keyId:");
    assertThatThrownBy(() -> new EventRecord("a", null, null, null, T0, "{\"a\":\"\0\"}", false))
        .hasMessageStartingWith("event.body: must not contain NUL");
    assertThatThrownBy(() -> new EventRecord("a", null, null, null, Instant.MAX, "{}", false))
        .hasMessageStartingWith("event.occurredAt:");
    assertThatThrownBy(() -> new EventRecord("a", null, null, null, T0, null, false))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("body");
  }

  @Test
  void apiKeyRecord_toString_masksTheSecretHash() {
    ApiKeyRecord key =
        new ApiKeyRecord("k1", "acme", "standard", "argon2id$abc$def", T0, null, null, "x");

    assertThat(key.toString()).doesNotContain("argon2id").contains("secretHash=<masked>");
  }

  @Test
  void apiKeyRecord_badFields_throwNamingTheFieldWithoutEchoingTheHash() {
    assertThatThrownBy(() ->
        new ApiKeyRecord("k 1", "acme", "standard", "h", T0, null, null, null))
        .hasMessageStartingWith("apiKey.id:");
    assertThatThrownBy(() ->
        new ApiKeyRecord("k1", "Acme", "standard", "h", T0, null, null, null))
        .hasMessageStartingWith("apiKey.orgId:");
    assertThatThrownBy(() ->
        new ApiKeyRecord("k1", "acme", "standard", "has space", T0, null, null, null))
        .hasMessageStartingWith("apiKey.secretHash:")
        .message().doesNotContain("has space");
    assertThatThrownBy(() ->
        new ApiKeyRecord("k1", "acme", "standard", "h", T0, T0, null, null))
        .hasMessageStartingWith("apiKey.expiresAt: must be after createdAt");
  }

  @Test
  void chainReport_inconsistentFields_areRefused() {
    assertThatThrownBy(() -> new ChainReport(true, 1, 1L, ChainReport.Problem.EDITED, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChainReport(false, 1, null, null, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
