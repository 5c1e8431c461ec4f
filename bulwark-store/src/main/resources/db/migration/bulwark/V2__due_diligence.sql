-- Bulwark store, version 2: people and their admin credentials, and the enhanced due-diligence
-- process (partner applications, reviews, tier grants) with the monitor's step-downs. The same
-- portable subset as version 1: BIGINT, INTEGER and TEXT columns, no dialect syntax, times as BIGINT
-- epoch microseconds. Lists (roles, models, categories) are comma-joined, sorted; their items are
-- checked by the records never to contain a comma.

-- People act on the admin plane. Each belongs to one organization; roles is a subset of
-- admin, reviewer, analyst, partner_contact.
CREATE TABLE people (
  id         TEXT   NOT NULL PRIMARY KEY,
  org_id     TEXT   NOT NULL REFERENCES organizations (id),
  name       TEXT   NOT NULL,
  roles      TEXT   NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX people_org_id ON people (org_id);

-- Admin credentials, separate from API keys: only the SHA-256 of the secret is kept.
CREATE TABLE admin_tokens (
  id         TEXT   NOT NULL PRIMARY KEY,
  person_id  TEXT   NOT NULL REFERENCES people (id),
  token_hash TEXT   NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT,
  label      TEXT
);
CREATE INDEX admin_tokens_person_id ON admin_tokens (person_id);

-- A partner's request for adjusted safeguards. status: pending, approved, denied. A denied
-- application stays denied: asking again means a new application.
CREATE TABLE partner_applications (
  id              TEXT   NOT NULL PRIMARY KEY,
  org_id          TEXT   NOT NULL REFERENCES organizations (id),
  submitted_by    TEXT   NOT NULL REFERENCES people (id),
  use_case        TEXT   NOT NULL,
  beneficial_use  TEXT   NOT NULL,
  target_tier     TEXT   NOT NULL REFERENCES tiers (name),
  models          TEXT   NOT NULL,
  categories      TEXT   NOT NULL,
  duration_s      BIGINT NOT NULL,
  status          TEXT   NOT NULL,
  submitted_at    BIGINT NOT NULL,
  decided_at      BIGINT,
  decision_reason TEXT
);
CREATE INDEX partner_applications_org_id ON partner_applications (org_id);

-- One reviewer's assessment of an application against the two criteria, and their vote. The
-- unique constraint makes "N distinct reviewers" a property of the data, not only of the code.
CREATE TABLE diligence_reviews (
  id               TEXT   NOT NULL PRIMARY KEY,
  application_id   TEXT   NOT NULL REFERENCES partner_applications (id),
  reviewer_id      TEXT   NOT NULL REFERENCES people (id),
  acting_role      TEXT   NOT NULL,
  trust_rating     TEXT   NOT NULL,
  trust_evidence   TEXT   NOT NULL,
  benefit_rating   TEXT   NOT NULL,
  benefit_evidence TEXT   NOT NULL,
  decision         TEXT   NOT NULL,
  justification    TEXT   NOT NULL,
  created_at       BIGINT NOT NULL,
  UNIQUE (application_id, reviewer_id)
);

-- An adjusted tier granted by an approved application, valid in [starts_at, expires_at) unless
-- revoked earlier (revoked_at; a newer grant for the same organization also ends it).
CREATE TABLE tier_grants (
  id             TEXT   NOT NULL PRIMARY KEY,
  org_id         TEXT   NOT NULL REFERENCES organizations (id),
  application_id TEXT   NOT NULL UNIQUE REFERENCES partner_applications (id),
  tier           TEXT   NOT NULL REFERENCES tiers (name),
  models         TEXT   NOT NULL,
  categories     TEXT   NOT NULL,
  starts_at      BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  revoked_at     BIGINT,
  revoked_by     TEXT,
  revoke_reason  TEXT
);
CREATE INDEX tier_grants_org_id ON tier_grants (org_id);

-- A step-down: the monitor (or an analyst) puts an organization on a lower tier until an analyst
-- clears it. At most one uncleared row per organization (checked by the writer under the lock).
CREATE TABLE tier_overrides (
  id           TEXT   NOT NULL PRIMARY KEY,
  org_id       TEXT   NOT NULL REFERENCES organizations (id),
  tier         TEXT   NOT NULL REFERENCES tiers (name),
  reason       TEXT   NOT NULL,
  set_by       TEXT   NOT NULL,
  set_at       BIGINT NOT NULL,
  cleared_at   BIGINT,
  cleared_by   TEXT,
  clear_reason TEXT
);
CREATE INDEX tier_overrides_org_id ON tier_overrides (org_id);
