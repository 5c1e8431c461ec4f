package dev.bulwark.store;

import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * The process {@link CrashDurabilityTest} kills: it appends without end and prints each seq once
 * its future has completed, i.e. once the store says the event is committed.
 *
 * <p>Arguments: JDBC URL, then user and schema or {@code -} for none.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) {
    StoreConfig.Builder config = StoreConfig.builder().url(args[0]);
    if (!args[1].equals("-")) {
      config.user(args[1]);
    }
    if (!args[2].equals("-")) {
      config.schema(args[2]);
    }
    Store store = Store.open(config.build());
    // Many appends in flight, as under load, but a bounded number of them.
    Semaphore inFlight = new Semaphore(1_024);
    for (long i = 0; ; i++) {
      inFlight.acquireUninterruptibly();
      store.events()
          .append(new EventRecord("request.started", "crash-" + i, null, null, Instant.now(),
              "{\"i\":" + i + "}", i % 2 == 0))
          .whenComplete((seq, error) -> {
            if (error == null) {
              System.out.println("committed " + seq);
            }
            inFlight.release();
          });
    }
  }
}
