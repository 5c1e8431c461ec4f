package dev.bulwark.store.diligence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiligenceRecordsTest {
  static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");

  private static Application app(ApplicationStatus status, Instant decidedAt, Duration duration) {
    return new Application("app_1", "acme", "per_1", "use", "benefit", "vetted", Scope.EVERYTHING,
        duration, status, T0, decidedAt, null);
  }

  @Test
  void scope_wildcardOrNames_coversAccordingly() {
    Scope some = Scope.of(List.of("model-a"), List.of("cyber"));

    assertThat(some.coversModel("model-a")).isTrue();
    assertThat(some.coversModel("model-b")).isFalse();
    assertThat(some.coversModel(null)).as("unknown model: no adjustment").isFalse();
    assertThat(Scope.EVERYTHING.coversModel(null)).isTrue();
    assertThat(some.coversCategory("cyber")).isTrue();
    assertThat(some.coversCategory("bio")).isFalse();
    assertThat(Scope.EVERYTHING.coversCategory("bio")).isTrue();
  }

  @Test
  void scope_emptyOrWildcardMixedOrComma_refusedNamingTheField() {
    assertThatThrownBy(() -> Scope.of(List.of(), List.of("*")))
        .hasMessageStartingWith("scope.models: name at least one");
    assertThatThrownBy(() -> Scope.of(List.of("*", "model-a"), List.of("*")))
        .hasMessageStartingWith("scope.models: '*' already means all");
    assertThatThrownBy(() -> Scope.of(List.of("a,b"), List.of("*")))
        .hasMessageStartingWith("scope.models: must match");
    assertThatThrownBy(() -> Scope.of(List.of("*"), List.of("Bio")))
        .hasMessageStartingWith("scope.categories: must match");
  }

  @Test
  void person_noRolesOrBlankName_refused() {
    assertThatThrownBy(() -> new Person("per_1", "acme", "Ann", Set.of(), T0))
        .hasMessageStartingWith("person.roles:");
    assertThatThrownBy(() -> new Person("per_1", "acme", "  ", Set.of(Role.ADMIN), T0))
        .hasMessageStartingWith("person.name:");
    assertThatThrownBy(() -> new Person("Per 1", "acme", "Ann", Set.of(Role.ADMIN), T0))
        .hasMessageStartingWith("person.id:");
  }

  @Test
  void application_decidedAtMustMatchStatus() {
    assertThatThrownBy(() -> app(ApplicationStatus.PENDING, T0, Duration.ofDays(1)))
        .hasMessageStartingWith("application.decidedAt:");
    assertThatThrownBy(() -> app(ApplicationStatus.DENIED, null, Duration.ofDays(1)))
        .hasMessageStartingWith("application.decidedAt:");
    assertThat(app(ApplicationStatus.DENIED, T0, Duration.ofDays(1)).status()).isEqualTo(ApplicationStatus.DENIED);
  }

  @Test
  void application_nonPositiveOrFractionalDuration_refused() {
    assertThatThrownBy(() -> app(ApplicationStatus.PENDING, null, Duration.ZERO))
        .hasMessageStartingWith("application.duration:");
    assertThatThrownBy(() -> app(ApplicationStatus.PENDING, null, Duration.ofMillis(1500)))
        .hasMessageStartingWith("application.duration:");
  }

  @Test
  void review_blankJustification_refused() {
    Assessment a = new Assessment(Rating.HIGH, "seen");
    assertThatThrownBy(() -> new Review("rev_1", "app_1", "per_1", Role.REVIEWER, a, a, ReviewDecision.APPROVE,
        " \n", T0)).hasMessageStartingWith("review.justification: is required");
    assertThatThrownBy(() -> new Assessment(Rating.LOW, "")).hasMessageStartingWith("assessment.evidence:");
  }

  @Test
  void grant_activeAt_isTheHalfOpenWindowBeforeRevocation() {
    Grant g = new Grant("grt_1", "acme", "app_1", "vetted", Scope.EVERYTHING, T0, T0.plusSeconds(60),
        null, null, null);

    assertThat(g.activeAt(T0.minusNanos(1000))).isFalse();
    assertThat(g.activeAt(T0)).isTrue();
    assertThat(g.activeAt(T0.plusSeconds(60).minusNanos(1000))).isTrue();
    assertThat(g.activeAt(T0.plusSeconds(60))).isFalse();
    Grant revoked = g.revoked(T0.plusSeconds(10), "person:a", "misuse");
    assertThat(revoked.activeAt(T0.plusSeconds(9))).isTrue();
    assertThat(revoked.activeAt(T0.plusSeconds(10))).isFalse();
  }

  @Test
  void grant_partialRevocationOrEmptyWindow_refused() {
    assertThatThrownBy(() -> new Grant("grt_1", "acme", "app_1", "vetted", Scope.EVERYTHING, T0, T0,
        null, null, null)).hasMessageStartingWith("grant.expiresAt:");
    assertThatThrownBy(() -> new Grant("grt_1", "acme", "app_1", "vetted", Scope.EVERYTHING, T0, T0.plusSeconds(1),
        T0, null, "why")).hasMessageStartingWith("grant.revoked:");
  }

  @Test
  void override_activeUntilCleared() {
    TierOverride o = new TierOverride("ovr_1", "acme", "restricted", "bursts", "monitor", T0, null, null, null);

    assertThat(o.activeAt(T0)).isTrue();
    assertThat(o.cleared(T0.plusSeconds(5), "person:an", "ok").activeAt(T0.plusSeconds(5))).isFalse();
    assertThatThrownBy(() -> new TierOverride("ovr_1", "acme", "restricted", " ", "monitor", T0, null, null, null))
        .hasMessageStartingWith("override.reason:");
  }

  @Test
  void adminToken_toString_masksTheHash() {
    AdminToken t = new AdminToken("abcdefghijklmnop", "per_1", "deadbeef", T0, null, null, null);

    assertThat(t.toString()).contains("<masked>").doesNotContain("deadbeef");
    assertThat(t.usableAt(T0)).isTrue();
    assertThat(t.revoked(T0).usableAt(T0)).isFalse();
  }

  @Test
  void enums_parseWireNamesAndRefuseOthersNamingTheChoices() {
    assertThat(Role.parse("partner-contact")).contains(Role.PARTNER_CONTACT);
    assertThat(Role.PARTNER_CONTACT.wireName()).isEqualTo("partner_contact");
    assertThat(Rating.HIGH.atLeast(Rating.MODERATE)).isTrue();
    assertThat(Rating.LOW.atLeast(Rating.MODERATE)).isFalse();
    assertThatThrownBy(() -> ReviewDecision.require("decision", "maybe"))
        .hasMessage("decision: must be one of approve, deny, was 'maybe'");
  }
}
