/**
 * The attribution queries (./read-attribution.ts, ./attribution-days.ts): the period's slot
 * decisions and arm exposures counted in SQL, its purchases, and for each purchase the last
 * decision of each slot and the last exposure to each experiment the same visitor saw within the
 * window before it (SQLite returns the other columns of the MAX row). Debug renders never count.
 * Indexes: migrations/0008_report_indexes.sql.
 */

export const DECISION_COUNT = `SELECT COUNT(*) AS n FROM decisions WHERE at >= ?1 AND at < ?2 AND debug = 0`;

export const SLOT_EXPOSURES = `SELECT s.slot, s.level, s.reason, s.rule, s.variant, COUNT(*) * ?3 AS count
  FROM decisions d JOIN decision_slots s ON s.decision_id = d.id
  WHERE d.at >= ?1 AND d.at < ?2 AND d.debug = 0 AND d.rowid % ?3 = 0
  GROUP BY s.slot, s.level, s.reason, s.rule, s.variant`;

export const ARM_EXPOSURES = `SELECT experiment, arm, COUNT(*) AS count FROM exposures
  WHERE at >= ?1 AND at < ?2 GROUP BY experiment, arm`;

export const PURCHASES = `SELECT id, value, currency, at FROM events
  WHERE type = 'purchase' AND at >= ?1 AND at < ?2`;

/** ISO text of an event time (ms) minus ?3 ms, in the decision log's format. */
const ISO_OF = (expr: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${expr}) / 1000.0, 'unixepoch')`;

export const SLOT_TOUCHES = `SELECT e.id AS conversion, s.slot, MAX(d.at) AS iso, s.level, s.reason, s.rule, s.variant
  FROM events e
  JOIN decisions d ON d.visitor = e.visitor_id
    AND d.at >= ${ISO_OF('e.at - ?3')} AND d.at <= ${ISO_OF('e.at')} AND d.debug = 0
  JOIN decision_slots s ON s.decision_id = d.id
  WHERE e.type = 'purchase' AND e.at >= ?1 AND e.at < ?2
  GROUP BY e.id, s.slot`;

export const ARM_TOUCHES = `SELECT e.id AS conversion, x.experiment, MAX(x.at) AS at, x.arm
  FROM events e
  JOIN exposures x ON x.unit_id = e.visitor_id AND x.at >= e.at - ?3 AND x.at <= e.at
  WHERE e.type = 'purchase' AND e.at >= ?1 AND e.at < ?2
  GROUP BY e.id, x.experiment`;
