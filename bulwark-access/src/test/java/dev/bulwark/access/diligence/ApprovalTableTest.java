package dev.bulwark.access.diligence;

import static dev.bulwark.access.diligence.DiligenceException.Code.ALREADY_REVIEWED;
import static dev.bulwark.access.diligence.DiligenceException.Code.APPLICATION_CLOSED;
import static dev.bulwark.access.diligence.DiligenceException.Code.APPLICATION_EXPIRED;
import static dev.bulwark.access.diligence.DiligenceException.Code.JUSTIFICATION_REQUIRED;
import static dev.bulwark.access.diligence.DiligenceException.Code.RATING_TOO_LOW;
import static dev.bulwark.access.diligence.DiligenceException.Code.ROLE_REQUIRED;
import static dev.bulwark.access.diligence.DiligenceException.Code.SAME_ORGANIZATION;
import static dev.bulwark.access.diligence.DiligenceException.Code.SELF_REVIEW;
import static dev.bulwark.store.diligence.ApplicationStatus.APPROVED;
import static dev.bulwark.store.diligence.ApplicationStatus.DENIED;
import static dev.bulwark.store.diligence.ApplicationStatus.PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.access.diligence.DiligenceException.Code;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.ApplicationStatus;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The approval rules as a table: each row submits one application (as the acme partner contact, or
 * as the operator's admin), plays a list of reviews, each with the refusal it must meet or none,
 * then checks the application's status and the tier acme's key runs under.
 */
class ApprovalTableTest {
  @TempDir Path dir;

  /** Who acts in a step. */
  enum Who {
    CONTACT(f -> f.contact),
    ADMIN(f -> f.admin),
    R1(f -> f.reviewer1),
    R2(f -> f.reviewer2),
    R3(f -> f.reviewer3),
    ANALYST(f -> f.analyst),
    ACME_REVIEWER(f -> f.acmeReviewer),
    OTHER_CONTACT(f -> f.otherContact);

    final Function<Fixture, Person> person;

    Who(Function<Fixture, Person> person) {
      this.person = person;
    }
  }

  /** One review, and the refusal it must meet (null: it must be recorded). */
  record Step(Who who, ReviewRequest review, Duration waitBefore, @Nullable Code refused) {
    @Override
    public String toString() {
      return who + " " + review.decision().wireName() + (refused == null ? "" : " -> " + refused.wireName());
    }
  }

  record Row(
      String name,
      DiligenceRules rules,
      Who submitter,
      List<Step> steps,
      ApplicationStatus status,
      String tier) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Step ok(Who who, ReviewRequest review) {
    return new Step(who, review, Duration.ZERO, null);
  }

  static Step refused(Who who, ReviewRequest review, Code code) {
    return new Step(who, review, Duration.ZERO, code);
  }

  static final ReviewRequest APPROVE = Fixture.approve();
  static final ReviewRequest DENY = Fixture.deny();
  static final DiligenceRules TWO = Fixture.RULES;
  static final DiligenceRules THREE = DiligenceRules.builder().approvals(3).build();
  static final DiligenceRules ONE_ADMIN = DiligenceRules.builder().roleApprovals(Role.ADMIN, 1).build();

  static Stream<Row> rows() {
    return Stream.of(
        new Row("no review: pending", TWO, Who.CONTACT, List.of(), PENDING, "standard"),
        new Row("one approval of two: pending", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE)), PENDING, "standard"),
        new Row("two approvals of two: approved, tier adjusted", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), ok(Who.R2, APPROVE)), APPROVED, "vetted"),
        new Row("two approvals of three: pending", THREE, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), ok(Who.R2, APPROVE)), PENDING, "standard"),
        new Row("three approvals of three: approved", THREE, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), ok(Who.R2, APPROVE), ok(Who.R3, APPROVE)), APPROVED, "vetted"),
        new Row("admin threshold unmet by two reviewers: pending", ONE_ADMIN, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), ok(Who.R2, APPROVE)), PENDING, "standard"),
        new Row("admin threshold met by an admin acting as admin: approved", ONE_ADMIN, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), ok(Who.ADMIN, APPROVE)), APPROVED, "vetted"),
        new Row("the same reviewer twice counts once", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), refused(Who.R1, APPROVE, ALREADY_REVIEWED)), PENDING, "standard"),
        new Row("self-approval refused", TWO, Who.ADMIN,
            List.of(ok(Who.R1, APPROVE), refused(Who.ADMIN, APPROVE, SELF_REVIEW)), PENDING, "standard"),
        new Row("the submitting partner contact cannot review", TWO, Who.CONTACT,
            List.of(refused(Who.CONTACT, APPROVE, ROLE_REQUIRED)), PENDING, "standard"),
        new Row("a reviewer of the same organization refused", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), refused(Who.ACME_REVIEWER, APPROVE, SAME_ORGANIZATION)),
            PENDING, "standard"),
        new Row("a partner contact of another organization cannot review", TWO, Who.CONTACT,
            List.of(refused(Who.OTHER_CONTACT, APPROVE, ROLE_REQUIRED)), PENDING, "standard"),
        new Row("acting in a role not held refused", TWO, Who.CONTACT,
            List.of(refused(Who.R1, Fixture.review(ReviewDecision.APPROVE, Role.ADMIN, Rating.HIGH, "ok"),
                ROLE_REQUIRED)), PENDING, "standard"),
        new Row("missing justification refused", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE),
                refused(Who.R2, Fixture.review(ReviewDecision.APPROVE, null, Rating.HIGH, ""), JUSTIFICATION_REQUIRED)),
            PENDING, "standard"),
        new Row("blank justification refused", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE),
                refused(Who.R2, Fixture.review(ReviewDecision.APPROVE, null, Rating.HIGH, " \t"), JUSTIFICATION_REQUIRED)),
            PENDING, "standard"),
        new Row("an approval rating a criterion low refused", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE),
                refused(Who.R2, Fixture.review(ReviewDecision.APPROVE, null, Rating.LOW, "fine"), RATING_TOO_LOW)),
            PENDING, "standard"),
        new Row("one denial denies", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), ok(Who.R2, DENY)), DENIED, "standard"),
        new Row("a denied application can never be approved", TWO, Who.CONTACT,
            List.of(ok(Who.R1, DENY), refused(Who.R2, APPROVE, APPLICATION_CLOSED),
                refused(Who.R3, APPROVE, APPLICATION_CLOSED)), DENIED, "standard"),
        new Row("no review after approval", THREE, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE), ok(Who.R2, APPROVE), ok(Who.R3, APPROVE),
                refused(Who.ADMIN, DENY, APPLICATION_CLOSED)), APPROVED, "vetted"),
        new Row("an application past its time cannot be reviewed", TWO, Who.CONTACT,
            List.of(ok(Who.R1, APPROVE),
                new Step(Who.R2, APPROVE, Duration.ofDays(30), APPLICATION_EXPIRED)), PENDING, "standard"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void review_table(Row row) {
    try (Fixture f = new Fixture(dir, row.rules())) {
      Application app = f.dd.submit(row.submitter().person.apply(f), Fixture.request(Duration.ofDays(7)));

      for (Step step : row.steps()) {
        f.clock.advance(step.waitBefore());
        Person who = step.who().person.apply(f);
        if (step.refused() == null) {
          f.dd.review(who, app.id(), step.review());
        } else {
          assertThatThrownBy(() -> f.dd.review(who, app.id(), step.review()))
              .as(step.toString())
              .isInstanceOfSatisfying(DiligenceException.class, e -> assertThat(e.code()).isEqualTo(step.refused()));
        }
      }

      assertThat(f.dd.application(app.id()).orElseThrow().status()).isEqualTo(row.status());
      assertThat(f.acmeTier()).isEqualTo(row.tier());
      assertThat(f.dd.grants("acme")).hasSize(row.status() == APPROVED ? 1 : 0);
      assertThat(f.store.events().verify().intact()).isTrue();
    }
  }
}
