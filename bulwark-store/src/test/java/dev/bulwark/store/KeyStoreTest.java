package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** API keys, organizations and tiers, on each dialect. */
@ParameterizedClass
@EnumSource(Dialect.class)
class KeyStoreTest {
  static final Instant T0 = Instant.parse("2026-03-04T05:06:07.000001Z");
  static final String SECRET_HASH =
      "sha256:5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";

  @Parameter Dialect dialect;
  @TempDir Path dir;
  TestDatabase db;
  MutableClock clock = new MutableClock(T0);
  Store store;
  KeyStore keys;

  @BeforeEach
  void open() {
    db = TestDatabase.create(dialect, dir);
    store = db.open(EventLogTest::daemon, clock);
    keys = store.keys();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private ApiKeyRecord key(String id, String org) {
    return new ApiKeyRecord(id, org, "standard", SECRET_HASH, T0, T0.plus(Duration.ofDays(30)),
        null, "ci key");
  }

  private void orgAndTier() {
    keys.ensureOrganization("acme", "Acme Corp", "alice");
    keys.upsertTier("standard", "{\"version\":1}", "alice");
  }

  private List<StoredEvent> events() {
    return store.events().read(0, 10_000);
  }

  @Test
  void ensureOrganization_absent_createsItAndWritesOrgCreated() {
    Organization org = keys.ensureOrganization("acme", "Acme Corp", "alice");

    assertThat(org).isEqualTo(new Organization("acme", "Acme Corp", T0));
    assertThat(keys.organization("acme")).contains(org);
    assertThat(keys.organizations()).containsExactly(org);
    StoredEvent event = events().get(0);
    assertThat(event.type()).isEqualTo("org.created");
    assertThat(event.orgId()).isEqualTo("acme");
    assertThat(event.occurredAt()).isEqualTo(T0);
    assertThat(event.body()).contains("\"org\":\"acme\"", "\"actor\":\"alice\"");
  }

  @Test
  void ensureOrganization_present_returnsExistingAndWritesNothing() {
    Organization first = keys.ensureOrganization("acme", "Acme Corp", "alice");
    long version = keys.changeVersion();
    clock.advance(Duration.ofHours(1));

    Organization again = keys.ensureOrganization("acme", "Other Name", "bob");

    assertThat(again).isEqualTo(first);
    assertThat(keys.changeVersion()).isEqualTo(version);
    assertThat(events()).hasSize(1);
  }

  @Test
  void ensureOrganization_badId_throwsNamingTheField() {
    assertThatThrownBy(() -> keys.ensureOrganization("Acme Corp", "Acme", "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("organization.id: must match");
    assertThatThrownBy(() -> keys.ensureOrganization("acme", "", "alice"))
        .hasMessageStartingWith("organization.name:");
    assertThatThrownBy(() -> keys.ensureOrganization("acme", "Acme", ""))
        .hasMessageStartingWith("actor:");
    assertThat(keys.organizations()).isEmpty();
  }

  @Test
  void upsertTier_new_createsItAndWritesTierUpserted() {
    TierRecord tier = keys.upsertTier("standard", "{\"version\":1}", "alice");

    assertThat(tier).isEqualTo(new TierRecord("standard", "{\"version\":1}", T0, T0));
    assertThat(keys.tier("standard")).contains(tier);
    assertThat(events()).extracting(StoredEvent::type).containsExactly("tier.upserted");
  }

  @Test
  void upsertTier_samePolicy_writesNoEventAndKeepsTheVersion() {
    keys.upsertTier("standard", "{\"version\":1}", "alice");
    long version = keys.changeVersion();

    TierRecord again = keys.upsertTier("standard", "{\"version\":1}", "bob");

    assertThat(again.updatedAt()).isEqualTo(T0);
    assertThat(keys.changeVersion()).isEqualTo(version);
    assertThat(events()).hasSize(1);
  }

  @Test
  void upsertTier_changedPolicy_updatesItKeepingCreatedAt() {
    keys.upsertTier("standard", "{\"version\":1}", "alice");
    clock.advance(Duration.ofMinutes(5));

    TierRecord changed = keys.upsertTier("standard", "{\"version\":2}", "bob");

    TierRecord expected =
        new TierRecord("standard", "{\"version\":2}", T0, T0.plus(Duration.ofMinutes(5)));
    assertThat(changed).isEqualTo(expected);
    assertThat(keys.tier("standard")).contains(expected);
    assertThat(keys.tiers()).containsExactly(expected);
    assertThat(events()).extracting(StoredEvent::type)
        .containsExactly("tier.upserted", "tier.upserted");
    assertThat(events().get(1).body()).contains("\"actor\":\"bob\"", "\"created\":false");
  }

  @Test
  void insertKey_valid_storesItAndWritesAnEventWithoutTheSecret() {
    orgAndTier();
    ApiKeyRecord key = key("bk_live_1", "acme");

    keys.insertKey(key, "alice");

    assertThat(keys.key("bk_live_1")).contains(key);
    StoredEvent created = events().get(events().size() - 1);
    assertThat(created.type()).isEqualTo("key.created");
    assertThat(created.keyId()).isEqualTo("bk_live_1");
    assertThat(created.orgId()).isEqualTo("acme");
    assertThat(created.body()).contains("\"tier\":\"standard\"", "\"expires_at\":\"2026-04-03");
    assertThat(events()).allSatisfy(e -> assertThat(e.body())
        .doesNotContain(SECRET_HASH)
        .doesNotContain(SECRET_HASH.substring(7, 30)));
  }

  @Test
  void insertKey_unknownOrganizationOrTier_throwsNamingTheFieldAndWritesNothing() {
    orgAndTier();
    long version = keys.changeVersion();
    long head = store.events().headSeq();

    assertThatThrownBy(() -> keys.insertKey(key("k1", "nobody"), "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("apiKey.orgId: no organization 'nobody'");
    ApiKeyRecord unknownTier =
        new ApiKeyRecord("k2", "acme", "gold", SECRET_HASH, T0, null, null, null);
    assertThatThrownBy(() -> keys.insertKey(unknownTier, "alice"))
        .hasMessage("apiKey.tier: no tier 'gold'");

    assertThat(keys.keys(null)).isEmpty();
    assertThat(keys.changeVersion()).isEqualTo(version);
    assertThat(store.events().headSeq()).isEqualTo(head);
  }

  @Test
  void insertKey_duplicateId_throwsNamingTheField() {
    orgAndTier();
    keys.insertKey(key("k1", "acme"), "alice");

    assertThatThrownBy(() -> keys.insertKey(key("k1", "acme"), "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("apiKey.id: a key with id 'k1' already exists");
  }

  @Test
  void keys_byOrganization_returnsOnlyItsKeysById() {
    orgAndTier();
    keys.ensureOrganization("beta", "Beta", "alice");
    keys.insertKey(key("k2", "acme"), "alice");
    keys.insertKey(key("k1", "acme"), "alice");
    keys.insertKey(key("k3", "beta"), "alice");

    assertThat(keys.keys("acme")).extracting(ApiKeyRecord::id).containsExactly("k1", "k2");
    assertThat(keys.keys(null)).extracting(ApiKeyRecord::id).containsExactly("k1", "k2", "k3");
    assertThat(keys.keys("nobody")).isEmpty();
    assertThat(keys.key("k9")).isEmpty();
  }

  @Test
  void revoke_twice_revokesOnceAndThenReturnsFalse() {
    orgAndTier();
    keys.insertKey(key("k1", "acme"), "alice");
    Instant at = T0.plus(Duration.ofHours(2));

    assertThat(keys.revoke("k1", at, "bob")).isTrue();
    long version = keys.changeVersion();
    long head = store.events().headSeq();
    assertThat(keys.revoke("k1", at.plusSeconds(1), "bob")).isFalse();

    assertThat(keys.key("k1")).hasValueSatisfying(k -> assertThat(k.revokedAt()).isEqualTo(at));
    assertThat(keys.changeVersion()).isEqualTo(version);
    assertThat(store.events().headSeq()).isEqualTo(head);
    StoredEvent revoked = events().get(events().size() - 1);
    assertThat(revoked.type()).isEqualTo("key.revoked");
    assertThat(revoked.keyId()).isEqualTo("k1");
    assertThat(revoked.body()).contains("\"actor\":\"bob\"").doesNotContain(SECRET_HASH);
  }

  @Test
  void revoke_unknownKey_returnsFalse() {
    assertThat(keys.revoke("nope", T0, "bob")).isFalse();
    assertThat(store.events().headSeq()).isZero();
  }

  @Test
  void changeVersion_everyChange_increasesIt() {
    List<Long> versions = new ArrayList<>();
    versions.add(keys.changeVersion());
    keys.ensureOrganization("acme", "Acme", "alice");
    versions.add(keys.changeVersion());
    keys.upsertTier("standard", "a", "alice");
    versions.add(keys.changeVersion());
    keys.upsertTier("standard", "b", "alice");
    versions.add(keys.changeVersion());
    keys.insertKey(key("k1", "acme"), "alice");
    versions.add(keys.changeVersion());
    keys.revoke("k1", T0, "alice");
    versions.add(keys.changeVersion());

    assertThat(versions).isSorted().doesNotHaveDuplicates();
    assertThat(versions.get(0)).isZero();
  }

  @Test
  void changeVersion_changeByAnotherStore_isSeen() {
    long before = keys.changeVersion();
    Store other = db.open();

    other.keys().ensureOrganization("acme", "Acme", "cli");

    assertThat(keys.changeVersion()).isGreaterThan(before);
    assertThat(keys.organization("acme")).isPresent();
  }

  @Test
  void adminWrites_amidConcurrentAppends_shareOneIntactChain() {
    orgAndTier();
    List<CompletableFuture<Long>> appends = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      appends.add(store.events().append(new EventRecord(
          "request.started", "r" + i, null, null, T0, "{}", false)));
      if (i % 20 == 0) {
        keys.insertKey(key("k" + i, "acme"), "alice");
      }
    }
    appends.forEach(CompletableFuture::join);

    long total = 2 + 200 + 10;
    assertThat(store.events().verify()).isEqualTo(ChainReport.intact(total));
    assertThat(events()).filteredOn(e -> e.type().equals("key.created")).hasSize(10);
  }
}
