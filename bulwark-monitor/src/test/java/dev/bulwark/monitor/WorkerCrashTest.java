package dev.bulwark.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kill -9 of a worker in the middle of a batch, with a second worker running, then a restart: every
 * exchange is processed once, and the actions, risk scores and audit events are exactly those of a
 * run without a crash.
 */
class WorkerCrashTest {
  static final String FLOWCHART = """
      version: crash-1
      start: [slow]
      nodes:
        slow:
          analyzer: slow
          settings: {ms: 8}
          next:
            - to: marker
        marker:
          analyzer: marker
          settings: {severity: medium}
          next:
            - when: "marker.finding"
              do: [review]
      actions:
        review: {type: review}
        flag: {type: flag}
        incident: {type: incident}
      risk:
        half_life: 1h
        thresholds:
          - {at: 5, do: [flag]}
          - {at: 11, do: [incident]}
      """;
  static final int EXCHANGES = 360;

  @TempDir Path dir;

  static List<Traffic.Ex> traffic() {
    List<Traffic.Ex> out = new ArrayList<>();
    Instant t0 = Instant.parse("2025-03-01T10:00:00Z");
    for (int i = 0; i < EXCHANGES; i++) {
      String org = "org" + (i % 24);
      boolean marked = (i % 24) < 12 && (i / 24) % 2 == 0; // 12 accounts, 8 marked exchanges each
      out.add(new Traffic.Ex(org, "key" + (i % 24), t0.plusMillis(100L * i),
          (marked ? "FLAG-ME " : "") + "exchange number " + i, "answer " + i));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void killDashNineMidBatch_restart_everyExchangeOnceAndNoActionTwice(Dialect dialect) throws Exception {
    Files.createDirectories(dir.resolve("crash"));
    Files.createDirectories(dir.resolve("reference"));
    Path flowchartFile = dir.resolve("flowchart.yaml");
    Files.writeString(flowchartFile, FLOWCHART);
    try (TestDb db = TestDb.create(dialect, dir.resolve("crash"));
        TestDb reference = TestDb.create(dialect, dir.resolve("reference"))) {
      // The reference: the same traffic through one worker that never crashes.
      Store refStore = reference.open();
      Traffic.append(refStore, traffic());
      Flowchart fc = new FlowchartParser(TestAnalyzers.registry(), Set.of("standard")).parse(FLOWCHART, "test");
      try (Monitor m = Monitor.builder().store(refStore).flowcharts(new FlowchartSource(fc))
          .settings(MonitorSettings.builder().workerId("ref").threads(2).build()).build()) {
        m.drain(Duration.ofSeconds(60));
      }
      assertThat(reference.count("SELECT COUNT(*) FROM monitor_runs")).isEqualTo(EXCHANGES);
      assertThat(reference.count("SELECT COUNT(*) FROM monitor_effects WHERE type = 'review'")).isGreaterThan(50);
      assertThat(reference.count("SELECT COUNT(*) FROM monitor_effects WHERE type = 'incident'")).isGreaterThan(5);

      Store store = db.open();
      Traffic.append(store, traffic());
      Process a = start(db, "worker-a", flowchartFile);
      Process b = start(db, "worker-b", flowchartFile);
      Process a2 = null;
      try {
        awaitCount(db, "SELECT COUNT(*) FROM monitor_runs", 60, Duration.ofSeconds(60));
        long ownedByA = db.count("SELECT COUNT(*) FROM monitor_partitions WHERE owner = 'worker-a'");
        a.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no release of its partitions
        assertThat(ownedByA).as("worker-a had partitions when killed").isPositive();
        long atKill = db.count("SELECT COUNT(*) FROM monitor_runs");
        assertThat(atKill).as("killed before the end").isLessThan(EXCHANGES);
        a2 = start(db, "worker-a2", flowchartFile);
        awaitCount(db, "SELECT COUNT(*) FROM monitor_runs", EXCHANGES, Duration.ofSeconds(90));
        awaitZero(db, "SELECT COUNT(*) FROM monitor_outbox", Duration.ofSeconds(30));
      } finally {
        b.destroyForcibly().waitFor();
        if (a2 != null) {
          a2.destroyForcibly().waitFor();
        }
        a.destroyForcibly().waitFor();
      }

      assertThat(db.count("SELECT COUNT(DISTINCT seq) FROM monitor_runs")).isEqualTo(EXCHANGES);
      assertThat(db.count("SELECT COUNT(*) FROM monitor_dead_letters")).isZero();
      String effects = "SELECT seq, action_name, type, status FROM monitor_effects ORDER BY seq, action_name";
      assertThat(db.rows(effects)).as("the same actions as without a crash, each once").isEqualTo(reference.rows(effects));
      assertThat(db.count("SELECT COUNT(*) FROM events WHERE type = 'monitor.action'"))
          .as("one audit event per action").isEqualTo(reference.count("SELECT COUNT(*) FROM monitor_effects"));
      assertThat(db.count("SELECT COUNT(*) FROM review_queue")).isEqualTo(reference.count("SELECT COUNT(*) FROM review_queue"));
      assertThat(db.count("SELECT COUNT(*) FROM incident_evidence"))
          .isEqualTo(reference.count("SELECT COUNT(*) FROM incident_evidence"));
      String risk = "SELECT account, ROUND(CAST(score AS NUMERIC), 6) FROM monitor_account_risk ORDER BY account";
      if (dialect == Dialect.SQLITE) {
        risk = "SELECT account, ROUND(score, 6) FROM monitor_account_risk ORDER BY account";
      }
      assertThat(db.rows(risk)).as("risk counted once per finding").isEqualTo(reference.rows(risk));
      assertThat(db.count("SELECT COUNT(DISTINCT worker) FROM monitor_runs")).as("the work was shared").isGreaterThan(1);
      assertThat(store.events().verify().intact()).isTrue();
    }
  }

  private static Process start(TestDb db, String worker, Path flowchart) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), MonitorChild.class.getName()));
    cmd.addAll(db.childArgs());
    cmd.addAll(List.of(worker, flowchart.toString(), "1000"));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("worker " + worker + " started").isEqualTo("started");
    return p;
  }

  private static void awaitCount(TestDb db, String sql, long atLeast, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (db.count(sql) < atLeast) {
      assertThat(System.nanoTime()).as(sql + " to reach " + atLeast).isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private static void awaitZero(TestDb db, String sql, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (db.count(sql) > 0) {
      assertThat(System.nanoTime()).as(sql + " to reach 0").isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
