package dev.bulwark.store;

/** The database behind a {@link Store}, chosen by the JDBC URL's prefix. */
public enum Dialect {
  /** {@code jdbc:sqlite:} — one file in WAL mode; the embedded default. */
  SQLITE,
  /** {@code jdbc:postgresql:} — for replicated gateways and scale. */
  POSTGRESQL
}
