package dev.bulwark.access.diligence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.store.diligence.Assessment;
import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.Review;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiligenceRulesTest {
  private static Review review(String reviewer, Role as, ReviewDecision d) {
    Assessment a = new Assessment(Rating.HIGH, "seen");
    return new Review("rev_" + reviewer, "app_1", reviewer, as, a, a, d, "why", Instant.EPOCH);
  }

  @Test
  void defaults_twoApprovalsFourteenDays() {
    assertThat(DiligenceRules.DEFAULTS.approvals()).isEqualTo(2);
    assertThat(DiligenceRules.DEFAULTS.maxGrant()).isEqualTo(Duration.ofDays(14));
    assertThat(DiligenceRules.DEFAULTS.applicationTtl()).isEqualTo(Duration.ofDays(30));
    assertThat(DiligenceRules.DEFAULTS.minimumRating()).isEqualTo(Rating.MODERATE);
    assertThat(DiligenceRules.DEFAULTS.roleApprovals()).isEmpty();
  }

  @Test
  void builder_badSettings_refusedNamingTheField() {
    assertThatThrownBy(() -> DiligenceRules.builder().approvals(1))
        .hasMessageStartingWith("admin.due_diligence.approvals: must be in [2, 20]");
    assertThatThrownBy(() -> DiligenceRules.builder().roleApprovals(Role.PARTNER_CONTACT, 1))
        .hasMessageStartingWith("admin.due_diligence.role_approvals.partner_contact:");
    assertThatThrownBy(() -> DiligenceRules.builder().roleApprovals(Role.ADMIN, 0))
        .hasMessageStartingWith("admin.due_diligence.role_approvals.admin: must be in [1, 20]");
    assertThatThrownBy(() -> DiligenceRules.builder().roleApprovals(Role.ADMIN, 1).roleApprovals(Role.ADMIN, 2))
        .hasMessageStartingWith("admin.due_diligence.role_approvals.admin: set twice");
    assertThatThrownBy(() -> DiligenceRules.builder().maxGrant(Duration.ofDays(400)))
        .hasMessageStartingWith("admin.due_diligence.max_grant:");
    assertThatThrownBy(() -> DiligenceRules.builder().applicationTtl(Duration.ofSeconds(5)))
        .hasMessageStartingWith("admin.due_diligence.application_ttl:");
  }

  @Test
  void tally_countsByRoleAndAnyDenialBlocks() {
    DiligenceRules rules = DiligenceRules.builder().roleApprovals(Role.ANALYST, 1).build();

    DiligenceRules.Tally two = rules.tally(List.of(
        review("a", Role.REVIEWER, ReviewDecision.APPROVE), review("b", Role.REVIEWER, ReviewDecision.APPROVE)));
    DiligenceRules.Tally withAnalyst = rules.tally(List.of(
        review("a", Role.REVIEWER, ReviewDecision.APPROVE), review("b", Role.ANALYST, ReviewDecision.APPROVE)));
    DiligenceRules.Tally denied = rules.tally(List.of(
        review("a", Role.REVIEWER, ReviewDecision.APPROVE), review("b", Role.ANALYST, ReviewDecision.APPROVE),
        review("c", Role.REVIEWER, ReviewDecision.DENY)));

    assertThat(two.approved()).isFalse();
    assertThat(withAnalyst.approved()).isTrue();
    assertThat(withAnalyst.missing()).isNull();
    assertThat(denied.approved()).isFalse();
    assertThat(denied.denials()).isEqualTo(1);
  }
}
