package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only SQLite has: a file, its directory, WAL mode and synchronous levels. */
class SqliteStoreTest {
  @TempDir Path dir;

  private static String pragma(Store store, String name) throws Exception {
    try (Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void open_missingDirectories_createsThemAndTheFile() {
    Path file = dir.resolve("a/b/c/bulwark.db");

    try (Store store = Store.open(StoreConfig.builder().url("jdbc:sqlite:" + file).build())) {
      assertThat(store.dialect()).isEqualTo(Dialect.SQLITE);
    }
    assertThat(file).exists();
  }

  @Test
  void open_default_usesWalNormalSynchronousBusyTimeoutAndForeignKeys() throws Exception {
    try (Store store = Store.open(
        StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("x.db")).build())) {
      assertThat(pragma(store, "journal_mode")).isEqualToIgnoringCase("wal");
      assertThat(pragma(store, "synchronous")).isEqualTo("1"); // NORMAL
      assertThat(pragma(store, "busy_timeout")).isEqualTo("5000");
      assertThat(pragma(store, "foreign_keys")).isEqualTo("1");
    }
  }

  @Test
  void open_fullDurability_usesSynchronousFull() throws Exception {
    StoreConfig config = StoreConfig.builder()
        .url("jdbc:sqlite:" + dir.resolve("x.db"))
        .durability(Durability.FULL)
        .build();
    try (Store store = Store.open(config)) {
      assertThat(pragma(store, "synchronous")).isEqualTo("2"); // FULL
    }
  }

  @Test
  void open_parentIsAFile_throwsStoreExceptionNamingIt() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    StoreConfig config =
        StoreConfig.builder().url("jdbc:sqlite:" + notADirectory.resolve("bulwark.db")).build();

    assertThatThrownBy(() -> Store.open(config))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(notADirectory.toString());
  }

  @Test
  void open_fileUrlWithParameters_findsTheDirectory() {
    Path file = dir.resolve("sub/bulwark.db");

    try (Store store = Store.open(
        StoreConfig.builder().url("jdbc:sqlite:file:" + file + "?cache=private").build())) {
      assertThat(store.events().headSeq()).isZero();
    }
    assertThat(file).exists();
  }
}
