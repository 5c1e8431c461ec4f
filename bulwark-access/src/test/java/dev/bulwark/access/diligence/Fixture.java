package dev.bulwark.access.diligence;

import dev.bulwark.access.ApiKeys;
import dev.bulwark.access.IssuedKey;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.core.Principal;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.core.policy.RateLimits;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.Assessment;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import dev.bulwark.store.diligence.Scope;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * A SQLite store with three tiers (standard, vetted, restricted), the operator's organization
 * {@code ops} with its staff, the partner {@code acme} with a contact, a reviewer and an API key on
 * the standard tier, and a third organization {@code other}; a key directory that never polls by
 * itself (only this process's writes refresh it, as {@code onChange}), and a clock tests move.
 */
final class Fixture implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final Policy STANDARD = Policy.builder("standard").limits(new RateLimits(60, 4)).build();
  static final Policy VETTED = Policy.builder("vetted").limits(new RateLimits(6000, 64)).build();
  static final Policy RESTRICTED = Policy.builder("restricted").limits(new RateLimits(6, 1)).build();

  final TestClock clock = new TestClock(T0);
  final Store store;
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final KeyDirectory directory;
  final PolicyResolver resolver;
  final DueDiligence dd;
  final Person admin;
  final Person reviewer1;
  final Person reviewer2;
  final Person reviewer3;
  final Person analyst;
  final Person contact;
  final Person acmeReviewer;
  final Person otherContact;
  final Principal acmeKey;

  /** The defaults, with the stricter tier {@code restricted} for step-downs. */
  static final DiligenceRules RULES = DiligenceRules.builder().stepDownTiers(Set.of("standard", "restricted")).build();

  Fixture(Path dir) {
    this(dir, RULES);
  }

  Fixture(Path dir, DiligenceRules rules) {
    store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("dd.db")).build());
    for (String tier : List.of("standard", "vetted", "restricted")) {
      store.keys().upsertTier(tier, tier, "test");
    }
    directory = new KeyDirectory(store.keys(), store.diligence(), clock, scheduler, Duration.ofHours(1));
    resolver = new PolicyResolver(directory, Map.of("standard", STANDARD, "vetted", VETTED, "restricted", RESTRICTED));
    dd = service(rules, true);
    admin = person("ops", "Ada Admin", Role.ADMIN);
    reviewer1 = person("ops", "Rita Reviewer", Role.REVIEWER);
    reviewer2 = person("ops", "Rob Reviewer", Role.REVIEWER);
    reviewer3 = person("ops", "Rae Reviewer", Role.REVIEWER);
    analyst = person("ops", "Andy Analyst", Role.ANALYST);
    contact = person("acme", "Carla Contact", Role.PARTNER_CONTACT);
    acmeReviewer = person("acme", "Ann Acme", Role.REVIEWER);
    otherContact = person("other", "Oscar Other", Role.PARTNER_CONTACT);
    IssuedKey key = new ApiKeys(store.keys(), clock, new SecureRandom()).create("acme", "standard", null, null, "test");
    directory.refresh();
    acmeKey = new Principal(key.record().id(), "acme", "standard");
  }

  /** Another service on the same store; {@code local} ties its writes to this directory. */
  DueDiligence service(DiligenceRules rules, boolean local) {
    DueDiligence.Builder b = DueDiligence.builder().store(store).rules(rules).clock(clock);
    if (local) {
      b.onChange(directory::refresh);
    }
    return b.build();
  }

  Person person(String org, String name, Role... roles) {
    return dd.bootstrap(org, name, Set.of(roles), null, "test").person();
  }

  static ApplicationRequest request(Duration duration) {
    return request("acme", Scope.EVERYTHING, duration);
  }

  static ApplicationRequest request(String org, Scope scope, Duration duration) {
    return new ApplicationRequest(org, "Red-team the deployment's safeguards for our evaluation suite",
        "Independent safety testing finds gaps before misuse does", "vetted", scope, duration);
  }

  Application submit(Duration duration) {
    return dd.submit(contact, request(duration));
  }

  static ReviewRequest approve() {
    return review(ReviewDecision.APPROVE, null, Rating.HIGH, "Known lab, audited processes");
  }

  static ReviewRequest deny() {
    return review(ReviewDecision.DENY, null, Rating.LOW, "Use case does not need the adjustment");
  }

  static ReviewRequest review(ReviewDecision d, @Nullable Role as, Rating rating, String justification) {
    return new ReviewRequest(as, new Assessment(rating, "Checked registration and references"),
        new Assessment(rating, "Read the published evaluation plan"), d, justification);
  }

  /** The tier the acme key's requests for {@code model-a} run under now. */
  String acmeTier() {
    return directory.effectiveTier(acmeKey, "model-a");
  }

  /** The policy the acme key's requests resolve to now. */
  String acmePolicy() {
    return resolver.resolve(acmeKey, "model-a").map(Policy::name).orElse("(none)");
  }

  @Override
  public void close() {
    directory.close();
    scheduler.shutdownNow();
    store.close();
  }
}
