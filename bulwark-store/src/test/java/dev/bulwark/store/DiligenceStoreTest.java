package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.store.diligence.AdminToken;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.ApplicationStatus;
import dev.bulwark.store.diligence.Assessment;
import dev.bulwark.store.diligence.DiligenceStore;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.Review;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import dev.bulwark.store.diligence.Scope;
import dev.bulwark.store.diligence.TierOverride;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** People, credentials, applications, reviews, grants and step-downs, on each dialect. */
@ParameterizedClass
@EnumSource(Dialect.class)
class DiligenceStoreTest {
  static final Instant T0 = Instant.parse("2026-03-04T05:06:07.000001Z");
  static final String HASH = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";

  @Parameter Dialect dialect;
  @TempDir Path dir;
  TestDatabase db;
  MutableClock clock = new MutableClock(T0);
  Store store;
  DiligenceStore diligence;

  @BeforeEach
  void open() {
    db = TestDatabase.create(dialect, dir);
    store = db.open(EventLogTest::daemon, clock);
    diligence = store.diligence();
    store.keys().ensureOrganization("ops", "Operator", "test");
    store.keys().ensureOrganization("acme", "Acme Safety Lab", "test");
    store.keys().upsertTier("standard", "standard", "test");
    store.keys().upsertTier("vetted", "vetted", "test");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static Person person(String id, String org, Role... roles) {
    return new Person(id, org, "Name of " + id, Set.of(roles), T0);
  }

  private static Application application(String id) {
    return new Application(id, "acme", "per_contact", "Red-team our own deployment",
        "Finds safeguard gaps before attackers do", "vetted",
        Scope.of(List.of("model-a", "model-b"), List.of("*")), Duration.ofDays(7),
        ApplicationStatus.PENDING, T0, null, null);
  }

  private static Review review(String id, String app, String reviewer, ReviewDecision decision) {
    return new Review(id, app, reviewer, Role.REVIEWER,
        new Assessment(Rating.HIGH, "references checked"),
        new Assessment(Rating.MODERATE, "published safety work"), decision, "because", T0);
  }

  private static Grant grant(String id, String app, Instant starts, Duration length) {
    return new Grant(id, "acme", app, "vetted", Scope.EVERYTHING, starts, starts.plus(length),
        null, null, null);
  }

  private static EventRecord audit(String type) {
    return new EventRecord(type, null, null, "acme", T0, "{\"t\":\"" + type + "\"}", false);
  }

  /** People, an application and a reviewer, written in one transaction. */
  private void seed() {
    diligence.write("seed", tx -> {
      tx.insert(person("per_contact", "acme", Role.PARTNER_CONTACT));
      tx.insert(person("per_rev1", "ops", Role.REVIEWER, Role.ADMIN));
      tx.insert(application("app_1"));
      tx.audit(audit("seeded"));
      return null;
    });
  }

  @Test
  void write_everyRecordType_readsBackEqual() {
    seed();
    AdminToken token = new AdminToken("abcdefghijklmnop", "per_rev1", HASH, T0, T0.plus(Duration.ofDays(1)),
        null, "laptop");
    Review review = review("rev_1", "app_1", "per_rev1", ReviewDecision.APPROVE);
    Grant grant = grant("grt_1", "app_1", T0, Duration.ofDays(7));
    TierOverride stepDown = new TierOverride("ovr_1", "acme", "standard", "suspicious bursts", "monitor", T0,
        null, null, null);

    diligence.write("all", tx -> {
      tx.insert(token);
      tx.insert(review);
      tx.insert(grant);
      tx.insert(stepDown);
      tx.audit(audit("all"));
      return null;
    });

    assertThat(diligence.person("per_rev1")).contains(person("per_rev1", "ops", Role.ADMIN, Role.REVIEWER));
    assertThat(diligence.people("acme")).extracting(Person::id).containsExactly("per_contact");
    assertThat(diligence.people(null)).extracting(Person::id).containsExactly("per_contact", "per_rev1");
    assertThat(diligence.adminToken("abcdefghijklmnop")).contains(token);
    assertThat(diligence.adminTokens("per_rev1")).containsExactly(token);
    assertThat(diligence.application("app_1")).contains(application("app_1"));
    assertThat(diligence.applications("acme")).containsExactly(application("app_1"));
    assertThat(diligence.applications("ops")).isEmpty();
    assertThat(diligence.reviews("app_1")).containsExactly(review);
    assertThat(diligence.grant("grt_1")).contains(grant);
    assertThat(diligence.grants("acme")).containsExactly(grant);
    assertThat(diligence.overrides("acme")).containsExactly(stepDown);
    assertThat(diligence.openOverrides()).containsExactly(stepDown);
  }

  @Test
  void write_updates_storeDecisionRevocationAndClearing() {
    seed();
    Grant grant = grant("grt_1", "app_1", T0, Duration.ofDays(7));
    TierOverride stepDown = new TierOverride("ovr_1", "acme", "standard", "bursts", "monitor", T0, null, null, null);
    AdminToken token = new AdminToken("abcdefghijklmnop", "per_rev1", HASH, T0, null, null, null);
    Instant later = T0.plus(Duration.ofHours(1));

    diligence.write("updates", tx -> {
      tx.insert(grant);
      tx.insert(stepDown);
      tx.insert(token);
      tx.updateDecision(tx.application("app_1").orElseThrow().decided(ApplicationStatus.APPROVED, later, "2 of 2"));
      tx.updateRevocation(grant.revoked(later, "person:per_rev1", "misuse"));
      tx.updateClearing(stepDown.cleared(later, "person:per_analyst", "false alarm"));
      tx.updateRevocation(token.revoked(later));
      tx.audit(audit("updated"));
      return null;
    });

    assertThat(diligence.application("app_1").orElseThrow().status()).isEqualTo(ApplicationStatus.APPROVED);
    assertThat(diligence.application("app_1").orElseThrow().decidedAt()).isEqualTo(later);
    assertThat(diligence.grant("grt_1").orElseThrow().revokeReason()).isEqualTo("misuse");
    assertThat(diligence.grant("grt_1").orElseThrow().activeAt(later)).isFalse();
    assertThat(diligence.openOverrides()).isEmpty();
    assertThat(diligence.overrides(null).get(0).clearReason()).isEqualTo("false alarm");
    assertThat(diligence.adminToken("abcdefghijklmnop").orElseThrow().usableAt(later)).isFalse();
  }

  @Test
  void write_withAudit_appendsToTheChainAndBumpsTheChangeVersion() {
    long version = store.keys().changeVersion();
    long head = store.events().headSeq();

    seed();

    assertThat(store.keys().changeVersion()).isEqualTo(version + 1);
    assertThat(store.events().headSeq()).isEqualTo(head + 1);
    assertThat(store.events().read(head, 10).get(0).type()).isEqualTo("seeded");
    assertThat(store.events().verify().intact()).isTrue();
  }

  @Test
  void write_readsOnlyWithoutAudit_changesNothing() {
    seed();
    long version = store.keys().changeVersion();
    long head = store.events().headSeq();

    Person read = diligence.write("read", tx -> tx.person("per_rev1").orElseThrow());

    assertThat(read.id()).isEqualTo("per_rev1");
    assertThat(store.keys().changeVersion()).isEqualTo(version);
    assertThat(store.events().headSeq()).isEqualTo(head);
  }

  @Test
  void write_workThrows_rollsBackRowsAndEventsAndPropagatesUnchanged() {
    long version = store.keys().changeVersion();
    long head = store.events().headSeq();
    IllegalStateException refusal = new IllegalStateException("refused by the rules");

    assertThatThrownBy(() -> diligence.write("doomed", tx -> {
      tx.insert(person("per_x", "acme", Role.REVIEWER));
      tx.audit(audit("doomed"));
      throw refusal;
    })).isSameAs(refusal);

    assertThat(diligence.person("per_x")).isEmpty();
    assertThat(store.keys().changeVersion()).isEqualTo(version);
    assertThat(store.events().headSeq()).isEqualTo(head);
    // The connection went back to the pool usable: the next write works.
    seed();
    assertThat(diligence.person("per_rev1")).isPresent();
  }

  @Test
  void write_sameReviewerTwice_failsOnTheUniqueConstraint() {
    seed();
    diligence.write("first", tx -> {
      tx.insert(review("rev_1", "app_1", "per_rev1", ReviewDecision.APPROVE));
      return null;
    });

    assertThatThrownBy(() -> diligence.write("second", tx -> {
      tx.insert(review("rev_2", "app_1", "per_rev1", ReviewDecision.APPROVE));
      return null;
    })).isInstanceOf(StoreException.class).hasMessageStartingWith("second failed");
    assertThat(diligence.reviews("app_1")).hasSize(1);
  }

  @Test
  void write_unknownOrganization_failsOnTheForeignKey() {
    assertThatThrownBy(() -> diligence.write("orphan", tx -> {
      tx.insert(person("per_x", "nowhere", Role.REVIEWER));
      return null;
    })).isInstanceOf(StoreException.class);
    assertThat(diligence.people(null)).isEmpty();
  }

  @Test
  void write_updateOfAbsentRow_failsAndRollsBack() {
    seed();
    Grant never = grant("grt_none", "app_1", T0, Duration.ofDays(1));

    assertThatThrownBy(() -> diligence.write("ghost", tx -> {
      tx.updateRevocation(never.revoked(T0, "x", "y"));
      return null;
    })).isInstanceOf(StoreException.class).hasMessageContaining("grt_none");
  }

  @Test
  void write_txUsedAfterItsTransaction_throws() {
    AtomicReference<DiligenceStore.Tx> leaked = new AtomicReference<>();
    diligence.write("leak", tx -> {
      leaked.set(tx);
      return null;
    });

    assertThatThrownBy(() -> leaked.get().person("per_rev1")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void txReads_seeTheTransactionsOwnChanges() {
    Boolean seen = diligence.write("own", tx -> {
      tx.insert(person("per_new", "acme", Role.PARTNER_CONTACT));
      return tx.person("per_new").isPresent()
          && tx.organization("acme").isPresent()
          && tx.tier("vetted").isPresent()
          && tx.tier("nope").isEmpty();
    });

    assertThat(seen).isTrue();
  }

  @Test
  void unexpiredGrants_skipsRevokedAndEndedOnes() {
    seed();
    diligence.write("apps", tx -> {
      tx.insert(application("app_2"));
      tx.insert(application("app_3"));
      tx.insert(grant("grt_live", "app_1", T0, Duration.ofDays(7)));
      tx.insert(grant("grt_ended", "app_2", T0, Duration.ofHours(1)));
      tx.insert(grant("grt_revoked", "app_3", T0, Duration.ofDays(7)).revoked(T0, "x", "y"));
      return null;
    });

    assertThat(diligence.unexpiredGrants(T0.plus(Duration.ofMinutes(59))))
        .extracting(Grant::id).containsExactlyInAnyOrder("grt_live", "grt_ended");
    assertThat(diligence.unexpiredGrants(T0.plus(Duration.ofHours(1))))
        .extracting(Grant::id).containsExactly("grt_live");
  }

  @Test
  void openOverride_returnsOnlyTheUnclearedOne() {
    TierOverride old = new TierOverride("ovr_1", "acme", "standard", "first", "monitor", T0,
        T0.plusSeconds(1), "person:a", "fine");
    TierOverride open = new TierOverride("ovr_2", "acme", "standard", "second", "monitor", T0.plusSeconds(2),
        null, null, null);

    TierOverride found = diligence.write("overrides", tx -> {
      tx.insert(old);
      tx.insert(open);
      return tx.openOverride("acme").orElseThrow();
    });

    assertThat(found).isEqualTo(open);
    assertThat(diligence.overrides("acme")).containsExactly(open, old);
  }
}
