package dev.bulwark.monitor;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What became of a batch's deliveries: done (they leave the queue), to retry after a delay, or dead
 * (they move to the dead letters with the reason). Deliveries in none of the lists stay queued as they
 * were (a later entry of an account whose earlier entry failed, kept back to keep the account's order).
 */
public final class Acknowledgement {
  private final List<Delivery> done = new ArrayList<>();
  private final List<Failure> retries = new ArrayList<>();
  private final List<Failure> dead = new ArrayList<>();

  /** A failed delivery, why it failed, and when it may be tried again (for retries). */
  public record Failure(Delivery delivery, String reason, Instant notBefore) {
    public Failure {
      requireNonNull(delivery, "delivery");
      requireNonNull(reason, "reason");
      requireNonNull(notBefore, "notBefore");
    }
  }

  public Acknowledgement done(Delivery d) {
    done.add(requireNonNull(d, "d"));
    return this;
  }

  public Acknowledgement retry(Delivery d, String reason, Instant notBefore) {
    retries.add(new Failure(d, reason, notBefore));
    return this;
  }

  public Acknowledgement dead(Delivery d, String reason, Instant at) {
    dead.add(new Failure(d, reason, at));
    return this;
  }

  public List<Delivery> done() {
    return List.copyOf(done);
  }

  public List<Failure> retries() {
    return List.copyOf(retries);
  }

  public List<Failure> dead() {
    return List.copyOf(dead);
  }

  /** Every delivery it mentions. */
  public List<Delivery> all() {
    List<Delivery> all = new ArrayList<>(done);
    retries.forEach(f -> all.add(f.delivery()));
    dead.forEach(f -> all.add(f.delivery()));
    return all;
  }

  public boolean isEmpty() {
    return done.isEmpty() && retries.isEmpty() && dead.isEmpty();
  }
}
