/**
 * One run of the report rollup for one experiment phase (./visitors.ts): recompute the rows of
 * every visitor with data in [from, horizon) from the raw tables, then move the horizon. Run by
 * the control plane's cron (control/cron/report-rollup.ts); the seeded tests call it through the
 * cron's scheduled handler.
 *
 * - **Idempotent and restartable.** A row is a function of the raw tables below the horizon it
 *   was computed to, never an increment, so a run that repeats, overlaps another or dies half-way
 *   writes the same values again; a row is never replaced by one computed to an older horizon,
 *   and the horizon only moves (in the run's last statement) from the value the run started at.
 *   The report reads the raw tables for every visitor with data at or after the horizon, so rows
 *   a dead run wrote beyond it are recomputed there, never counted twice.
 * - **Late data.** A run covers data up to `SETTLE_MS` before now. An event's time is its
 *   sender's, up to a day before it arrived (control/consumers/events.ts), so every run — and
 *   every report — also picks up the events that reached D1 since the previous run with a time
 *   up to `LATE_MS` (two days) before the horizon. Exposures carry the decision's time and come
 *   through a queue: each run recomputes the visitors with data in the `SLACK_MS` (an hour)
 *   before the old horizon, and the first run of each UTC day those with data in the `LATE_MS`
 *   before it. Later than that, `resetRollup` (or any change of goal or window) rebuilds the phase.
 * - **Catching up.** A new phase (or a reset) starts at its first exposure and advances at most
 *   `MAX_STEP_MS` per run, so no run holds more than a day of visitors; until the tail after the
 *   horizon is under `TAIL_LIMIT` visitors (./read.ts) the report reads the raw tables.
 */
import {
  LATE_MS,
  QUEUE_MARGIN_MS,
  SCOPE_ALL,
  UNIT_PAGE,
  goalKey,
  readState,
  summarize,
  touchedUnits,
  type RollupSpec,
  type VisitorSummary,
} from './visitors.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Data newer than this is left to the report's raw tail (it may still be in a queue). */
export const SETTLE_MS = 5 * MINUTE;
/** A run moves the horizon by at least this much (so the 5-minute cron rolls up every half hour). */
export const MIN_STEP_MS = 30 * MINUTE;
/** … and by at most this much (catching up with a new phase). */
export const MAX_STEP_MS = DAY;
/**
 * Every run recomputes the visitors with data this long before the old horizon; the first run of
 * a UTC day, those with data `LATE_MS` before it (late arrivals).
 */
export const SLACK_MS = HOUR;

export interface RollupRun {
  experiment: string;
  phase: string;
  /** ISO: the old and the new horizon. */
  from: string;
  upto: string;
  /** Visitors recomputed. */
  visitors: number;
  /** The rows were rebuilt from the phase's first exposure (new phase, goal or window). */
  rebuilt: boolean;
}

const FIRST_EXPOSURE = `SELECT MIN(at) AS at FROM exposures WHERE experiment = ?1 AND phase = ?2 AND sticky = 1`;

const STALE = `SELECT unit, upto FROM report_visitors INDEXED BY report_visitors_marked
  WHERE experiment = ?1 AND phase = ?2 AND scope = ?3 AND upto < 0`;

/**
 * Rows computed to horizon ?4 from a JSON list [unit, arm, at, goal events, goal value,
 * purchases JSON]. A row is written only while the visitor still has an exposure in the phase
 * (an erasure between the read and this write leaves nothing behind), replaces only a row
 * computed to an older horizon, and leaves rows marked by an erasure to the statement below.
 */
const UPSERT = `INSERT INTO report_visitors
    (experiment, phase, scope, unit, arm, at, upto, goal_events, goal_value, purchases)
  SELECT ?1, ?2, ?3, j.value ->> 0, j.value ->> 1, j.value ->> 2, ?4, j.value ->> 3, j.value ->> 4, j.value ->> 5
  FROM json_each(?5) AS j
  WHERE EXISTS (SELECT 1 FROM exposures AS x INDEXED BY exposures_report WHERE x.experiment = ?1 AND x.phase = ?2
    AND x.sticky = 1 AND x.unit_id = j.value ->> 0)
  ON CONFLICT (experiment, phase, scope, unit) DO UPDATE SET
    arm = excluded.arm, at = excluded.at, upto = excluded.upto, goal_events = excluded.goal_events,
    goal_value = excluded.goal_value, purchases = excluded.purchases
  WHERE report_visitors.upto >= 0 AND excluded.upto >= report_visitors.upto`;

/** Rows an erasure marked: replaced only if the marker is still the one this run read (j[6]). */
const REPLACE_MARKED = `UPDATE report_visitors SET arm = j.value ->> 1, at = j.value ->> 2, upto = ?4,
    goal_events = j.value ->> 3, goal_value = j.value ->> 4, purchases = j.value ->> 5
  FROM json_each(?5) AS j
  WHERE report_visitors.experiment = ?1 AND report_visitors.phase = ?2 AND report_visitors.scope = ?3
    AND report_visitors.unit = j.value ->> 0 AND report_visitors.upto = j.value ->> 6`;

