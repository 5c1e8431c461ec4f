package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreConfigTest {
  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";

  @Test
  void build_defaults_areTheEmbeddedSqliteFile() {
    StoreConfig config = StoreConfig.builder().build();

    assertThat(config.url()).isEqualTo("jdbc:sqlite:./bulwark-data/bulwark.db");
    assertThat(config.dialect()).isEqualTo(Dialect.SQLITE);
    assertThat(config.user()).isNull();
    assertThat(config.password()).isNull();
    assertThat(config.poolSize()).isEqualTo(4);
    assertThat(config.durability()).isEqualTo(Durability.NORMAL);
    assertThat(config.maxBatch()).isEqualTo(512);
    assertThat(config.maxBatchDelay()).isEqualTo(Duration.ZERO);
    assertThat(config.maxQueued()).isEqualTo(100_000);
    assertThat(config.schema()).isNull();
  }

  @Test
  void build_postgresUrl_isPostgresDialect() {
    StoreConfig config = StoreConfig.builder().url(PG).user("bulwark").schema("gw_1").build();

    assertThat(config.dialect()).isEqualTo(Dialect.POSTGRESQL);
    assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
  }

  @Test
  void build_unknownUrl_throwsNamingStoreUrl() {
    assertThatThrownBy(() -> StoreConfig.builder().url("x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("store.url: must start with jdbc:sqlite: or jdbc:postgresql:, was 'x'");
    assertThatThrownBy(() -> StoreConfig.builder().url("jdbc:mysql://h/db").build())
        .hasMessageStartingWith("store.url:");
  }

  @Test
  void build_inMemorySqlite_throwsNamingStoreUrl() {
    assertThatThrownBy(() -> StoreConfig.builder().url("jdbc:sqlite::memory:").build())
        .hasMessageStartingWith("store.url: must name a SQLite file");
    assertThatThrownBy(() -> StoreConfig.builder().url("jdbc:sqlite:").build())
        .hasMessageStartingWith("store.url: must name a SQLite file");
  }

  @Test
  void build_postgresOnlySettingsWithSqlite_throwNamingTheSetting() {
    assertThatThrownBy(() -> StoreConfig.builder().schema("s").build())
        .hasMessageStartingWith("store.schema: only applies to PostgreSQL");
    assertThatThrownBy(() -> StoreConfig.builder().user("u").build())
        .hasMessageStartingWith("store.user: only applies to PostgreSQL");
    assertThatThrownBy(() -> StoreConfig.builder().password("p").build())
        .hasMessageStartingWith("store.password: only applies to PostgreSQL");
  }

  @Test
  void build_outOfRangeNumbers_throwNamingTheSettingAndValue() {
    assertThatThrownBy(() -> StoreConfig.builder().poolSize(0).build())
        .hasMessage("store.poolSize: must be between 1 and 64, was 0");
    assertThatThrownBy(() -> StoreConfig.builder().maxBatch(0).build())
        .hasMessage("store.maxBatch: must be between 1 and 100000, was 0");
    assertThatThrownBy(() -> StoreConfig.builder().maxBatchDelay(Duration.ofMillis(-1)).build())
        .hasMessage("store.maxBatchDelay: must be between 0 and PT1S, was PT-0.001S");
    assertThatThrownBy(() -> StoreConfig.builder().maxBatchDelay(Duration.ofSeconds(2)).build())
        .hasMessageStartingWith("store.maxBatchDelay:");
    assertThatThrownBy(() -> StoreConfig.builder().maxQueued(0).build())
        .hasMessage("store.maxQueued: must be >= 1, was 0");
  }

  @Test
  void build_badSchemaName_throwsNamingStoreSchema() {
    assertThatThrownBy(() -> StoreConfig.builder().url(PG).schema("a; DROP TABLE x").build())
        .hasMessageStartingWith("store.schema: must match");
    assertThatThrownBy(() -> StoreConfig.builder().url(PG).schema("Upper").build())
        .hasMessageStartingWith("store.schema: must match");
  }

  @Test
  void build_blankUser_throwsNamingStoreUser() {
    assertThatThrownBy(() -> StoreConfig.builder().url(PG).user(" ").build())
        .hasMessage("store.user: must not be blank when set");
  }

  @Test
  void toString_withPasswords_masksThem() {
    StoreConfig config = StoreConfig.builder()
        .url(PG + "?user=u&password=hunter2&ssl=true")
        .password("s3cret")
        .build();

    assertThat(config.toString())
        .doesNotContain("hunter2")
        .doesNotContain("s3cret")
        .contains("password=<masked>&ssl=true", "password=<masked>,");
    assertThat(config.redactedUrl()).isEqualTo(PG + "?user=u&password=<masked>&ssl=true");
  }

  @Test
  void build_badUrlWithPassword_doesNotEchoThePassword() {
    assertThatThrownBy(() -> StoreConfig.builder().url("jdbc:x://h?password=hunter2").build())
        .message().doesNotContain("hunter2");
  }
}
