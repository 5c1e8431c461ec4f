/**
 * Bulwark's storage: the hash-chained event log, the monitoring outbox, and API keys, organizations
 * and tiers, on SQLite (embedded default) or PostgreSQL.
 *
 * <p>{@link dev.bulwark.store.Store#open(dev.bulwark.store.StoreConfig)} migrates the schema and
 * starts the single writer thread that group-commits {@link dev.bulwark.store.EventLog} appends.
 * Everything in {@code dev.bulwark.store.internal} may change without notice.
 */
@NullMarked
package dev.bulwark.store;

import org.jspecify.annotations.NullMarked;
