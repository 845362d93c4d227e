/**
 * The report rollup (migrations/0010_report_rollup.sql): one summary row per visitor of an
 * experiment's (or the holdout's) current phase — the arm and time of their first exposure,
 * their goal events and value inside their window, their purchases inside it by currency — so a
 * report sums rows instead of paging through every exposure and event of the phase.
 *
 * Why per visitor and not per day: a visitor counts once, in the arm of their first exposure,
 * with a window that starts there and may span several days; percentile capping and currency
 * conversion need each buyer's own total. A day-level sum can say none of that exactly; a
 * visitor-level row says all of it, and is computed by the very counting the raw report uses
 * (counting.ts `Ledger`), so the two cannot disagree.
 *
 * Rows hold every exposure and event with `at` below the rollup's horizon (`upto`). Both the
 * cron (control/cron/report-rollup.ts) and the report (./read.ts) use this module: the
 * cron recomputes the visitors with data in [from, horizon) and moves the horizon; the report
 * recomputes, from the raw tables, the visitors with data at or after the horizon (and those
 * whose events were erased since), and sums the rows of everyone else.
 */
import { canonicalJson } from '../bundle/version.ts';
import {
  Ledger,
  type EventRow,
  type ExposureRow,
  type GoalMatch,
} from '../experiments/counting.ts';

/** The scope of rows that cover every channel (the only one written so far). */
export const SCOPE_ALL = '*';

/** No upper bound on `at` (D1 binds no Infinity). */
export const NO_END = Number.MAX_SAFE_INTEGER;

/** Visitors per query when reading or writing a list of them (a JSON parameter, ~90 KB): a run
 * over two days of a million-decision month is ~70 queries per phase (D1 allows 1,000 per invocation). */
export const UNIT_PAGE = 2500;

const MINUTE = 60_000;
/**
 * How late an event may reach D1 and still be picked up by its time: its `at` may be a day
 * before it was received (control/consumers/events.ts), plus a day in a queue.
 */
export const LATE_MS = 2 * 24 * 60 * MINUTE;
/** Events received this long before a run started may still have been in a queue during it. */
export const QUEUE_MARGIN_MS = 60 * MINUTE;

/** What a rollup counts: one experiment phase, its goal and window. */
export interface RollupSpec {
  experiment: string;
  phase: string;
  goal: GoalMatch;
  windowMs: number;
}

export interface RollupState {
  /** ms: the rows hold every exposure and event with at < upto. */
  upto: number;
  /** ms: when the last run finished. */
  builtAt: number;
}

/** One visitor's row. */
export interface VisitorSummary {
  unit: string;
  arm: string;
  /** ms: first exposure in the phase. */
  at: number;
  /** Goal events in the window, and their summed value. */
  goalEvents: number;
  goalValue: number;
  /** Purchases in the window by currency (absent: none with a currency). */
  purchases?: Record<string, { events: number; value: number }>;
}

const PURCHASE: GoalMatch = { event: 'purchase' };

/** The goal as the state row stores it: a changed goal (or window) means a rebuild. */
export const goalKey = (goal: GoalMatch) => canonicalJson(goal);

const STATE = `SELECT upto, built_at AS builtAt FROM report_rollups
  WHERE experiment = ?1 AND phase = ?2 AND scope = ?3 AND goal = ?4 AND window_ms = ?5`;

/** The rollup of this spec, when one was built with the same goal and window. */
export async function readState(
  db: D1Database,
  spec: RollupSpec,
): Promise<RollupState | undefined> {
  return (
    (await db
      .prepare(STATE)
      .bind(spec.experiment, spec.phase, SCOPE_ALL, goalKey(spec.goal), spec.windowMs)
      .first<RollupState>()) ?? undefined
  );
}

/**
 * Visitors whose row may have changed with data in [from, to): a sticky exposure of the phase, a
 * goal or purchase event of a visitor exposed in the phase — or such an event from before `from`
 * (back to `lateFrom`) that reached D1 since `receivedSince` (an event's time is the sender's,
 * up to a day before it was received: control/consumers/events.ts) — or events erased since
 * their row was written (a negative `upto`).
 */
