package dev.bulwark.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Write transactions of other modules' tables whose audit events join the hash chain in the same
 * commit, for modules that keep their own tables in this store (the monitor's effects, incidents and
 * review queue): either the rows and their audit events are all committed, or none is.
 *
 * <p>Like the key store's writes, a transaction first takes the chain's write lock (SQLite: {@code
 * BEGIN IMMEDIATE}; PostgreSQL: the chain head's row lock), so keep it short and never call out of
 * the process inside it.
 */
public interface AuditedWrites {
  /**
   * Runs {@code work} in one write transaction and commits it with the events it audited; an
   * exception thrown by {@code work} rolls everything back and propagates ({@link SQLException}s
   * wrapped in a {@link StoreException} naming {@code what}).
   */
  <T> T write(String what, Work<T> work);

  /** A unit of work inside {@link #write}. */
  @FunctionalInterface
  interface Work<T> {
    T apply(Tx tx) throws SQLException;
  }

  /** One write transaction. Not thread-safe; valid only inside the {@link Work} it was given to. */
  interface Tx {
    /**
     * The transaction's connection, for the caller's own statements. Do not commit, roll back,
     * close it or change its auto-commit mode.
     */
    Connection connection();

    /** Appends {@code event} to the hash chain when the transaction commits. */
    void audit(EventRecord event);

    /**
     * Marks the transaction as changing keys, tiers or step-downs, so that gateways' key
     * directories reload on their next poll (it increases {@link KeyStore#changeVersion()}).
     */
    void changedAccess();
  }
}
