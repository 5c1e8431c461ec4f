-- Bulwark store, version 7: leases (bulwark-response). The same portable subset as versions 1 to 6.
--
-- A lease makes one piece of work exclusive across the servers sharing the store, for a bounded time:
-- 'patch:FAMILY' while a server runs the rapid-response loop for that family, 'shadow:RELEASE' while
-- a server holds that release's shadow period (its live counts are in that server's memory). holder
-- names the process (pid@host and a random suffix); expires_at (epoch microseconds, from the holder's
-- clock) bounds how long a holder that died keeps others out. Taken and renewed in a transaction with
-- a conditional UPDATE, then an INSERT ... ON CONFLICT DO NOTHING: of two servers asking at once, one
-- writes the row and the other finds it held.
CREATE TABLE response_leases (
  name        TEXT   NOT NULL PRIMARY KEY,
  holder      TEXT   NOT NULL,
  acquired_at BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);
