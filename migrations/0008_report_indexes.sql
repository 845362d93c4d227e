-- Revenue, attribution and maturity reports (issue 17): indexes that keep a 30-day report over a
-- million decision records within a few seconds (figures in docs/maturity.md "Scale", measured
-- by scripts/report-scale.ts). Indexes only: nothing to backfill.

-- Attribution: a purchase's arm touches are the same visitor's exposures in the window before it.
CREATE INDEX IF NOT EXISTS exposures_unit_at ON exposures (unit_id, at);
-- Attribution and maturity count the period's exposures per experiment and arm (covering).
CREATE INDEX IF NOT EXISTS exposures_at ON exposures (at, experiment, arm);
-- Maturity counts the period's decisions by profile and channel without reading the rows.
CREATE INDEX IF NOT EXISTS decisions_at_profile ON decisions (at, debug, profile, channel);
-- Experiment and holdout reports page through a phase's visitors (GROUP BY unit_id, arm) and
-- check each exposure's channel: with the channel in the index neither reads a table row
-- (0005's exposures_phase lacks it, so a million-exposure holdout read every row twice).
CREATE INDEX IF NOT EXISTS exposures_report ON exposures (experiment, phase, unit_id, arm, at, sticky, channel);
