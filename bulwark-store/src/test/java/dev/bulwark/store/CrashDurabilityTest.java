package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract the gateway relies on: once an append's future has completed, the event survives a
 * kill -9 of the process. A child JVM appends and reports completed seqs; it is killed mid-stream;
 * every reported seq must be in the database afterwards, in an intact chain.
 */
@ParameterizedClass
@EnumSource(Dialect.class)
class CrashDurabilityTest {
  @Parameter Dialect dialect;
  @TempDir Path dir;

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // only against a hang; no timing is asserted
  void append_processKilled_everyCompletedAppendSurvives() throws Exception {
    try (TestDatabase db = TestDatabase.create(dialect, dir)) {
      StoreConfig config = db.config().build();
      Process child = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"),
          CrashChild.class.getName(),
          config.url(),
          config.user() == null ? "-" : config.user(),
          config.schema() == null ? "-" : config.schema())
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      List<Long> reported = new ArrayList<>();
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; reported.size() < 3_000 && (line = out.readLine()) != null; ) {
          if (line.startsWith("committed ")) {
            reported.add(Long.parseLong(line.substring("committed ".length())));
          }
        }
      } finally {
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        child.waitFor();
      }
      assertThat(reported).as("the child reported commits before it was killed").hasSize(3_000);

      try (Store store = Store.open(config)) {
        long head = store.events().headSeq();
        assertThat(head).isGreaterThanOrEqualTo(reported.stream().mapToLong(s -> s).max()
            .orElseThrow());
        List<Long> stored = new ArrayList<>();
        for (long after = 0; after < head; after = stored.get(stored.size() - 1)) {
          store.events().read(after, 10_000).forEach(e -> stored.add(e.seq()));
        }
        assertThat(stored).containsAll(reported);
        assertThat(store.events().verify()).isEqualTo(ChainReport.intact(head));
      }
    }
  }
}
