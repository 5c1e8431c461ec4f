-- Bulwark store, version 1. Runs unchanged on SQLite and PostgreSQL: only BIGINT, INTEGER and TEXT
-- columns, no SERIAL, no dialect syntax. Times are BIGINT microseconds since the Unix epoch.

-- The append-only, hash-chained event log. seq is assigned by the writer from chain_head inside the
-- transaction that inserts the event, so it is dense (1, 2, 3, ...) and a gap means a deletion.
CREATE TABLE events (
  seq         BIGINT  NOT NULL PRIMARY KEY,
  type        TEXT    NOT NULL,
  request_id  TEXT,
  key_id      TEXT,
  org_id      TEXT,
  occurred_at BIGINT  NOT NULL,
  body        TEXT    NOT NULL,
  prev_hash   TEXT    NOT NULL,
  hash        TEXT    NOT NULL
);
CREATE INDEX events_request_id ON events (request_id);
CREATE INDEX events_type ON events (type);

-- The newest event's seq and hash: one row, read and updated inside every appending transaction,
-- which is what serializes writers across processes
-- (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE).
CREATE TABLE chain_head (
  id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  seq  BIGINT  NOT NULL,
  hash TEXT    NOT NULL
);
INSERT INTO chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Work for the monitor: one row per event appended with toOutbox, written in the event's
-- transaction; seq is the event's seq. Consumers lease rows (lease_owner, lease_expires_at; on
-- PostgreSQL with FOR UPDATE SKIP LOCKED) and retry them. No foreign key to events: the outbox is a
-- work queue whose rows are marked done or pruned on their own schedule.
CREATE TABLE monitor_outbox (
  seq              BIGINT  NOT NULL PRIMARY KEY,
  request_id       TEXT,
  enqueued_at      BIGINT  NOT NULL,
  status           TEXT    NOT NULL DEFAULT 'pending',
  lease_owner      TEXT,
  lease_expires_at BIGINT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT
);
CREATE INDEX monitor_outbox_status ON monitor_outbox (status, seq);

CREATE TABLE organizations (
  id         TEXT   NOT NULL PRIMARY KEY,
  name       TEXT   NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE tiers (
  name       TEXT   NOT NULL PRIMARY KEY,
  policy     TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
  id          TEXT   NOT NULL PRIMARY KEY,
  org_id      TEXT   NOT NULL REFERENCES organizations (id),
  tier        TEXT   NOT NULL REFERENCES tiers (name),
  secret_hash TEXT   NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT,
  revoked_at  BIGINT,
  label       TEXT
);
CREATE INDEX api_keys_org_id ON api_keys (org_id);
CREATE INDEX api_keys_tier ON api_keys (tier);

-- Counters. change_version increases with every change to keys, tiers and organizations.
CREATE TABLE store_meta (
  key   TEXT   NOT NULL PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO store_meta (key, value) VALUES ('change_version', 0);