const TOUCHED = `SELECT unit_id AS unit FROM exposures
    WHERE experiment = ?1 AND phase = ?2 AND sticky = 1 AND at >= ?3 AND at < ?4
  UNION
  SELECT e.visitor_id FROM events e
    WHERE e.type IN (?5, 'purchase') AND e.at >= ?3 AND e.at < ?4
      AND EXISTS (SELECT 1 FROM exposures AS x INDEXED BY exposures_report WHERE x.experiment = ?1 AND x.phase = ?2
        AND x.unit_id = e.visitor_id AND x.sticky = 1)
  UNION
  SELECT e.visitor_id FROM events e
    WHERE e.type IN (?5, 'purchase') AND e.at >= ?7 AND e.at < ?3 AND e.received_at >= ?8
      AND EXISTS (SELECT 1 FROM exposures AS x INDEXED BY exposures_report WHERE x.experiment = ?1 AND x.phase = ?2
        AND x.unit_id = e.visitor_id AND x.sticky = 1)
  UNION
  SELECT unit FROM report_visitors INDEXED BY report_visitors_marked
    WHERE experiment = ?1 AND phase = ?2 AND scope = ?6 AND upto < 0`;

/** The span `touchedUnits` looks at. */
export interface TouchedSpan {
  from: number;
  to: number;
  /** Events from [lateFrom, from) count only when received since `receivedSince`. */
  lateFrom: number;
  receivedSince: number;
}

export async function touchedUnits(
  db: D1Database,
  spec: RollupSpec,
  span: TouchedSpan,
): Promise<string[]> {
  const rows = await db
    .prepare(TOUCHED)
    .bind(
      spec.experiment,
      spec.phase,
      span.from,
      span.to,
      spec.goal.event,
      SCOPE_ALL,
      Math.min(span.lateFrom, span.from),
      span.receivedSince,
    )
    .all<{ unit: string }>();
  return rows.results.map((r) => r.unit);
}

// INDEXED BY: without statistics SQLite would read the phase's (or the type's) whole range and
// filter it by the list; these are a few seeks per visitor.
const UNIT_EXPOSURES = `SELECT unit_id AS unit, arm, MIN(at) AS at, phase FROM exposures INDEXED BY exposures_report
  WHERE experiment = ?1 AND phase = ?2 AND sticky = 1 AND at < ?3
    AND unit_id IN (SELECT value FROM json_each(?4))
  GROUP BY unit_id, arm`;

const UNIT_EVENTS = `SELECT visitor_id AS unit, type, name, slot, value, currency, at FROM events INDEXED BY events_visitor_at
  WHERE visitor_id IN (SELECT value FROM json_each(?1)) AND type IN (?2, 'purchase') AND at < ?3`;

/**
 * These visitors' rows from the raw tables, with only the data below `upto` (NO_END: all of it):
 * the same Ledger as the raw report, so the same numbers. Visitors without an exposure in the
 * phase before `upto` have no row.
 */
export async function summarize(
  db: D1Database,
  spec: RollupSpec,
  units: readonly string[],
  upto: number,
): Promise<VisitorSummary[]> {
  const out: VisitorSummary[] = [];
  for (let i = 0; i < units.length; i += UNIT_PAGE) {
    const page = JSON.stringify(units.slice(i, i + UNIT_PAGE));
    const [exposures, events] = await db.batch<ExposureRow | EventRow>([
      db.prepare(UNIT_EXPOSURES).bind(spec.experiment, spec.phase, upto, page),
      db.prepare(UNIT_EVENTS).bind(page, spec.goal.event, upto),
    ]);
    const x = exposures!.results as ExposureRow[];
    const e = events!.results as EventRow[];
    const purchases = new Map<string, VisitorSummary['purchases']>();
    for (const o of new Ledger(PURCHASE, spec.windowMs, spec.phase).expose(x).record(e).outcomes())
      if (o.byCurrency) purchases.set(o.unit, o.byCurrency);
    for (const o of new Ledger(spec.goal, spec.windowMs, spec.phase)
      .expose(x)
      .record(e)
      .outcomes()) {
      const bought = purchases.get(o.unit);
      out.push({
        unit: o.unit,
        arm: o.arm,
        at: o.at,
        goalEvents: o.events,
        goalValue: o.value,
        ...(bought ? { purchases: bought } : {}),
      });
    }
  }
  return out;
}

/** Rows as the report reads them back: purchases still JSON. */
export interface StoredRow {
  unit: string;
  arm: string;
  purchases: string | null;
}

export const parsePurchases = (json: string) =>
  JSON.parse(json) as NonNullable<VisitorSummary['purchases']>;
