-- Bulwark store, version 3: the asynchronous monitor (bulwark-monitor). The same portable subset as
-- versions 1 and 2 (BIGINT, INTEGER, TEXT, and DOUBLE PRECISION for scores; times as BIGINT epoch
-- microseconds; no dialect syntax).

-- The outbox learns whose exchange a row is and carries the exchange's text for the monitor alone.
-- account: the organization (or "key:<id>" for a key without one); part: the account's partition
-- (dev.bulwark.store.Outbox), the unit that monitor workers lease so that one account's exchanges are
-- analysed in order by one worker at a time; payload: the prompt and completion text as JSON, kept
-- only until the monitor has processed the row (the audit log keeps digests when the tier retains
-- hashes); available_at: when a row that failed may be tried again (retries back off).
ALTER TABLE monitor_outbox ADD COLUMN account TEXT;
ALTER TABLE monitor_outbox ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
ALTER TABLE monitor_outbox ADD COLUMN payload TEXT;
ALTER TABLE monitor_outbox ADD COLUMN available_at BIGINT NOT NULL DEFAULT 0;

-- Partition leases: a worker owns a partition until lease_expires_at and renews it while alive; a
-- dead worker's partitions come back when their leases expire. epoch increases with every change of
-- owner, so a worker that lost its lease cannot commit work for it (fencing).
CREATE TABLE monitor_partitions (
  part             INTEGER NOT NULL PRIMARY KEY,
  owner            TEXT,
  lease_expires_at BIGINT  NOT NULL DEFAULT 0,
  epoch            BIGINT  NOT NULL DEFAULT 0
);
INSERT INTO monitor_partitions (part) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10),
  (11), (12), (13), (14), (15);

-- Live workers, for sharing the partitions fairly: a worker counts while its heartbeat is recent.
CREATE TABLE monitor_workers (
  id           TEXT   NOT NULL PRIMARY KEY,
  started_at   BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL
);

-- One row per processed outbox event: the flowchart version, the path taken with each node's output,
-- cost and latency (path is JSON), and the few features later runs of the same account read back
-- (conversation-level aggregation and the rules): never text.
CREATE TABLE monitor_runs (
  seq               BIGINT           NOT NULL PRIMARY KEY,
  request_id        TEXT,
  account           TEXT             NOT NULL,
  occurred_at       BIGINT           NOT NULL,
  processed_at      BIGINT           NOT NULL,
  worker            TEXT             NOT NULL,
  flowchart_version TEXT             NOT NULL,
  nodes             TEXT             NOT NULL,
  cost_units        DOUBLE PRECISION NOT NULL,
  latency_us        BIGINT           NOT NULL,
  attempts          INTEGER          NOT NULL,
  path              TEXT             NOT NULL,
  features          TEXT             NOT NULL
);
CREATE INDEX monitor_runs_account ON monitor_runs (account, occurred_at);
CREATE INDEX monitor_runs_processed_at ON monitor_runs (processed_at);

-- What the analyzers found, one row per finding.
CREATE TABLE monitor_findings (
  id         TEXT             NOT NULL PRIMARY KEY,
  seq        BIGINT           NOT NULL,
  account    TEXT             NOT NULL,
  node       TEXT             NOT NULL,
  analyzer   TEXT             NOT NULL,
  category   TEXT             NOT NULL,
  severity   TEXT             NOT NULL,
  score      DOUBLE PRECISION NOT NULL,
  summary    TEXT             NOT NULL,
  created_at BIGINT           NOT NULL
);
CREATE INDEX monitor_findings_seq ON monitor_findings (seq);
CREATE INDEX monitor_findings_account ON monitor_findings (account, created_at);

-- Events that could not be processed, with the reason; removed from the outbox.
CREATE TABLE monitor_dead_letters (
  seq        BIGINT  NOT NULL PRIMARY KEY,
  request_id TEXT,
  account    TEXT,
  part       INTEGER NOT NULL,
  attempts   INTEGER NOT NULL,
  reason     TEXT    NOT NULL,
  failed_at  BIGINT  NOT NULL,
  payload    TEXT
);

