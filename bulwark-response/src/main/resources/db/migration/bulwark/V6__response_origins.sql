-- Bulwark store, version 6: reports taken in once per origin (bulwark-response). The same portable
-- subset as versions 1 to 5; it follows version 5 (the monitor's incident_exchanges), which
-- bulwark-monitor ships and this module depends on.
--
-- origin and ref name where a report came from when it must be taken in at most once: origin
-- 'incident', ref the monitor incident's id. The row is written in the same transaction as the
-- report (and the family it starts, if any), so however many servers run the intake, and however
-- often, an incident becomes one report. report_id is null when the origin was looked at and held
-- nothing to report (note says why); it is not looked at again.
CREATE TABLE response_report_origins (
  origin    TEXT   NOT NULL,
  ref       TEXT   NOT NULL,
  report_id TEXT,
  taken_at  BIGINT NOT NULL,
  taken_by  TEXT   NOT NULL,
  note      TEXT,
  PRIMARY KEY (origin, ref)
);
CREATE INDEX response_report_origins_report ON response_report_origins (report_id);
