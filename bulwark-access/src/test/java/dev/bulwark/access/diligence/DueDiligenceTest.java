package dev.bulwark.access.diligence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.access.diligence.DiligenceException.Code;
import dev.bulwark.store.StoredEvent;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.ApplicationStatus;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Role;
import dev.bulwark.store.diligence.Scope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A grant's life: approval, expiry, revocation, renewal, step-downs, and what the log holds. */
class DueDiligenceTest {
  @TempDir Path dir;
  Fixture f;

  @BeforeEach
  void open() {
    f = new Fixture(dir);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private static void assertRefused(ThrowingCallable call, Code code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(DiligenceException.class,
        e -> assertThat(e.code()).isEqualTo(code));
  }

  /** Submits and approves an application for {@code duration}, returning its grant. */
  private Grant approved(Duration duration) {
    Application app = f.submit(duration);
    f.dd.review(f.reviewer1, app.id(), Fixture.approve());
    ReviewOutcome outcome = f.dd.review(f.reviewer2, app.id(), Fixture.approve());
    assertThat(outcome.grant()).isNotNull();
    return outcome.grant();
  }

  @Test
  void approval_grantsTheTargetTierFromNowForTheRequestedDuration() {
    Grant g = approved(Duration.ofDays(7));

    assertThat(g.tier()).isEqualTo("vetted");
    assertThat(g.startsAt()).isEqualTo(Fixture.T0);
    assertThat(g.expiresAt()).isEqualTo(Fixture.T0.plus(Duration.ofDays(7)));
    assertThat(f.acmeTier()).isEqualTo("vetted");
    assertThat(f.acmePolicy()).isEqualTo("vetted");
  }

  @Test
  void expiry_revertsToTheKeysTierAtTheInstantWithoutAnyRefresh() {
    Grant g = approved(Duration.ofDays(7));
    long version = f.store.keys().changeVersion();

    f.clock.set(g.expiresAt().minusNanos(1000));
    assertThat(f.acmeTier()).isEqualTo("vetted");
    f.clock.set(g.expiresAt());
    assertThat(f.acmeTier()).isEqualTo("standard");
    f.clock.set(g.expiresAt().plusSeconds(1));
    assertThat(f.acmeTier()).isEqualTo("standard");
    assertThat(f.acmePolicy()).isEqualTo("standard");
    assertThat(f.store.keys().changeVersion()).as("nothing was written at expiry").isEqualTo(version);
  }

  @Test
  void submit_longerThanTheMaximumGrant_refused() {
    assertRefused(() -> f.submit(Duration.ofDays(15)), Code.DURATION_TOO_LONG);
    assertThat(f.dd.applications("acme")).isEmpty();
  }

  @Test
  void approval_underALowerMaximumThanAtSubmission_capsTheGrant() {
    Application app = f.submit(Duration.ofDays(10));
    DueDiligence stricter = f.service(DiligenceRules.builder().maxGrant(Duration.ofDays(3)).build(), true);

    stricter.review(f.reviewer1, app.id(), Fixture.approve());
    Grant g = stricter.review(f.reviewer2, app.id(), Fixture.approve()).grant();

    assertThat(g).isNotNull();
    assertThat(g.expiresAt()).isEqualTo(Fixture.T0.plus(Duration.ofDays(3)));
  }

  @Test
  void revoke_takesEffectAtOnce() {
    Grant g = approved(Duration.ofDays(7));
    f.clock.advance(Duration.ofHours(1));

    Grant revoked = f.dd.revoke(f.analyst, g.id(), "Traffic outside the stated use case");

    assertThat(revoked.revokedAt()).isEqualTo(Fixture.T0.plus(Duration.ofHours(1)));
    assertThat(f.acmeTier()).isEqualTo("standard");
    assertThat(f.dd.grant(g.id()).orElseThrow().revokedBy()).isEqualTo("person:" + f.analyst.id());
  }

  @Test
  void revoke_fromAnotherProcess_takesEffectAtTheNextPoll() {
    Grant g = approved(Duration.ofDays(7));
    DueDiligence elsewhere = f.service(Fixture.RULES, false);

    elsewhere.revoke(f.admin, g.id(), "Agreement ended");
    assertThat(f.acmeTier()).as("before the poll").isEqualTo("vetted");
    f.directory.refresh();

    assertThat(f.acmeTier()).isEqualTo("standard");
  }

  @Test
  void revoke_refusals() {
    Grant g = approved(Duration.ofDays(7));

    assertRefused(() -> f.dd.revoke(f.reviewer1, g.id(), "no"), Code.ROLE_REQUIRED);
    assertRefused(() -> f.dd.revoke(f.admin, g.id(), " "), Code.JUSTIFICATION_REQUIRED);
    assertRefused(() -> f.dd.revoke(f.admin, "grt_nope", "why"), Code.NOT_FOUND);
    f.dd.revoke(f.admin, g.id(), "ended");
    assertRefused(() -> f.dd.revoke(f.admin, g.id(), "again"), Code.GRANT_INACTIVE);
  }

  @Test
  void renewal_needsAFreshApplicationAndFreshReviews() {
    Grant first = approved(Duration.ofDays(7));
    String firstApp = first.applicationId();
    f.clock.set(first.expiresAt().plusSeconds(1));
    assertThat(f.acmeTier()).isEqualTo("standard");

    // The old application's reviewers cannot revive it.
    assertRefused(() -> f.dd.review(f.reviewer3, firstApp, Fixture.approve()), Code.APPLICATION_CLOSED);
    Application renewal = f.submit(Duration.ofDays(7));
    f.dd.review(f.reviewer1, renewal.id(), Fixture.approve());
    assertThat(f.acmeTier()).as("one new approval is not enough").isEqualTo("standard");
    Grant second = f.dd.review(f.reviewer3, renewal.id(), Fixture.approve()).grant();

    assertThat(second).isNotNull();
    assertThat(second.id()).isNotEqualTo(first.id());
    assertThat(f.acmeTier()).isEqualTo("vetted");
  }

  @Test
  void newGrant_supersedesTheActiveOne() {
    Grant first = approved(Duration.ofDays(7));
    f.clock.advance(Duration.ofDays(1));

    Grant second = approved(Duration.ofDays(7));

    Grant old = f.dd.grant(first.id()).orElseThrow();
    assertThat(old.revokedAt()).isEqualTo(second.startsAt());
    assertThat(old.revokeReason()).isEqualTo("superseded by grant " + second.id());
    assertThat(f.acmeTier()).isEqualTo("vetted");
  }

  @Test
  void scopedGrant_appliesOnlyToItsModels() {
    Application app = f.dd.submit(f.contact,
        Fixture.request("acme", Scope.of(List.of("model-a"), List.of("*")), Duration.ofDays(1)));
    f.dd.review(f.reviewer1, app.id(), Fixture.approve());
    f.dd.review(f.reviewer2, app.id(), Fixture.approve());

    assertThat(f.directory.effectiveTier(f.acmeKey, "model-a")).isEqualTo("vetted");
    assertThat(f.directory.effectiveTier(f.acmeKey, "model-b")).isEqualTo("standard");
    assertThat(f.directory.effectiveTier(f.acmeKey, null)).as("model not known yet").isEqualTo("standard");
    assertThat(f.resolver.resolve(f.acmeKey)).contains(Fixture.STANDARD);
  }

  @Test
  void stepDown_overridesTheGrantUntilAnAnalystRestores() {
    approved(Duration.ofDays(7));

    f.dd.stepDown("monitor", "acme", "restricted", "Repeated high-risk completions");
    assertThat(f.acmeTier()).isEqualTo("restricted");
    assertThat(f.directory.resolve("acme", "standard", "model-a").source())
        .isEqualTo(OrgAccess.Resolution.Source.STEP_DOWN);
    assertRefused(() -> f.dd.restore(f.admin, "acme", "looks fine"), Code.ROLE_REQUIRED);
    assertRefused(() -> f.dd.restore(f.analyst, "acme", ""), Code.JUSTIFICATION_REQUIRED);

    f.dd.restore(f.analyst, "acme", "Reviewed: a sanctioned evaluation run");

    assertThat(f.acmeTier()).isEqualTo("vetted");
    assertRefused(() -> f.dd.restore(f.analyst, "acme", "again"), Code.NOT_STEPPED_DOWN);
  }

  @Test
  void stepDown_again_replacesTheOpenOne() {
    f.dd.stepDown("monitor", "acme", "restricted", "first");
    f.dd.stepDown(f.analyst, "acme", "standard", "second");

    assertThat(f.dd.stepDowns("acme")).hasSize(2);
    assertThat(f.store.diligence().openOverrides()).singleElement()
        .satisfies(o -> assertThat(o.reason()).isEqualTo("second"));
    assertRefused(() -> f.dd.stepDown(f.reviewer1, "acme", "restricted", "x"), Code.ROLE_REQUIRED);
    assertRefused(() -> f.dd.stepDown("monitor", "acme", "nope", "x"), Code.INVALID_ARGUMENT);
    assertRefused(() -> f.dd.stepDown(f.analyst, "acme", "vetted", "a step-down cannot adjust"), Code.INVALID_ARGUMENT);
  }

  @Test
  void submit_refusals() {
    assertRefused(() -> f.dd.submit(f.otherContact, Fixture.request(Duration.ofDays(1))), Code.OTHER_ORGANIZATION);
    assertRefused(() -> f.dd.submit(f.reviewer1, Fixture.request(Duration.ofDays(1))), Code.ROLE_REQUIRED);
    assertRefused(() -> f.dd.submit(f.contact, new ApplicationRequest("acme", "use", " ", "vetted",
        Scope.EVERYTHING, Duration.ofDays(1))), Code.JUSTIFICATION_REQUIRED);
    assertRefused(() -> f.dd.submit(f.contact, new ApplicationRequest("acme", "use", "benefit", "gold",
        Scope.EVERYTHING, Duration.ofDays(1))), Code.INVALID_ARGUMENT);
    assertRefused(() -> f.dd.submit(f.admin, Fixture.request("ghost", Scope.EVERYTHING, Duration.ofDays(1))),
        Code.NOT_FOUND);
    assertRefused(() -> f.dd.submit(f.contact, Fixture.request("acme", Scope.of(List.of("*"), List.of("cyber")),
        Duration.ofDays(1))), Code.INVALID_ARGUMENT);
    assertThat(f.dd.applications(null)).isEmpty();
  }

  @Test
  void actorsRolesAreReadFromTheStoreNotFromTheCallersCopy() {
    Person forged = new Person(f.contact.id(), "ops", "Carla", Set.of(Role.ADMIN, Role.REVIEWER), Fixture.T0);
    Application app = f.dd.submit(f.admin, Fixture.request(Duration.ofDays(1)));

    assertRefused(() -> f.dd.review(forged, app.id(), Fixture.approve()), Code.ROLE_REQUIRED);
    Person stranger = new Person("per_unknown", "ops", "Nobody", Set.of(Role.ADMIN), Fixture.T0);
    assertRefused(() -> f.dd.addPerson(stranger, "ops", "X", Set.of(Role.ADMIN)), Code.ROLE_REQUIRED);
  }

  @Test
  void everyStep_isAnEventInTheAuditLog() throws Exception {
    Grant g = approved(Duration.ofDays(7));
    f.dd.revoke(f.admin, g.id(), "ended");
    f.dd.stepDown("monitor", "acme", "restricted", "bursts");
    f.dd.restore(f.analyst, "acme", "ok");

    List<String> types = f.store.events().read(0, 1000).stream().map(StoredEvent::type).toList();

    assertThat(types).containsSubsequence("application.submitted", "review.recorded", "review.recorded",
        "application.approved", "grant.created", "grant.revoked", "tier.stepped_down", "tier.restored");
    StoredEvent created = f.store.events().read(0, 1000).stream()
        .filter(e -> e.type().equals("grant.created")).findFirst().orElseThrow();
    assertThat(created.orgId()).isEqualTo("acme");
    assertThat(created.body()).contains("\"expires_at\":\"" + g.expiresAt() + "\"",
        "\"starts_at\":\"" + g.startsAt() + "\"", "\"tier\":\"vetted\"");
    assertThat(f.store.events().verify().intact()).isTrue();
  }

  @Test
  void forbiddenAttempt_isRecordedAsRefused() throws Exception {
    Application app = f.dd.submit(f.admin, Fixture.request(Duration.ofDays(1)));

    assertRefused(() -> f.dd.review(f.admin, app.id(), Fixture.approve()), Code.SELF_REVIEW);

    StoredEvent refusal = awaitEvent("diligence.refused");
    assertThat(refusal.body()).contains("\"code\":\"self_review\"", "\"actor\":\"person:" + f.admin.id() + "\"");
    assertThat(f.dd.reviews(app.id())).isEmpty();
  }

  @Test
  void issueToken_andRevokeToken() {
    Person newcomer = f.dd.addPerson(f.admin, "ops", "New Reviewer", Set.of(Role.REVIEWER));
    AdminCredentials.Issued issued = f.dd.issueToken(f.admin, newcomer.id(), Duration.ofDays(1), "laptop");
    AdminCredentials credentials = new AdminCredentials(f.store.diligence(), f.clock);

    assertThat(credentials.authenticate(issued.token()))
        .isEqualTo(new AdminCredentials.Granted(newcomer, issued.record().id()));
    assertRefused(() -> f.dd.issueToken(f.reviewer1, newcomer.id(), null, null), Code.ROLE_REQUIRED);
    assertRefused(() -> f.dd.revokeToken(f.reviewer1, issued.record().id(), "not mine"), Code.ROLE_REQUIRED);

    f.dd.revokeToken(newcomer, issued.record().id(), "lost the laptop");

    assertThat(credentials.authenticate(issued.token()))
        .isEqualTo(new AdminCredentials.Denied(AdminCredentials.Reason.REVOKED));
    assertRefused(() -> f.dd.revokeToken(f.admin, issued.record().id(), "again"), Code.TOKEN_INACTIVE);
  }

  @Test
  void createOrganization_adminOnlyAndOnce() {
    f.dd.createOrganization(f.admin, "newlab", "New Lab");

    assertThat(f.dd.organization("newlab")).isPresent();
    assertRefused(() -> f.dd.createOrganization(f.admin, "newlab", "Again"), Code.ALREADY_EXISTS);
    assertRefused(() -> f.dd.createOrganization(f.analyst, "lab2", "Lab"), Code.ROLE_REQUIRED);
    assertRefused(() -> f.dd.createOrganization(f.admin, "Bad Id", "Lab"), Code.INVALID_ARGUMENT);
  }

  @Test
  void tally_saysWhatIsMissing() {
    DiligenceRules rules = DiligenceRules.builder().roleApprovals(Role.ADMIN, 1).build();
    DueDiligence dd = f.service(rules, true);
    Application app = dd.submit(f.contact, Fixture.request(Duration.ofDays(1)));

    dd.review(f.reviewer1, app.id(), Fixture.approve());
    assertThat(dd.tally(app.id()).missing()).isEqualTo("1 more approval from distinct reviewers");
    dd.review(f.reviewer2, app.id(), Fixture.approve());
    assertThat(dd.tally(app.id()).missing()).isEqualTo("1 more approval by a reviewer acting as admin");
    assertThat(dd.application(app.id()).orElseThrow().status()).isEqualTo(ApplicationStatus.PENDING);
  }

  private StoredEvent awaitEvent(String type) throws InterruptedException {
    for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); System.nanoTime() < deadline; ) {
      for (StoredEvent e : f.store.events().read(0, 1000)) {
        if (e.type().equals(type)) {
          return e;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no " + type + " event was written");
  }

  @Test
  void now_isTruncatedToMicros() {
    f.clock.set(Instant.parse("2026-11-26T12:00:00.123456789Z"));

    assertThat(f.dd.now()).isEqualTo(Instant.parse("2026-11-26T12:00:00.123456Z"));
  }
}
