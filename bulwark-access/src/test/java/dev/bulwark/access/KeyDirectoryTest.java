package dev.bulwark.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.core.Principal;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyDirectoryTest {
  @TempDir Path dir;

  private Store store;
  private ScheduledExecutorService scheduler;
  private MutableClock clock;
  private ApiKeys keys;
  private KeyDirectory directory;

  @BeforeEach
  void open() {
    store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("k.db")).build());
    store.keys().upsertTier("standard", "standard", "test");
    scheduler = Executors.newSingleThreadScheduledExecutor();
    clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    keys = new ApiKeys(store.keys(), clock, new SecureRandom());
    directory = new KeyDirectory(store.keys(), clock, scheduler, Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    directory.close();
    scheduler.shutdownNow();
    store.close();
  }

  @Test
  void authenticate_validKey_grantsItsPrincipal() {
    IssuedKey k = keys.create("acme", "standard", null, null, "test");
    directory.refresh();

    Authentication a = directory.authenticate(k.token());

    assertThat(a).isEqualTo(new Authentication.Granted(new Principal(k.record().id(), "acme", "standard")));
  }

  @Test
  void authenticate_noKey_missing() {
    assertThat(directory.authenticate(null)).isEqualTo(new Authentication.Denied(Authentication.Reason.MISSING, null));
    assertThat(directory.authenticate("  ")).isEqualTo(new Authentication.Denied(Authentication.Reason.MISSING, null));
  }

  @Test
  void authenticate_notABulwarkKey_malformed() {
    assertThat(directory.authenticate("sk-proj-123")).isEqualTo(new Authentication.Denied(Authentication.Reason.MALFORMED, null));
  }

  @Test
  void authenticate_wrongSecretForAKnownId_unknownWithTheId() {
    IssuedKey k = keys.create("acme", "standard", null, null, "test");
    directory.refresh();
    String forged = "bwk_" + k.record().id() + "_" + "A".repeat(43);

    assertThat(directory.authenticate(forged))
        .isEqualTo(new Authentication.Denied(Authentication.Reason.UNKNOWN, k.record().id()));
  }

  @Test
  void authenticate_revoked_deniedAfterRefresh() {
    IssuedKey k = keys.create("acme", "standard", null, null, "test");
    directory.refresh();
    keys.revoke(k.record().id(), "test");

    assertThat(directory.authenticate(k.token())).isInstanceOf(Authentication.Granted.class);
    directory.refresh();
    assertThat(directory.authenticate(k.token()))
        .isEqualTo(new Authentication.Denied(Authentication.Reason.REVOKED, k.record().id()));
  }

  @Test
  void authenticate_expiry_grantedUntilTheInstantThenDenied() {
    IssuedKey k = keys.create("acme", "standard", Duration.ofHours(1), null, "test");
    directory.refresh();

    clock.set(Instant.parse("2026-11-26T12:59:59Z"));
    assertThat(directory.authenticate(k.token())).isInstanceOf(Authentication.Granted.class);
    clock.set(Instant.parse("2026-11-26T13:00:00Z"));
    assertThat(directory.authenticate(k.token()))
        .isEqualTo(new Authentication.Denied(Authentication.Reason.EXPIRED, k.record().id()));
  }

  @Test
  void authenticate_keyCreatedByAnotherWriter_foundAfterTheEarlyRefreshAnUnknownIdTriggers() throws Exception {
    IssuedKey k = keys.create("acme", "standard", null, null, "test");

    assertThat(directory.authenticate(k.token())).isInstanceOf(Authentication.Denied.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!(directory.authenticate(k.token()) instanceof Authentication.Granted) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(directory.authenticate(k.token())).isInstanceOf(Authentication.Granted.class);
  }

  @Test
  void authenticateFresh_keyCreatedByAnotherWriter_grantedOnTheFirstRequest() throws Exception {
    IssuedKey k = keys.create("acme", "standard", null, null, "test");

    assertThat(directory.authenticateFresh(k.token()).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS))
        .isInstanceOf(Authentication.Granted.class);
  }

  @Test
  void authenticateFresh_unknownKey_deniedAfterTheRefresh() throws Exception {
    String never = "bwk_" + "k".repeat(16) + "_" + "A".repeat(43);
    Authentication a = directory.authenticateFresh(never).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(a).isEqualTo(new Authentication.Denied(Authentication.Reason.UNKNOWN, "k".repeat(16)));
  }

  @Test
  void authenticateFresh_knownKeyOrWrongSecret_answersAtOnce() {
    IssuedKey k = keys.create("acme", "standard", null, null, "test");
    directory.refresh();
    String forged = "bwk_" + k.record().id() + "_" + "A".repeat(43);

    assertThat(directory.authenticateFresh(k.token()).toCompletableFuture()).isCompletedWithValueMatching(
        a -> a instanceof Authentication.Granted);
    assertThat(directory.authenticateFresh(forged).toCompletableFuture()).isCompletedWithValue(
        new Authentication.Denied(Authentication.Reason.UNKNOWN, k.record().id()));
  }

  @Test
  void policyOfTier_fromTheSameSnapshot() {
    store.keys().upsertTier("research", "research-policy", "test");
    directory.refresh();

    assertThat(directory.policyOfTier("research")).contains("research-policy");
    assertThat(directory.policyOfTier("nope")).isEmpty();
  }

  @Test
  void create_unknownTier_refusedNamingKnownTiers() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.create("acme", "gold", null, null, "test"))
        .hasMessageContaining("unknown tier 'gold'").hasMessageContaining("standard");
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
