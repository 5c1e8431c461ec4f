package dev.bulwark.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flowcharts swap while exchanges stream in: nothing is lost, nothing runs twice, each run is one version. */
class FlowchartReloadTest {
  static String flowchart(int version) {
    return """
        version: reload-%d
        start: [marker]
        nodes:
          marker:
            analyzer: marker
            next:
              - when: "marker.finding"
                do: [review]
              - to: rules
          rules:
            analyzer: rules
        actions:
          review: {type: review}
        """.formatted(version);
  }

  @TempDir Path dir;

  @Test
  void swap_underLoad_losesAndDuplicatesNothing() throws Exception {
    FlowchartParser parser = new FlowchartParser(TestAnalyzers.registry(), Set.of());
    try (TestDb db = TestDb.create(Dialect.SQLITE, dir)) {
      Store store = db.open();
      FlowchartSource source = new FlowchartSource(parser.parse(flowchart(0), "v0"));
      Set<String> versions = new HashSet<>();
      versions.add(source.current().version());
      AtomicBoolean producing = new AtomicBoolean(true);
      List<Long> appended = java.util.Collections.synchronizedList(new ArrayList<>());
      Thread producer = new Thread(() -> {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        int i = 0;
        while (producing.get()) {
          List<Traffic.Ex> batch = new ArrayList<>();
          for (int j = 0; j < 10; j++, i++) {
            batch.add(new Traffic.Ex("org" + (i % 7), "k" + (i % 7), t.plusMillis(i), (i % 3 == 0 ? "FLAG-ME " : "") + i, "ok"));
          }
          appended.addAll(Traffic.append(store, batch));
        }
      });
      try (Monitor m = Monitor.builder().store(store).flowcharts(source)
          .settings(MonitorSettings.builder().workerId("w").batchSize(25).pollInterval(Duration.ofMillis(5)).build())
          .build()) {
        m.start();
        producer.start();
        for (int v = 1; v <= 12; v++) {
          // Swap once the running version has run something, rather than after a fixed sleep: on a
          // slow machine the monitor may run nothing for a while, and the runs must still spread.
          String running = source.current().version();
          awaitTrue(() -> db.count("SELECT COUNT(*) FROM monitor_runs WHERE flowchart_version = ?", running) > 0);
          Flowchart next = parser.parse(flowchart(v), "v" + v);
          source.swap(next);
          versions.add(next.version());
        }
        awaitTrue(() -> appended.size() > 100);
        producing.set(false);
        producer.join();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (db.count("SELECT COUNT(*) FROM monitor_outbox") > 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      assertThat(appended.size()).isGreaterThan(100);
      assertThat(db.count("SELECT COUNT(*) FROM monitor_outbox")).isZero();
      assertThat(db.count("SELECT COUNT(*) FROM monitor_runs")).as("every exchange ran").isEqualTo(appended.size());
      assertThat(db.count("SELECT COUNT(DISTINCT seq) FROM monitor_runs")).isEqualTo(appended.size());
      long marked = db.count("SELECT COUNT(*) FROM monitor_runs WHERE path LIKE '%marker found%'");
      assertThat(db.count("SELECT COUNT(*) FROM monitor_effects")).as("one review per marked exchange").isEqualTo(marked);
      assertThat(db.count("SELECT COUNT(*) FROM review_queue")).isEqualTo(marked);
      List<String> used = db.rows("SELECT DISTINCT flowchart_version FROM monitor_runs").stream()
          .map(r -> String.valueOf(r.get(0))).toList();
      assertThat(versions).containsAll(used);
      assertThat(used.size()).as("runs spread over several versions").isGreaterThan(2);
      // A run is one version whole: every run has both nodes, in the order of its version.
      assertThat(db.count("SELECT COUNT(*) FROM monitor_runs WHERE nodes <> 'marker,rules'")).isZero();
    }
  }

  @Test
  void watch_invalidFileThenValidOne_keepsTheRunningVersionThenSwaps() throws Exception {
    FlowchartParser parser = new FlowchartParser(TestAnalyzers.registry(), Set.of());
    Path file = dir.resolve("flowchart.yaml");
    Files.writeString(file, flowchart(1));
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (FlowchartSource source = new FlowchartSource(parser.parse(file))) {
      String first = source.current().version();
      source.watch(file, parser, timer, Duration.ofMillis(10));
      Files.writeString(file, flowchart(2).replace("analyzer: rules", "analyzer: rulez"));
      awaitTrue(() -> source.failedReloads() > 0);
      assertThat(source.current().version()).isEqualTo(first);
      assertThat(source.lastError()).contains("node 'rules'", "unknown analyzer 'rulez'");
      Files.writeString(file, flowchart(3));
      awaitTrue(() -> source.current().declaredVersion().equals("reload-3"));
      assertThat(source.lastError()).isNull();
    } finally {
      timer.shutdownNow();
      assertThat(timer.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
