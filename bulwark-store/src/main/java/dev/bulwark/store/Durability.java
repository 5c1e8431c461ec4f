package dev.bulwark.store;

/**
 * What a commit survives. An append's future completes only after its commit, so this decides what
 * "recorded before the request was forwarded" means.
 */
public enum Durability {
  /**
   * Survives a crash of the process (kill -9), not necessarily of the machine: SQLite
   * {@code synchronous=NORMAL} in WAL mode hands each commit to the OS without an fsync.
   * PostgreSQL keeps {@code synchronous_commit=on} either way.
   */
  NORMAL,
  /** Survives power loss too: SQLite {@code synchronous=FULL} fsyncs the WAL on every commit. */
  FULL
}
