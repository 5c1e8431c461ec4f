package dev.bulwark.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code admin} section. */
class AdminConfigTest {
  @TempDir Path dir;

  private BulwarkConfig load(String yaml) throws Exception {
    Path f = dir.resolve("bulwark.yaml");
    Files.writeString(f, yaml);
    return new ConfigLoader(Map.of()).load(f);
  }

  @Test
  void defaults_enabledOnTheLoopbackWithTwoApprovalsAndFourteenDays() throws Exception {
    AdminConfig a = new ConfigLoader(Map.of()).load(null).admin();

    assertThat(a.enabled()).isTrue();
    assertThat(a.listen().host()).isEqualTo("127.0.0.1");
    assertThat(a.listen().port()).isEqualTo(8081);
    assertThat(a.rules().approvals()).isEqualTo(2);
    assertThat(a.rules().maxGrant()).isEqualTo(Duration.ofDays(14));
    assertThat(a.rules().stepDownTiers()).containsExactly("standard");
  }

  @Test
  void fullSection_read() throws Exception {
    AdminConfig a = load("""
        policies:
          standard: {}
          strict: {}
        tiers: {standard: standard, strict: strict}
        admin:
          enabled: false
          listen: "[::1]:9090"
          due_diligence:
            approvals: 3
            role_approvals: {admin: 1, reviewer: 2}
            max_grant: 7d
            application_ttl: 2d
            min_rating: high
            step_down_tiers: [strict]
        """).admin();

    assertThat(a.enabled()).isFalse();
    assertThat(a.listen().host()).isEqualTo("::1");
    assertThat(a.listen().port()).isEqualTo(9090);
    assertThat(a.rules().approvals()).isEqualTo(3);
    assertThat(a.rules().roleApprovals()).isEqualTo(Map.of(Role.ADMIN, 1, Role.REVIEWER, 2));
    assertThat(a.rules().maxGrant()).isEqualTo(Duration.ofDays(7));
    assertThat(a.rules().applicationTtl()).isEqualTo(Duration.ofDays(2));
    assertThat(a.rules().minimumRating()).isEqualTo(Rating.HIGH);
    assertThat(a.rules().stepDownTiers()).isEqualTo(Set.of("strict"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "admin: {listen: 'localhost'}|admin.listen: must be host:port",
      "admin: {listen: '127.0.0.1:70000'}|admin.listen: the port must be in [0, 65535]",
      "admin: {enabled: maybe}|admin.enabled: must be true or false",
      "admin: {port: 8081}|admin.port: unknown field",
      "admin: {due_diligence: {approvals: 1}}|admin.due_diligence.approvals: must be an integer in [2, 20]",
      "admin: {due_diligence: {role_approvals: {root: 1}}}|admin.due_diligence.role_approvals.root: unknown role",
      "admin: {due_diligence: {role_approvals: {partner_contact: 1}}}|admin.due_diligence.role_approvals.partner_contact:",
      "admin: {due_diligence: {max_grant: 400d}}|admin.due_diligence.max_grant: must be between 1m and 366d",
      "admin: {due_diligence: {min_rating: great}}|admin.due_diligence.min_rating: must be one of insufficient, low, moderate, high",
      "admin: {due_diligence: {step_down_tiers: [gold]}}|admin.due_diligence.step_down_tiers: names tier 'gold', which is not defined",
      "admin: {due_diligence: {aprovals: 2}}|admin.due_diligence.aprovals: unknown field",
  })
  void badSetting_refusedNamingTheField(String yaml, String message) {
    assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
  }
}
