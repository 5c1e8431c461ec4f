-- Bulwark store, version 5: the text behind jailbreak incidents (bulwark-monitor). The same portable
-- subset as versions 1 to 4. This file ships in bulwark-monitor's jar: the store's Flyway scans
-- db/migration/bulwark on the whole class path.
--
-- The monitor deletes an exchange's text from the outbox when it acknowledges the exchange. When the
-- exchange opens or adds to an incident and its findings point at a jailbreak (the jailbreak
-- category, a known jailbreak exemplar, the judge), the monitor keeps its text here, in the same
-- transaction as the incident action, so that rapid response can turn the incident into a report.
-- Only redacted text is written (personal data and secrets masked), bounded in size; reasons: JSON
-- list of why the findings point at a jailbreak (never text); body: JSON {"turns": [{"role",
-- "text"}], "completion"}. Reversing the incident action deletes the row.
CREATE TABLE incident_exchanges (
  incident_id TEXT    NOT NULL REFERENCES incidents (id),
  seq         BIGINT  NOT NULL,
  account     TEXT    NOT NULL,
  kept_at     BIGINT  NOT NULL,
  reasons     TEXT    NOT NULL,
  redacted    INTEGER NOT NULL,
  truncated   INTEGER NOT NULL,
  body        TEXT    NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
CREATE INDEX incident_exchanges_kept_at ON incident_exchanges (kept_at);
