package dev.bulwark.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where and how the store keeps its data. Immutable; build one with {@link #builder()}, whose
 * {@link Builder#build()} refuses a bad setting with a message naming it, so a typo stops start-up
 * instead of being "fixed" silently.
 */
public final class StoreConfig {
  /** The embedded default: a SQLite file under the working directory. */
  public static final String DEFAULT_URL = "jdbc:sqlite:./bulwark-data/bulwark.db";

  static final String SQLITE_PREFIX = "jdbc:sqlite:";
  static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  // A password can also travel inside the URL (?password=...); never print it.
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");
  static final int MAX_POOL_SIZE = 64;
  static final int MAX_BATCH = 100_000;
  static final Duration MAX_BATCH_DELAY = Duration.ofSeconds(1);

  private final String url;
  private final Dialect dialect;
  private final @Nullable String user;
  private final @Nullable String password;
  private final int poolSize;
  private final Durability durability;
  private final int maxBatch;
  private final Duration maxBatchDelay;
  private final int maxQueued;
  private final @Nullable String schema;

  private StoreConfig(Builder b, Dialect dialect) {
    this.url = b.url;
    this.dialect = dialect;
    this.user = b.user;
    this.password = b.password;
    this.poolSize = b.poolSize;
    this.durability = b.durability;
    this.maxBatch = b.maxBatch;
    this.maxBatchDelay = b.maxBatchDelay;
    this.maxQueued = b.maxQueued;
    this.schema = b.schema;
  }

  /** A builder with every setting at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this configuration's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.url = url;
    b.user = user;
    b.password = password;
    b.poolSize = poolSize;
    b.durability = durability;
    b.maxBatch = maxBatch;
    b.maxBatchDelay = maxBatchDelay;
    b.maxQueued = maxQueued;
    b.schema = schema;
    return b;
  }

  /** The JDBC URL, which may carry a password; print {@link #redactedUrl()} instead. */
  public String url() {
    return url;
  }

  /** The JDBC URL with any {@code password=} parameter masked, for logs and messages. */
  public String redactedUrl() {
    return redact(url);
  }

  public Dialect dialect() {
    return dialect;
  }

  public @Nullable String user() {
    return user;
  }

  public @Nullable String password() {
    return password;
  }

  /** Pooled connections for reads and admin writes; the event writer has one more of its own. */
  public int poolSize() {
    return poolSize;
  }

  public Durability durability() {
    return durability;
  }

  /** The most events the writer commits in one transaction (an appendAll group is never split). */
  public int maxBatch() {
    return maxBatch;
  }

  /**
   * How long the writer waits for more events after the first of a batch. Zero commits as soon as
   * the writer is free: whatever queued while the previous batch committed goes into the next one.
   */
  public Duration maxBatchDelay() {
    return maxBatchDelay;
  }

  /**
   * The most appends waiting for the writer. Past it an append fails at once rather than letting a
   * stalled database turn into an out-of-memory error.
   */
  public int maxQueued() {
    return maxQueued;
  }

  /** The PostgreSQL schema holding the tables, created if absent; null for the user's default. */
  public @Nullable String schema() {
    return schema;
  }

  @Override
  public String toString() {
    return "StoreConfig{url=" + redactedUrl()
        + ", user=" + user
        + ", password=" + (password == null ? "null" : "<masked>")
        + ", poolSize=" + poolSize
        + ", durability=" + durability
        + ", maxBatch=" + maxBatch
        + ", maxBatchDelay=" + maxBatchDelay
        + ", maxQueued=" + maxQueued
        + ", schema=" + schema
        + "}";
  }

  static String redact(String url) {
    return URL_PASSWORD.matcher(url).replaceAll("$1<masked>");
  }

  /** Builds a {@link StoreConfig}; {@link #build()} checks every setting. */
  public static final class Builder {
    private String url = DEFAULT_URL;
    private @Nullable String user;
    private @Nullable String password;
    private int poolSize = 4;
    private Durability durability = Durability.NORMAL;
    private int maxBatch = 512;
    private Duration maxBatchDelay = Duration.ZERO;
    private int maxQueued = 100_000;
    private @Nullable String schema;

    private Builder() {}

    public Builder url(String url) {
      this.url = requireNonNull(url, "url");
      return this;
    }

    public Builder user(@Nullable String user) {
      this.user = user;
      return this;
    }

    public Builder password(@Nullable String password) {
      this.password = password;
      return this;
    }

    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    public Builder durability(Durability durability) {
      this.durability = requireNonNull(durability, "durability");
      return this;
    }

    public Builder maxBatch(int maxBatch) {
      this.maxBatch = maxBatch;
      return this;
    }

    public Builder maxBatchDelay(Duration maxBatchDelay) {
      this.maxBatchDelay = requireNonNull(maxBatchDelay, "maxBatchDelay");
      return this;
    }

    public Builder maxQueued(int maxQueued) {
      this.maxQueued = maxQueued;
      return this;
    }

    public Builder schema(@Nullable String schema) {
      this.schema = schema;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the first bad setting, e.g. {@code store.url: must
     *     start with jdbc:sqlite: or jdbc:postgresql:, was 'x'}
     */
    public StoreConfig build() {
      Dialect dialect;
      if (url.startsWith(SQLITE_PREFIX)) {
        dialect = Dialect.SQLITE;
        checkSqliteUrl(url);
      } else if (url.startsWith(POSTGRESQL_PREFIX)) {
        dialect = Dialect.POSTGRESQL;
      } else {
        throw new IllegalArgumentException(
            "store.url: must start with " + SQLITE_PREFIX + " or " + POSTGRESQL_PREFIX + ", was '"
                + redact(url) + "'");
      }
      if (dialect == Dialect.SQLITE) {
        // SQLite has no users or schemas; accepting them would hide a config meant for PostgreSQL.
        refuseForSqlite("user", user);
        refuseForSqlite("password", password);
        refuseForSqlite("schema", schema);
      }
      if (user != null && user.isBlank()) {
        throw new IllegalArgumentException("store.user: must not be blank when set");
      }
      if (poolSize < 1 || poolSize > MAX_POOL_SIZE) {
        throw new IllegalArgumentException(
            "store.poolSize: must be between 1 and " + MAX_POOL_SIZE + ", was " + poolSize);
      }
      if (maxBatch < 1 || maxBatch > MAX_BATCH) {
        throw new IllegalArgumentException(
            "store.maxBatch: must be between 1 and " + MAX_BATCH + ", was " + maxBatch);
      }
      if (maxBatchDelay.isNegative() || maxBatchDelay.compareTo(MAX_BATCH_DELAY) > 0) {
        throw new IllegalArgumentException(
            "store.maxBatchDelay: must be between 0 and " + MAX_BATCH_DELAY + ", was "
                + maxBatchDelay);
      }
      if (maxQueued < 1) {
        throw new IllegalArgumentException("store.maxQueued: must be >= 1, was " + maxQueued);
      }
      if (schema != null && !SCHEMA.matcher(schema).matches()) {
        throw new IllegalArgumentException(
            "store.schema: must match " + SCHEMA.pattern() + ", was '" + schema + "'");
      }
      return new StoreConfig(this, dialect);
    }

    private void refuseForSqlite(String field, @Nullable String value) {
      if (value != null) {
        throw new IllegalArgumentException(
            "store." + field + ": only applies to PostgreSQL, but store.url is '" + redact(url)
                + "'");
      }
    }

    private static void checkSqliteUrl(String url) {
      String rest = url.substring(SQLITE_PREFIX.length());
      if (rest.isEmpty() || rest.startsWith(":memory:") || rest.contains("mode=memory")) {
        // Each pooled connection would open its own empty database.
        throw new IllegalArgumentException(
            "store.url: must name a SQLite file (in-memory databases are not shared between"
                + " connections), was '" + redact(url) + "'");
      }
    }
  }
}
