package dev.bulwark.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Durability;
import dev.bulwark.store.StoreConfig;
import dev.bulwark.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** Connection pools and schema migration for both dialects. */
public final class Databases {
  /** Where the migrations live; one set for both databases. */
  public static final String MIGRATIONS = "classpath:db/migration/bulwark";

  private static final int BUSY_TIMEOUT_MS = 5_000;
  private static final long CONNECTION_TIMEOUT_MS = 10_000;

  private Databases() {}

  /**
   * A pool of {@code size} connections configured for the store: on SQLite WAL mode, the
   * durability's {@code synchronous} level, a 5 s busy timeout, foreign keys, and IMMEDIATE
   * transactions for callers that turn auto-commit off; on PostgreSQL
   * {@code synchronous_commit=on}, batched inserts rewritten to multi-row inserts, and the
   * configured schema.
   *
   * @throws StoreException if no connection can be opened
   */
  public static HikariDataSource pool(StoreConfig config, String name, int size) {
    HikariConfig h = new HikariConfig();
    h.setPoolName(name);
    h.setMaximumPoolSize(size);
    h.setMinimumIdle(size);
    h.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    // Try once at start-up and fail with the driver's message instead of waiting.
    h.setInitializationFailTimeout(1);
    if (config.dialect() == Dialect.SQLITE) {
      createParentDirectory(config);
      SQLiteConfig sqlite = new SQLiteConfig();
      sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
      sqlite.setSynchronous(config.durability() == Durability.FULL
          ? SQLiteConfig.SynchronousMode.FULL
          : SQLiteConfig.SynchronousMode.NORMAL);
      sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
      sqlite.enforceForeignKeys(true);
      sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      SQLiteDataSource ds = new SQLiteDataSource(sqlite);
      ds.setUrl(config.url());
      h.setDataSource(ds);
    } else {
      h.setDriverClassName("org.postgresql.Driver");
      h.setJdbcUrl(config.url());
      if (config.user() != null) {
        h.setUsername(config.user());
      }
      if (config.password() != null) {
        h.setPassword(config.password());
      }
      h.addDataSourceProperty("reWriteBatchedInserts", "true");
      h.addDataSourceProperty("ApplicationName", "bulwark-store");
      // Keeps row values (event bodies: prompts, completions) out of exception messages and logs.
      h.addDataSourceProperty("logServerErrorDetail", "false");
      // The server's or database's default may be off; a commit must be durable before it returns.
      h.setConnectionInitSql("SET synchronous_commit = on");
      if (config.schema() != null) {
        h.setSchema(config.schema());
      }
    }
    try {
      return new HikariDataSource(h);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to the store at " + config.redactedUrl() + ": " + rootMessage(e), e);
    }
  }

  /** Brings the schema up to date; idempotent. */
  public static void migrate(DataSource pool, StoreConfig config) {
    FluentConfiguration flyway = Flyway.configure(Databases.class.getClassLoader())
        .dataSource(pool)
        .locations(MIGRATIONS)
        .failOnMissingLocations(true);
    if (config.schema() != null) {
      flyway.schemas(config.schema()).defaultSchema(config.schema()).createSchemas(true);
    }
    try {
      flyway.load().migrate();
    } catch (RuntimeException e) {
      throw new StoreException(
          "migrating the store at " + config.redactedUrl() + " failed: " + rootMessage(e), e);
    }
  }

  private static void createParentDirectory(StoreConfig config) {
    String file = config.url().substring("jdbc:sqlite:".length());
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    Path parent;
    try {
      parent = Path.of(file).toAbsolutePath().getParent();
    } catch (InvalidPathException e) {
      throw new StoreException("store.url: not a file path: '" + config.redactedUrl() + "'", e);
    }
    if (parent == null) {
      return;
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new StoreException(
          "cannot create the directory " + parent + " for the SQLite store " + config.redactedUrl()
              + ": " + e, e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.toString() : message;
  }
}