-- Each account's decayed risk score: the value at updated_at, decaying with the configured half-life.
CREATE TABLE monitor_account_risk (
  account    TEXT             NOT NULL PRIMARY KEY,
  score      DOUBLE PRECISION NOT NULL,
  updated_at BIGINT           NOT NULL,
  flagged_at BIGINT
);

-- Every action the monitor took, exactly once per (event, action): the primary key is what makes a
-- redelivered event's actions no-ops. status: done, pending (a webhook not yet delivered), failed,
-- reversed.
CREATE TABLE monitor_effects (
  seq            BIGINT  NOT NULL,
  action_name    TEXT    NOT NULL,
  id             TEXT    NOT NULL UNIQUE,
  type           TEXT    NOT NULL,
  account        TEXT    NOT NULL,
  status         TEXT    NOT NULL,
  detail         TEXT    NOT NULL,
  created_at     BIGINT  NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  next_try_at    BIGINT,
  reversed_at    BIGINT,
  reversed_by    TEXT,
  reverse_reason TEXT,
  PRIMARY KEY (seq, action_name)
);
CREATE INDEX monitor_effects_account ON monitor_effects (account, created_at);
CREATE INDEX monitor_effects_status ON monitor_effects (status, next_try_at);

-- Incidents: an account's suspected misuse, its evidence (event seqs) and every change.
CREATE TABLE incidents (
  id         TEXT   NOT NULL PRIMARY KEY,
  account    TEXT   NOT NULL,
  title      TEXT   NOT NULL,
  severity   TEXT   NOT NULL,
  status     TEXT   NOT NULL,
  category   TEXT   NOT NULL,
  family     TEXT,
  opened_at  BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  opened_by  TEXT   NOT NULL
);
CREATE INDEX incidents_account ON incidents (account, status);
CREATE INDEX incidents_status ON incidents (status, updated_at);

CREATE TABLE incident_evidence (
  incident_id TEXT   NOT NULL REFERENCES incidents (id),
  seq         BIGINT NOT NULL,
  added_at    BIGINT NOT NULL,
  note        TEXT   NOT NULL,
  PRIMARY KEY (incident_id, seq)
);

CREATE TABLE incident_history (
  incident_id TEXT    NOT NULL REFERENCES incidents (id),
  n           INTEGER NOT NULL,
  at          BIGINT  NOT NULL,
  actor       TEXT    NOT NULL,
  change_json TEXT    NOT NULL,
  PRIMARY KEY (incident_id, n)
);

-- Exchanges waiting for a person. The rapid-response module will own the workflow; the monitor only
-- enqueues. status: open, done, cancelled.
CREATE TABLE review_queue (
  id         TEXT   NOT NULL PRIMARY KEY,
  account    TEXT   NOT NULL,
  seq        BIGINT NOT NULL,
  reason     TEXT   NOT NULL,
  priority   TEXT   NOT NULL,
  status     TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  closed_at  BIGINT,
  closed_by  TEXT
);
CREATE INDEX review_queue_status ON review_queue (status, created_at);

-- Known jailbreaks and harmful requests, for the monitor's nearest-neighbour analyzer. embedding:
-- the encoder's float32 vector, base64; encoder: the encoder's id, so a new encoder re-embeds.
CREATE TABLE monitor_exemplars (
  id        TEXT   NOT NULL PRIMARY KEY,
  kind      TEXT   NOT NULL,
  category  TEXT   NOT NULL,
  family    TEXT,
  content   TEXT   NOT NULL,
  encoder   TEXT   NOT NULL,
  embedding TEXT   NOT NULL,
  source    TEXT   NOT NULL,
  added_at  BIGINT NOT NULL
);
