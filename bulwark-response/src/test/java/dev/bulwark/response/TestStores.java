package dev.bulwark.response;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.core.Ticker;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.response.gate.ValidationGate;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoredEvent;
import dev.bulwark.store.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One database for a test, as several servers share it: SQLite in a folder, or a fresh schema of the
 * local PostgreSQL (127.0.0.1:5432, database {@code test}, user {@code postgres}; skipped, with the
 * reason, where it is not running). {@link #openAgain} opens another pool, as a second server does.
 * Also the quick responder these tests patch with.
 */
final class TestStores implements AutoCloseable {
  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";

  private final List<Store> opened = new ArrayList<>();
  private @Nullable String schema;
  private @Nullable StoreConfig config;

  static Stream<Dialect> dialects() {
    return Stream.of(Dialect.SQLITE, Dialect.POSTGRESQL);
  }

  Store open(Dialect dialect, Path dir) {
    if (dialect == Dialect.POSTGRESQL) {
      try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null)) {
        assumeTrue(c.isValid(2), "PostgreSQL not reachable");
      } catch (SQLException e) {
        assumeTrue(false, "PostgreSQL not reachable at " + PG_URL + ": " + e.getMessage());
      }
      schema = "bw_ls_" + HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
          (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
      config = StoreConfig.builder().url(PG_URL).user("postgres").schema(schema).build();
    } else {
      config = StoreConfig.builder().url("jdbc:sqlite:" + dir.resolve("b.db")).build();
    }
    return openAgain();
  }

  /** The same database through another pool, as a second server opens it. */
  Store openAgain() {
    Store s = Store.open(Objects.requireNonNull(config, "open first"));
    opened.add(s);
    return s;
  }

  /**
   * A quick responder: no classifier patch and no embedder (so no exemplar patch), an empty evaluation
   * base; signature and prompt patches through the real gate, on the small generated pool.
   */
  static RapidResponse.Builder quick(Store store, Clock clock, ValidationGate.Settings gate, Supplier<TrainingPool> pool) {
    return RapidResponse.builder()
        .store(store)
        .clock(clock)
        .encoder(Fixtures::encoder)
        .baseClassifier(Fixtures::toy)
        .pool(pool)
        .classifierPatch(null)
        .gate(gate)
        .canonicalizer(Canonicalizer.defaults())
        .evaluationBase(SafeguardPipeline.builder().build(Runnable::run, Ticker.system()));
  }

  /** The bodies of the audit log's events of {@code type}, oldest first. */
  static List<String> events(Store store, String type) {
    List<String> out = new ArrayList<>();
    long after = 0;
    for (List<StoredEvent> page = store.events().read(0, 1000); !page.isEmpty(); page = store.events().read(after, 1000)) {
      for (StoredEvent e : page) {
        if (e.type().equals(type)) {
          out.add(e.body());
        }
        after = e.seq();
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    opened.forEach(Store::close);
    if (schema != null) {
      try (Connection c = DriverManager.getConnection(PG_URL, "postgres", null); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }
}
