-- Experiment phases (issue 12): every exposure records the phase it happened in — a hash of the
-- experiment's arms, weights, traffic, goal and targeting (shared/experiments/phase.ts) — so a
-- report analyses the current phase only and lists the earlier ones. Rows written before this
-- migration have no phase (NULL): reports list them as "before phases were recorded".
ALTER TABLE exposures ADD COLUMN phase TEXT;

-- The report reads, per phase, each sticky unit's earliest exposure to each arm in unit order
-- (GROUP BY unit_id, arm with MIN(at)): this index covers that query.
CREATE INDEX IF NOT EXISTS exposures_phase ON exposures (experiment, phase, unit_id, arm, at, sticky);
