-- Bulwark store, version 4: rapid response (bulwark-response). The same portable subset as versions
-- 1 to 3: BIGINT, INTEGER and TEXT columns, no dialect syntax, times as BIGINT epoch microseconds.
-- JSON bodies are TEXT the module writes and reads; the store does not look inside them. This file
-- ships in bulwark-response's jar: the store's Flyway scans db/migration/bulwark on the whole class
-- path, so the tables exist wherever the module runs (and a process without the module treats V4 as
-- a future version and leaves it alone).

-- Sequences for human-readable ids (fam-0001, rep-0001, ...): incremented inside a transaction.
CREATE TABLE response_counters (
  name  TEXT   NOT NULL PRIMARY KEY,
  value BIGINT NOT NULL
);

-- An attack family: reports grouped by similarity. status: open (reported, not yet patched),
-- stopgap (a prompt patch only), patched (a release that blocks it is deployed).
CREATE TABLE response_families (
  id         TEXT   NOT NULL PRIMARY KEY,
  name       TEXT   NOT NULL,
  status     TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  body       TEXT   NOT NULL
);

-- A jailbreak report: bug bounty, red team, monitor incident or partner (STIX). dedup_key: SHA-256
-- of the canonicalized exchanges; a duplicate keeps its row and points at the first report.
CREATE TABLE response_reports (
  id            TEXT   NOT NULL PRIMARY KEY,
  source        TEXT   NOT NULL,
  family_id     TEXT   NOT NULL REFERENCES response_families (id),
  duplicate_of  TEXT,
  dedup_key     TEXT   NOT NULL,
  received_at   BIGINT NOT NULL,
  reporter      TEXT,
  severity      TEXT,
  reward_status TEXT,
  external_ref  TEXT,
  body          TEXT   NOT NULL
);
CREATE INDEX response_reports_dedup ON response_reports (dedup_key);
CREATE INDEX response_reports_family ON response_reports (family_id);

-- Proliferated variants of a family, stored with it. role: attack or twin (a benign-payload hard
-- negative); held_back: kept out of every patch, for the gate.
CREATE TABLE response_variants (
  family_id TEXT    NOT NULL REFERENCES response_families (id),
  seq       INTEGER NOT NULL,
  role      TEXT    NOT NULL,
  held_back INTEGER NOT NULL,
  body      TEXT    NOT NULL,
  PRIMARY KEY (family_id, seq)
);

-- What every later release must still block: a family's exchanges, added when it is patched and
-- when reviewers label an exchange as belonging to it.
CREATE TABLE response_regression (
  family_id TEXT    NOT NULL REFERENCES response_families (id),
  seq       INTEGER NOT NULL,
  origin    TEXT    NOT NULL,
  added_at  BIGINT  NOT NULL,
  body      TEXT    NOT NULL,
  PRIMARY KEY (family_id, seq)
);

-- Benign exchanges reviewers confirmed: they join the benign regression set every release is checked on.
CREATE TABLE response_benign (
  id       TEXT   NOT NULL PRIMARY KEY,
  origin   TEXT   NOT NULL,
  added_at BIGINT NOT NULL,
  body     TEXT   NOT NULL
);

-- Versioned artifacts: classifier bundles, exemplar indexes, prompt patches, signature rules. data:
-- the digest-verified archive (dev.bulwark.classify.model.ModelArchive), base64.
CREATE TABLE response_artifacts (
  id         TEXT   NOT NULL PRIMARY KEY,
  kind       TEXT   NOT NULL,
  family_id  TEXT,
  digest     TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  size       BIGINT NOT NULL,
  provenance TEXT   NOT NULL,
  data       TEXT   NOT NULL
);

-- A release: one artifact of each kind (or none: the configured base), complete rather than a diff.
-- status: candidate, refused, shadow, canary, active, retired.
CREATE TABLE response_releases (
  id         TEXT   NOT NULL PRIMARY KEY,
  parent_id  TEXT,
  family_id  TEXT,
  created_at BIGINT NOT NULL,
  status     TEXT   NOT NULL,
  body       TEXT   NOT NULL
);

-- Every validation gate decision, passed or refused, with its checks.
CREATE TABLE response_gate_results (
  id         TEXT    NOT NULL PRIMARY KEY,
  release_id TEXT    NOT NULL REFERENCES response_releases (id),
  family_id  TEXT,
  decided_at BIGINT  NOT NULL,
  passed     INTEGER NOT NULL,
  body       TEXT    NOT NULL
);
CREATE INDEX response_gate_results_release ON response_gate_results (release_id);

-- The deployment history; the newest row is what every gateway and monitor should run. release_id
-- null: the configured base. based_on: the row whose state comes before this one (0: the initial
-- state; -1: none); a rollback restores it. kind: deploy, canary, promote, rollback.
CREATE TABLE response_deployments (
  seq               BIGINT NOT NULL PRIMARY KEY,
  kind              TEXT   NOT NULL,
  release_id        TEXT,
  canary_release_id TEXT,
  canary_policies   TEXT,
  based_on          BIGINT NOT NULL,
  deployed_at       BIGINT NOT NULL,
  actor             TEXT   NOT NULL,
  reason            TEXT   NOT NULL
);

-- The review queue (created by the monitor, version 3) gets its workflow: where an item came from,
-- who has it, when its SLA runs out and to whom it was escalated, the label a reviewer gave it, the
-- family it belongs to, and the exchange itself (JSON; shown to reviewers redacted).
ALTER TABLE review_queue ADD COLUMN source TEXT NOT NULL DEFAULT 'monitor';
ALTER TABLE review_queue ADD COLUMN assignee TEXT;
ALTER TABLE review_queue ADD COLUMN due_at BIGINT;
ALTER TABLE review_queue ADD COLUMN escalated_at BIGINT;
ALTER TABLE review_queue ADD COLUMN escalated_to TEXT;
ALTER TABLE review_queue ADD COLUMN label TEXT;
ALTER TABLE review_queue ADD COLUMN label_category TEXT;
ALTER TABLE review_queue ADD COLUMN family_id TEXT;
ALTER TABLE review_queue ADD COLUMN content TEXT;
CREATE INDEX review_queue_assignee ON review_queue (assignee, status);
