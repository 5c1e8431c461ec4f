package dev.bulwark.access.diligence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.access.ApiKeys;
import dev.bulwark.core.Principal;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import dev.bulwark.store.diligence.Scope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;

/**
 * Multi-party authorization as a property: whatever one person does, holding any combination of
 * roles, in the partner organization or the operator's, they never obtain an adjusted tier for any
 * organization. Each try gets two fresh organizations in one shared store (opening a store per try
 * would dominate the run time).
 */
class OnePersonProperties {
  private static @Nullable Path dir;
  private static @Nullable Fixture fixture;
  private static final AtomicInteger TRIES = new AtomicInteger();

  @BeforeContainer
  static void open() throws IOException {
    dir = Files.createTempDirectory("bulwark-one-person");
    fixture = new Fixture(dir);
  }

  @AfterContainer
  static void close() throws IOException {
    if (fixture != null) {
      fixture.close();
    }
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** One call by the person; it may be refused. */
  sealed interface Call permits Submit, Review, Revoke, StepDown, Restore, AddPerson, IssueToken, Wait {}

  record Submit(boolean ownOrg, int days, boolean allModels) implements Call {}

  record Review(int application, ReviewDecision decision, Rating rating, @Nullable Role as, String justification)
      implements Call {}

  record Revoke(int grant) implements Call {}

  record StepDown(boolean ownOrg, String tier) implements Call {}

  record Restore(boolean ownOrg) implements Call {}

  record AddPerson(Set<Role> roles) implements Call {}

  record IssueToken() implements Call {}

  record Wait(int hours) implements Call {}

  @Provide
  Arbitrary<Set<Role>> roles() {
    return Arbitraries.of(Role.class).set().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<Call>> calls() {
    Arbitrary<Call> submit = Combinators.combine(
        Arbitraries.of(true, false), Arbitraries.integers().between(1, 20), Arbitraries.of(true, false))
        .as(Submit::new);
    Arbitrary<Call> review = Combinators.combine(
        Arbitraries.integers().between(0, 3), Arbitraries.of(ReviewDecision.class), Arbitraries.of(Rating.class),
        Arbitraries.of(Role.class).injectNull(0.4), Arbitraries.of("ok", "", "Trusted partner"))
        .as(Review::new);
    Arbitrary<Call> revoke = Arbitraries.integers().between(0, 2).map(Revoke::new);
    Arbitrary<Call> stepDown = Combinators.combine(
        Arbitraries.of(true, false), Arbitraries.of("standard", "vetted", "restricted")).as(StepDown::new);
    Arbitrary<Call> restore = Arbitraries.of(true, false).map(Restore::new);
    Arbitrary<Call> addPerson = roles().map(AddPerson::new);
    Arbitrary<Call> issueToken = Arbitraries.just(new IssueToken());
    Arbitrary<Call> wait = Arbitraries.integers().between(1, 400).map(Wait::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, submit), net.jqwik.api.Tuple.of(6, review), net.jqwik.api.Tuple.of(1, revoke),
        net.jqwik.api.Tuple.of(2, stepDown), net.jqwik.api.Tuple.of(1, restore),
        net.jqwik.api.Tuple.of(1, addPerson), net.jqwik.api.Tuple.of(1, issueToken), net.jqwik.api.Tuple.of(1, wait))
        .list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 300)
  void onePerson_anyRolesAnyCalls_neverObtainsAnAdjustedTier(
      @ForAll("roles") Set<Role> roles, @ForAll boolean inPartnerOrg, @ForAll("calls") List<Call> calls) {
    Fixture f = java.util.Objects.requireNonNull(fixture);
    int n = TRIES.incrementAndGet();
    String own = "own" + n;
    String partner = "partner" + n;
    f.store.keys().ensureOrganization(partner, partner, "test");
    Person me = f.dd.bootstrap(inPartnerOrg ? partner : own, "Solo", EnumSet.copyOf(roles), null, "test").person();
    ApiKeys keys = new ApiKeys(f.store.keys(), f.clock, new SecureRandom());
    Principal ownKey = principal(keys, own);
    Principal partnerKey = principal(keys, partner);
    List<String> applications = new ArrayList<>();

    for (Call call : calls) {
      try {
        play(f, me, call, own, partner, applications);
      } catch (DiligenceException refused) {
        // Refusals are the expected outcome of most calls; what matters is the end state.
      }
    }

    for (String org : List.of(own, partner)) {
      assertThat(f.dd.grants(org)).as("grants of " + org).isEmpty();
      assertThat(f.dd.applications(org)).noneMatch(a -> a.status() == dev.bulwark.store.diligence.ApplicationStatus.APPROVED);
    }
    for (Principal key : List.of(ownKey, partnerKey)) {
      for (String model : new String[] {"model-a", "model-b"}) {
        assertThat(f.directory.effectiveTier(key, model)).isIn("standard", "restricted");
      }
    }
  }

  private static Principal principal(ApiKeys keys, String org) {
    var key = keys.create(org, "standard", null, null, "test");
    return new Principal(key.record().id(), org, "standard");
  }

  private static void play(Fixture f, Person me, Call call, String own, String partner, List<String> applications) {
    if (call instanceof Submit s) {
      Scope scope = s.allModels() ? Scope.EVERYTHING : Scope.of(List.of("model-a"), List.of("*"));
      Application a = f.dd.submit(me, Fixture.request(s.ownOrg() ? own : partner, scope, Duration.ofDays(s.days())));
      applications.add(a.id());
    } else if (call instanceof Review r) {
      if (!applications.isEmpty()) {
        String app = applications.get(r.application() % applications.size());
        f.dd.review(me, app, Fixture.review(r.decision(), r.as(), r.rating(), r.justification()));
      }
    } else if (call instanceof Revoke r) {
      List<Grant> grants = f.dd.grants(partner);
      f.dd.revoke(me, grants.isEmpty() ? "grt_none" : grants.get(r.grant() % grants.size()).id(), "why");
    } else if (call instanceof StepDown s) {
      f.dd.stepDown(me, s.ownOrg() ? own : partner, s.tier(), "suspicious");
    } else if (call instanceof Restore r) {
      f.dd.restore(me, r.ownOrg() ? own : partner, "fine");
    } else if (call instanceof AddPerson p) {
      f.dd.addPerson(me, partner, "Helper", p.roles());
    } else if (call instanceof IssueToken) {
      f.dd.issueToken(me, me.id(), null, null);
    } else if (call instanceof Wait w) {
      f.clock.advance(Duration.ofHours(w.hours()));
    } else {
      throw new AssertionError("unknown call " + call);
    }
  }
}
