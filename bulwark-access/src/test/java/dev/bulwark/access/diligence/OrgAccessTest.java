package dev.bulwark.access.diligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Scope;
import dev.bulwark.store.diligence.TierOverride;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrgAccessTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Grant grant(String id, String tier, Instant start, Duration length, Scope scope) {
    return new Grant(id, "acme", "app_" + id, tier, scope, start, start.plus(length), null, null, null);
  }

  @Test
  void tier_noGrants_isTheKeysTier() {
    assertThat(OrgAccess.of(List.of(), null)).isSameAs(OrgAccess.NONE);
    assertThat(OrgAccess.NONE.tier("standard", "m", T0)).isEqualTo("standard");
    assertThat(OrgAccess.NONE.resolve("standard", "m", T0))
        .isEqualTo(new OrgAccess.Resolution("standard", OrgAccess.Resolution.Source.KEY, null, null));
  }

  @Test
  void tier_overlappingGrants_newestActiveWins() {
    Grant older = grant("g1", "vetted", T0, Duration.ofDays(10), Scope.EVERYTHING);
    Grant newer = grant("g2", "research", T0.plus(Duration.ofDays(1)), Duration.ofDays(2), Scope.EVERYTHING);
    OrgAccess access = OrgAccess.of(List.of(older, newer), null);

    assertThat(access.tier("standard", "m", T0)).isEqualTo("vetted");
    assertThat(access.tier("standard", "m", T0.plus(Duration.ofDays(2)))).isEqualTo("research");
    assertThat(access.tier("standard", "m", T0.plus(Duration.ofDays(3)))).isEqualTo("vetted");
    assertThat(access.tier("standard", "m", T0.plus(Duration.ofDays(10)))).isEqualTo("standard");
  }

  @Test
  void tier_revokedGrant_ignored() {
    Grant g = grant("g1", "vetted", T0, Duration.ofDays(1), Scope.EVERYTHING).revoked(T0, "x", "y");

    assertThat(OrgAccess.of(List.of(g), null)).isSameAs(OrgAccess.NONE);
  }

  @Test
  void tier_stepDown_winsOverGrantsAndEndsWhenCleared() {
    Grant g = grant("g1", "vetted", T0, Duration.ofDays(1), Scope.EVERYTHING);
    TierOverride stepDown = new TierOverride("ovr_1", "acme", "restricted", "bursts", "monitor",
        T0.plusSeconds(10), null, null, null);

    OrgAccess access = OrgAccess.of(List.of(g), stepDown);

    assertThat(access.tier("standard", null, T0)).isEqualTo("vetted");
    assertThat(access.resolve("standard", null, T0.plusSeconds(10)))
        .isEqualTo(new OrgAccess.Resolution("restricted", OrgAccess.Resolution.Source.STEP_DOWN, "ovr_1", null));
    OrgAccess cleared = OrgAccess.of(List.of(g), stepDown.cleared(T0.plusSeconds(20), "a", "ok"));
    assertThat(cleared.tier("standard", null, T0.plusSeconds(20))).isEqualTo("vetted");
  }

  @Test
  void resolve_grant_saysUntilWhen() {
    Grant g = grant("g1", "vetted", T0, Duration.ofHours(1), Scope.of(List.of("m"), List.of("*")));

    assertThat(OrgAccess.of(List.of(g), null).resolve("standard", "m", T0))
        .isEqualTo(new OrgAccess.Resolution("vetted", OrgAccess.Resolution.Source.GRANT, "g1", g.expiresAt()));
    assertThat(OrgAccess.of(List.of(g), null).resolve("standard", "other", T0).source())
        .isEqualTo(OrgAccess.Resolution.Source.KEY);
  }
}
