package dev.bulwark.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Prints the event log's append throughput on each dialect; asserts nothing. Many producers each
 * keep a window of appends in flight, as a gateway with many concurrent requests would.
 *
 * <pre>
 * mvn -o -q -pl bulwark-store test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=target/cp.txt   # from the repository root
 * cd bulwark-store
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
 *     dev.bulwark.store.StoreThroughput [events] [producers] [window]
 * </pre>
 */
public final class StoreThroughput {
  private StoreThroughput() {}

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int producers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    Path dir = Files.createTempDirectory("bulwark-throughput");
    try {
      for (Dialect dialect : Dialect.values()) {
        for (Durability durability : Durability.values()) {
          if (dialect == Dialect.POSTGRESQL && durability == Durability.FULL) {
            continue; // the same as NORMAL on PostgreSQL
          }
          Path sub = Files.createDirectories(dir.resolve(dialect + "-" + durability));
          try (TestDatabase db = TestDatabase.create(dialect, sub);
              Store store = Store.open(db.config().durability(durability).build())) {
            run(store, 20_000, producers, window); // warm-up
            long before = store.events().stats().batchesCommitted();
            long nanos = run(store, events, producers, window);
            long batches = store.events().stats().batchesCommitted() - before;
            System.out.printf("%-10s %-6s %,9d events  %8.0f events/s  %,7d batches"
                    + "  (%.0f events/batch, %d producers x %d in flight)%n",
                dialect, durability, events, events / (nanos / 1e9), batches,
                (double) events / batches, producers, window);
            if (!store.events().verify().intact()) {
              throw new AssertionError("chain broken after the run");
            }
          }
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static long run(Store store, int events, int producers, int window) throws Exception {
    // About the size of a decision event: ids, scores, versions, latencies.
    String body = "{\"action\":\"allow\",\"status\":\"scanned\",\"policy\":\"standard@3\","
        + "\"classifiers\":{\"prompt\":\"cc-1.4.2\",\"output\":\"sc-2.0.1\"},"
        + "\"scores\":{\"cbrn\":0.0123,\"cyber\":0.0045,\"bio\":0.0007},"
        + "\"thresholds\":{\"cbrn\":0.5,\"cyber\":0.6,\"bio\":0.5},"
        + "\"latency_ms\":{\"auth\":0.2,\"prompt\":3.1,\"stream\":41.7},"
        + "\"model\":\"frontier-1\",\"tokens\":{\"in\":812,\"out\":344}}";
    int perProducer = events / producers;
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread t = new Thread(() -> {
        ArrayDeque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
        for (int i = 0; i < perProducer; i++) {
          String requestId = "req-" + producer + "-" + i;
          boolean decision = i % 2 == 1;
          inFlight.add(store.events().append(new EventRecord(
              decision ? "request.decided" : "request.started", requestId, "key-" + producer,
              "acme", Instant.now(), body, decision)));
          if (inFlight.size() >= window) {
            inFlight.poll().join();
          }
        }
        inFlight.forEach(CompletableFuture::join);
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    return System.nanoTime() - start;
  }
}
