-- Report rollup (issue 17): experiment and holdout reports read one summary row per visitor of
-- the phase instead of paging through every exposure and event (shared/rollup/visitors.ts,
-- docs/experiments.md "Report speed"). Written only by the control plane's cron
-- (control/cron/report-rollup.ts); the report adds the visitors with data since the rollup's
-- horizon from the raw tables, so its numbers are those of the raw computation.

-- One row per (experiment, phase, scope): how far the rollup has got. `scope` is '*' (every
-- channel). `goal` and `window_ms` are what the rows counted: a report whose goal or window
-- differs (the bundle changed them) reads the raw tables until the cron has rebuilt the rows.
CREATE TABLE IF NOT EXISTS report_rollups (
  experiment TEXT NOT NULL,
  phase TEXT NOT NULL,
  scope TEXT NOT NULL,
  goal TEXT NOT NULL,           -- canonical JSON of the goal (shared/experiments/counting.ts GoalMatch)
  window_ms INTEGER NOT NULL,
  upto INTEGER NOT NULL,        -- ms: the rows hold every exposure and event with at < upto
  built_at INTEGER NOT NULL,    -- ms: when the last run finished
  PRIMARY KEY (experiment, phase, scope)
) WITHOUT ROWID;

-- One row per visitor (unit pseudonym) of a rolled-up phase: the arm and time of their first
-- exposure, their goal events and value inside the window, and their purchases inside the
-- window by currency (JSON {"EUR":{"events":1,"value":40}}, NULL without one). `upto` is the
-- horizon the row was computed to; a negative `upto` (a random marker) means the visitor's events
-- were erased since: the report recomputes the row from the raw tables, and the next run replaces
-- it — only if the marker is still the one it read, so a run racing an erasure never writes back
-- what was erased. Erasing a visitor's exposures deletes their rows (triggers).
CREATE TABLE IF NOT EXISTS report_visitors (
  experiment TEXT NOT NULL,
  phase TEXT NOT NULL,
  scope TEXT NOT NULL,
  unit TEXT NOT NULL,
  arm TEXT NOT NULL,
  at INTEGER NOT NULL,
  upto INTEGER NOT NULL,
  goal_events INTEGER NOT NULL,
  goal_value REAL NOT NULL,
  purchases TEXT,
  PRIMARY KEY (experiment, phase, scope, unit)
) WITHOUT ROWID;
-- The report's per-arm sums without reading a table row, and its buyers.
CREATE INDEX IF NOT EXISTS report_visitors_arm ON report_visitors (experiment, phase, scope, arm, upto, goal_events, goal_value);
CREATE INDEX IF NOT EXISTS report_visitors_buyers ON report_visitors (experiment, phase, scope) WHERE purchases IS NOT NULL;
-- Rows whose events were erased since they were written (few; read by every run and report).
CREATE INDEX IF NOT EXISTS report_visitors_marked ON report_visitors (experiment, phase, scope) WHERE upto < 0;
-- Erasure (the triggers below) finds a visitor's rows by pseudonym.
CREATE INDEX IF NOT EXISTS report_visitors_unit ON report_visitors (unit);

-- Erasure keeps working unchanged (shared/privacy/): deleting a visitor's exposures deletes
-- their summary rows; deleting their events marks the rows for recomputation (upto < 0), so an
-- erased purchase never stays in a report. Nothing here outlives the raw rows it came from.
CREATE TRIGGER IF NOT EXISTS report_visitors_erase_exposures AFTER DELETE ON exposures
BEGIN DELETE FROM report_visitors WHERE unit = OLD.unit_id AND experiment = OLD.experiment; END;
CREATE TRIGGER IF NOT EXISTS report_visitors_erase_events AFTER DELETE ON events
BEGIN UPDATE report_visitors SET upto = -1 - abs(random() % 1000000000) WHERE unit = OLD.visitor_id; END;

-- The rollup and the report's tail find a phase's visitors with data since a time, and its
-- per-request units, without scanning the phase (sticky before at: sticky = 1 AND at >= ? is
-- one range). It supersedes 0005's exposures_phase (a prefix of 0008's exposures_report).
CREATE INDEX IF NOT EXISTS exposures_phase_at ON exposures (experiment, phase, sticky, at, unit_id, channel);
DROP INDEX IF EXISTS exposures_phase;
-- The channels an experiment has exposures in, by a few seeks instead of a scan.
CREATE INDEX IF NOT EXISTS exposures_channel ON exposures (experiment, channel);

-- Attribution by day (shared/revenue/attribution-days.ts): per settled UTC day and attribution
-- window, the day's exact slot and arm exposure counts and its purchases' credit per currency
-- (kind: decisions | slot | arm | purchases | unattributed | levels | rules | variants | arms).
-- Counts and sums per rule, variant and arm: no visitor is named.
CREATE TABLE IF NOT EXISTS attribution_days (
  day INTEGER NOT NULL,         -- UTC day: ms since the epoch / 86,400,000
  window_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  grp TEXT NOT NULL,            -- the slot, or the experiment
  key TEXT NOT NULL,            -- ladder level, rule, variant or arm (a slot row: JSON [level, reason, rule, variant])
  currency TEXT NOT NULL,       -- '' on exposure counts
  count INTEGER NOT NULL,
  amount REAL NOT NULL,         -- in `currency`, converted when read
  PRIMARY KEY (day, window_ms, kind, grp, key, currency)
) WITHOUT ROWID;
-- The days built (their rows complete) per window; a report reads the others raw.
CREATE TABLE IF NOT EXISTS attribution_days_built (
  day INTEGER NOT NULL,
  window_ms INTEGER NOT NULL,
  built_at INTEGER NOT NULL,
  PRIMARY KEY (window_ms, day)
) WITHOUT ROWID;
-- Erasure: a deleted purchase, decision or exposure drops every day it could count in (its own
-- day, and for a decision or exposure the days its window reaches), so reports read those days
-- raw until the cron rebuilds them without it.
CREATE TRIGGER IF NOT EXISTS attribution_days_erase_events AFTER DELETE ON events WHEN OLD.type = 'purchase'
BEGIN DELETE FROM attribution_days_built WHERE day = OLD.at / 86400000; DELETE FROM attribution_days WHERE day = OLD.at / 86400000; END;
CREATE TRIGGER IF NOT EXISTS attribution_days_erase_exposures AFTER DELETE ON exposures
BEGIN DELETE FROM attribution_days_built WHERE day BETWEEN OLD.at / 86400000 AND (OLD.at + window_ms) / 86400000; DELETE FROM attribution_days WHERE day BETWEEN OLD.at / 86400000 AND (OLD.at + window_ms) / 86400000; END;
CREATE TRIGGER IF NOT EXISTS attribution_days_erase_decisions AFTER DELETE ON decisions
BEGIN DELETE FROM attribution_days_built WHERE day BETWEEN CAST(strftime('%s', OLD.at) AS INTEGER) / 86400 AND (CAST(strftime('%s', OLD.at) AS INTEGER) * 1000 + window_ms) / 86400000; DELETE FROM attribution_days WHERE day BETWEEN CAST(strftime('%s', OLD.at) AS INTEGER) / 86400 AND (CAST(strftime('%s', OLD.at) AS INTEGER) * 1000 + window_ms) / 86400000; END;
