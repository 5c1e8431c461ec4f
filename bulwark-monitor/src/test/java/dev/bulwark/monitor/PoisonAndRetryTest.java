package dev.bulwark.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.monitor.incident.DeadLetter;
import dev.bulwark.monitor.incident.DeadLetters;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Poison entries go to the dead letters with their reason, and everything else keeps flowing. */
class PoisonAndRetryTest {
  static final String FLOWCHART = """
      version: poison-1
      start: [explode]
      nodes:
        explode:
          analyzer: explode
          next:
            - to: marker
        marker:
          analyzer: marker
          next:
            - when: "marker.finding"
              do: [review]
      actions:
        review: {type: review}
      """;
  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  @TempDir Path dir;

  private static Monitor monitor(Store store, int maxAttempts) {
    Flowchart fc = new FlowchartParser(TestAnalyzers.registry(), Set.of()).parse(FLOWCHART, "test");
    return Monitor.builder().store(store).flowcharts(new FlowchartSource(fc))
        .settings(MonitorSettings.builder().workerId("w").maxAttempts(maxAttempts)
            .backoff(Duration.ofMillis(30), Duration.ofMillis(60)).build())
        .build();
  }

  @Test
  void drain_unreadablePayloadAndCrashingAnalyzer_deadLetteredWhileTheRestFlow() throws Exception {
    try (TestDb db = TestDb.create(Dialect.SQLITE, dir)) {
      Store store = db.open();
      List<Traffic.Ex> before = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        before.add(new Traffic.Ex("org" + (i % 4), "k" + (i % 4), T0.plusSeconds(i), "FLAG-ME hello " + i, "hi"));
      }
      Traffic.append(store, before);
      long unreadable = Traffic.appendPoison(store, "org1", T0.plusSeconds(30));
      long crashing = Traffic.append(store, new Traffic.Ex("org2", "k2", T0.plusSeconds(31), "EXPLODE please", "x"));
      long afterPoison = Traffic.append(store, new Traffic.Ex("org2", "k2", T0.plusSeconds(32), "FLAG-ME after", "x"));
      try (Monitor m = monitor(store, 3)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (db.count("SELECT COUNT(*) FROM monitor_outbox") > 0 && System.nanoTime() < deadline) {
          m.runOnce();
          Thread.sleep(20);
        }
      }
      assertThat(db.count("SELECT COUNT(*) FROM monitor_outbox")).isZero();
      assertThat(db.count("SELECT COUNT(*) FROM monitor_runs")).isEqualTo(21);
      List<DeadLetter> dead = new DeadLetters(store, Clock.systemUTC()).list(10);
      assertThat(dead).extracting(DeadLetter::seq).containsExactly(unreadable, crashing);
      assertThat(dead.get(0).reason()).startsWith("poison:").contains("not JSON");
      assertThat(dead.get(0).attempts()).as("never retried").isOne();
      assertThat(dead.get(1).reason()).startsWith("failed 3 times").contains("cannot digest");
      assertThat(dead.get(1).attempts()).isEqualTo(3);
      assertThat(db.count("SELECT COUNT(*) FROM monitor_runs WHERE seq = ?", afterPoison))
          .as("the account's later exchange ran once the poison was out of its way").isOne();
      long crashingRun = db.count("SELECT COUNT(*) FROM monitor_runs WHERE seq = ?", crashing);
      assertThat(crashingRun).isZero();
    }
  }

  @Test
  void drain_failingEntry_holdsBackItsAccountsLaterEntriesUntilItsRetry() throws Exception {
    try (TestDb db = TestDb.create(Dialect.SQLITE, dir)) {
      Store store = db.open();
      long crashing = Traffic.append(store, new Traffic.Ex("org2", "k2", T0, "EXPLODE", "x"));
      long later = Traffic.append(store, new Traffic.Ex("org2", "k2", T0.plusSeconds(1), "fine", "x"));
      long other = Traffic.append(store, new Traffic.Ex("org3", "k3", T0.plusSeconds(2), "fine", "x"));
      try (Monitor m = Monitor.builder().store(store)
          .flowcharts(new FlowchartSource(new FlowchartParser(TestAnalyzers.registry(), Set.of()).parse(FLOWCHART, "t")))
          .settings(MonitorSettings.builder().workerId("w").maxAttempts(5)
              .backoff(Duration.ofMinutes(10), Duration.ofMinutes(10)).build()).build()) {
        m.runOnce();
        m.runOnce();
      }
      assertThat(db.count("SELECT COUNT(*) FROM monitor_runs WHERE seq = ?", other)).as("other accounts flow").isOne();
      assertThat(db.count("SELECT COUNT(*) FROM monitor_runs WHERE seq = ?", later))
          .as("in order: waits behind its account's retry").isZero();
      assertThat(db.count("SELECT attempts FROM monitor_outbox WHERE seq = ?", crashing)).isOne();
      assertThat(db.rows("SELECT last_error FROM monitor_outbox WHERE seq = " + crashing).get(0).get(0))
          .contains("cannot digest");
    }
  }

  @Test
  void requeue_deadLetter_processedOnceTheCauseIsGone() throws Exception {
    try (TestDb db = TestDb.create(Dialect.SQLITE, dir)) {
      Store store = db.open();
      long crashing = Traffic.append(store, new Traffic.Ex("org2", "k2", T0, "EXPLODE", "x"));
      try (Monitor m = monitor(store, 1)) {
        m.runOnce();
      }
      DeadLetters dead = new DeadLetters(store, Clock.systemUTC());
      assertThat(dead.list(10)).extracting(DeadLetter::seq).containsExactly(crashing);
      assertThat(dead.requeue(crashing)).isTrue();
      assertThat(dead.requeue(crashing)).as("only once").isFalse();
      // The operator fixed the cause: a flowchart without the analyzer that crashed.
      Flowchart fixed = new FlowchartParser(TestAnalyzers.registry(), Set.of())
          .parse("""
              version: poison-2
              start: [marker]
              nodes:
                marker: {analyzer: marker}
              """, "fixed");
      try (Monitor m = Monitor.builder().store(store).flowcharts(new FlowchartSource(fixed))
          .settings(MonitorSettings.builder().workerId("w").build()).build()) {
        m.drain(Duration.ofSeconds(10));
      }
      assertThat(dead.list(10)).isEmpty();
      assertThat(db.count("SELECT COUNT(*) FROM monitor_runs WHERE seq = ?", crashing)).isOne();
    }
  }
}
