package dev.bulwark.monitor;

import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * A monitor worker in a process of its own, for the crash tests: {@code url user schema worker
 * flowchart-file lease-ms} ("-" for no user or schema). Prints "started" once running, then runs
 * until killed.
 */
public final class MonitorChild {
  private MonitorChild() {}

  public static void main(String[] args) throws Exception {
    StoreConfig.Builder config = StoreConfig.builder().url(args[0]);
    if (!args[1].equals("-")) {
      config.user(args[1]);
    }
    if (!args[2].equals("-")) {
      config.schema(args[2]);
    }
    Store store = Store.open(config.build());
    Flowchart fc = new FlowchartParser(TestAnalyzers.registry(), Set.of("standard")).parse(Path.of(args[4]));
    Monitor monitor = Monitor.builder()
        .store(store)
        .flowcharts(new FlowchartSource(fc))
        .settings(MonitorSettings.builder()
            .workerId(args[3])
            .batchSize(16)
            .threads(1)
            .lease(Duration.ofMillis(Long.parseLong(args[5])))
            .pollInterval(Duration.ofMillis(20))
            .build())
        .build()
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      monitor.close();
      store.close();
    }));
    System.out.println("started");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
