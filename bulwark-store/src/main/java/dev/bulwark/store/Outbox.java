package dev.bulwark.store;

import org.jspecify.annotations.Nullable;

/**
 * How the monitoring outbox groups its rows. An exchange belongs to an <em>account</em> (its
 * organization, or its key when it has none) and an account to one of {@link #PARTITIONS}
 * partitions; monitor workers lease whole partitions, so one account's exchanges are analysed in
 * order, by one worker at a time.
 */
public final class Outbox {
  /**
   * The number of partitions, fixed by the schema (migration V3 creates one lease row for each): the
   * most monitor workers that can share the work.
   */
  public static final int PARTITIONS = 16;

  /** The account of exchanges with neither an organization nor a key (refused before auth). */
  public static final String UNKNOWN_ACCOUNT = "unknown";

  private Outbox() {}

  /** The account an event belongs to: its organization, else {@code key:<keyId>}, else unknown. */
  public static String account(@Nullable String orgId, @Nullable String keyId) {
    if (orgId != null) {
      return orgId;
    }
    return keyId != null ? "key:" + keyId : UNKNOWN_ACCOUNT;
  }

  /** The account's partition: stable across processes and releases (String.hashCode is specified). */
  public static int partition(String account) {
    return Math.floorMod(account.hashCode(), PARTITIONS);
  }
}