/** A run marked rows it could not recompute (no exposure left): those are deleted. */
const DROP_MARKED = `DELETE FROM report_visitors WHERE experiment = ?1 AND phase = ?2 AND scope = ?3
  AND upto < 0 AND unit IN (SELECT value FROM json_each(?4))
  AND NOT EXISTS (SELECT 1 FROM exposures AS x INDEXED BY exposures_report WHERE x.experiment = ?1 AND x.phase = ?2
    AND x.sticky = 1 AND x.unit_id = report_visitors.unit)`;

const ADVANCE = `UPDATE report_rollups SET upto = ?7, built_at = ?8
  WHERE experiment = ?1 AND phase = ?2 AND scope = ?3 AND goal = ?4 AND window_ms = ?5 AND upto = ?6`;

const START = [
  `DELETE FROM report_visitors WHERE experiment = ?1 AND phase = ?2 AND scope = ?3`,
  `INSERT OR REPLACE INTO report_rollups (experiment, phase, scope, goal, window_ms, upto, built_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`,
] as const;

const iso = (ms: number) => new Date(ms).toISOString();
const utcDay = (ms: number) => Math.floor(ms / DAY);

/** Forgets the phase's rows: the next run rebuilds them from its first exposure. */
export async function resetRollup(db: D1Database, spec: Pick<RollupSpec, 'experiment' | 'phase'>) {
  await db.batch([
    db.prepare(START[0]).bind(spec.experiment, spec.phase, SCOPE_ALL),
    db
      .prepare('DELETE FROM report_rollups WHERE experiment = ?1 AND phase = ?2 AND scope = ?3')
      .bind(spec.experiment, spec.phase, SCOPE_ALL),
  ]);
}

const row = (s: VisitorSummary, marker: number | null) => [
  s.unit,
  s.arm,
  s.at,
  s.goalEvents,
  s.goalValue,
  s.purchases ? JSON.stringify(s.purchases) : null,
  marker,
];

/**
 * One step of the rollup at `now`. Undefined when there is nothing to do: no sticky exposure in
 * the phase yet, or the horizon is less than `MIN_STEP_MS` behind.
 */
export async function rollUp(
  db: D1Database,
  spec: RollupSpec,
  now: number,
): Promise<RollupRun | undefined> {
  const key = [spec.experiment, spec.phase, SCOPE_ALL] as const;
  const goal = goalKey(spec.goal);
  let state = await readState(db, spec);
  let rebuilt = false;
  if (!state) {
    const first = await db.prepare(FIRST_EXPOSURE).bind(spec.experiment, spec.phase).first<{
      at: number | null;
    }>();
    if (first?.at == null) return undefined;
    await db.batch([
      db.prepare(START[0]).bind(...key),
      db.prepare(START[1]).bind(...key, goal, spec.windowMs, first.at, now),
    ]);
    state = { upto: first.at, builtAt: now };
    rebuilt = true;
  }
  const target = Math.min(now - SETTLE_MS, state.upto + MAX_STEP_MS);
  if (target - state.upto < MIN_STEP_MS) return undefined;
  const from = state.upto - (utcDay(target) !== utcDay(state.upto) ? LATE_MS : SLACK_MS);
  const units = await touchedUnits(db, spec, {
    from,
    to: target,
    lateFrom: state.upto - LATE_MS,
    receivedSince: state.builtAt - QUEUE_MARGIN_MS,
  });
  const markers = new Map(
    (
      await db
        .prepare(STALE)
        .bind(...key)
        .all<{ unit: string; upto: number }>()
    ).results.map((r) => [r.unit, r.upto] as const),
  );
  for (let i = 0; i < units.length; i += UNIT_PAGE) {
    const page = units.slice(i, i + UNIT_PAGE);
    const rows = await summarize(db, spec, page, target);
    const marked = rows.filter((r) => markers.has(r.unit));
    const statements = [
      db.prepare(UPSERT).bind(...key, target, JSON.stringify(rows.map((r) => row(r, null)))),
    ];
    if (marked.length)
      statements.push(
        db
          .prepare(REPLACE_MARKED)
          .bind(...key, target, JSON.stringify(marked.map((r) => row(r, markers.get(r.unit)!)))),
      );
    const gone = page.filter((u) => markers.has(u));
    if (gone.length) statements.push(db.prepare(DROP_MARKED).bind(...key, JSON.stringify(gone)));
    await db.batch(statements);
  }
  await db
    .prepare(ADVANCE)
    .bind(...key, goal, spec.windowMs, state.upto, target, now)
    .run();
  return {
    experiment: spec.experiment,
    phase: spec.phase,
    from: iso(state.upto),
    upto: iso(target),
    visitors: units.length,
    rebuilt,
  };
}

/**
 * Forgets the rollups of phases no longer in `live` (a new phase started, an experiment was
 * removed): their rows would only go stale. A report of such a phase (an older bundle version)
 * reads the raw tables. Returns the phases forgotten.
 */
export async function forgetOtherPhases(
  db: D1Database,
  live: readonly Pick<RollupSpec, 'experiment' | 'phase'>[],
): Promise<number> {
  const keep = new Set(live.map((s) => `${s.experiment}\u0000${s.phase}`));
  const { results } = await db
    .prepare('SELECT DISTINCT experiment, phase FROM report_rollups')
    .all<{ experiment: string; phase: string }>();
  const gone = results.filter((r) => !keep.has(`${r.experiment}\u0000${r.phase}`));
  for (const g of gone) await resetRollup(db, g);
  return gone.length;
}
