package dev.bulwark.bench.jmh;

import dev.bulwark.access.ApiKeys;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.diligence.ApplicationRequest;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.access.diligence.ReviewRequest;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's per-request policy resolution, key to organization to active grant to tier to
 * policy, served from the key directory's in-memory snapshot (target: at most 1 µs):
 *
 * <ul>
 *   <li>{@link #resolveGranted}: an organization with an active grant scoped to some models, for a
 *       covered model (the grant's window is checked against the clock);
 *   <li>{@link #resolveKeyTier}: an organization with no grant (its key's own tier);
 *   <li>{@link #resolveBeforeModelKnown}: the resolution before the request body is read.
 * </ul>
 *
 * <p>Run: {@code bench/jmh.sh PolicyResolution}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PolicyResolutionBenchmark {
  private @Nullable Path dir;
  private @Nullable Store store;
  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable KeyDirectory directory;
  private @Nullable PolicyResolver resolver;
  private Principal granted = new Principal("unset", "unset", "standard");
  private Principal plain = new Principal("unset", "unset", "standard");

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("bulwark-policy-bench");
    Store s = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("bench.db")).build());
    store = s;
    s.keys().upsertTier("standard", "standard", "bench");
    s.keys().upsertTier("vetted", "vetted", "bench");
    scheduler = Executors.newSingleThreadScheduledExecutor();
    KeyDirectory d = new KeyDirectory(s.keys(), s.diligence(), Clock.systemUTC(), scheduler, Duration.ofHours(1));
    directory = d;
    resolver = new PolicyResolver(d, Map.of(
        "standard", Policy.builder("standard").limits(new RateLimits(600, 64)).build(),
        "vetted", Policy.builder("vetted").limits(new RateLimits(6000, 64)).build()));
    DueDiligence dd = DueDiligence.builder().store(s).onChange(d::refresh).build();
    Person contact = dd.bootstrap("acme", "Contact", Set.of(Role.PARTNER_CONTACT), null, "bench").person();
    Person r1 = dd.bootstrap("ops", "Reviewer One", Set.of(Role.REVIEWER), null, "bench").person();
    Person r2 = dd.bootstrap("ops", "Reviewer Two", Set.of(Role.REVIEWER), null, "bench").person();
    Application app = dd.submit(contact, new ApplicationRequest("acme", "Evaluation", "Safety testing", "vetted",
        dev.bulwark.store.diligence.Scope.of(List.of("model-a", "model-b"), List.of("*")), Duration.ofDays(7)));
    ReviewRequest approve = new ReviewRequest(null, new Assessment(Rating.HIGH, "checked"),
        new Assessment(Rating.HIGH, "checked"), ReviewDecision.APPROVE, "approved for the benchmark");
    dd.review(r1, app.id(), approve);
    dd.review(r2, app.id(), approve);
    ApiKeys keys = new ApiKeys(s.keys(), Clock.systemUTC(), new SecureRandom());
    granted = new Principal(keys.create("acme", "standard", null, null, "bench").record().id(), "acme", "standard");
    plain = new Principal(keys.create("other", "standard", null, null, "bench").record().id(), "other", "standard");
    d.refresh();
    if (!resolveGranted().map(Policy::name).orElse("").equals("vetted")) {
      throw new IllegalStateException("the benchmark's grant did not apply");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (directory != null) {
      directory.close();
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (store != null) {
      store.close();
    }
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Benchmark
  public Optional<Policy> resolveGranted() {
    return resolver().resolve(granted, "model-a");
  }

  @Benchmark
  public Optional<Policy> resolveKeyTier() {
    return resolver().resolve(plain, "model-a");
  }

  @Benchmark
  public Optional<Policy> resolveBeforeModelKnown() {
    return resolver().resolve(granted);
  }

  private PolicyResolver resolver() {
    PolicyResolver r = resolver;
    if (r == null) {
      throw new IllegalStateException("not set up");
    }
    return r;
  }
}
