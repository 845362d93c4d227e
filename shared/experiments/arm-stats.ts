/**
 * Per-arm counts from D1, for reports and the bandit cron (never on the page path).
 *
 * This module only reads rows; the counting rules live in counting.ts, which the seeded
 * simulations drive directly. Visitors are read in pages ordered by pseudonym, so memory stays
 * bounded however large the experiment: per page, each visitor's earliest exposure to each arm
 * (GROUP BY — the counting keeps the earliest of those), then the candidate goal events of
 * exactly those visitors inside the page's time span.
 *
 * Only sticky units (visitor pseudonyms) are counted. Per-request units (`sticky = 0`, the
 * decision id as unit) cannot be joined to conversions without trusting a decision id the
 * client sends, so they are reported as excluded.
 */
import {
  emptyCounts,
  Ledger,
  tally,
  type ArmCounts,
  type EventRow,
  type ExposureRow,
  type GoalMatch,
} from './counting.ts';

export type { ArmCounts } from './counting.ts';

export interface CountQuery {
  experiment: string;
  /** The phase to count (phase.ts): exposures of other phases are not read. */
  phase: string;
  /** The experiment's arms, in order; the result has one entry per arm. */
  arms: readonly string[];
  goal: GoalMatch;
  windowMs: number;
  /** Only exposures in this channel (their conversions count from any channel); absent: all. */
  channel?: string;
}

export interface CountResult {
  arms: ArmCounts[];
  /** Units that cannot be counted (per-request units). */
  excluded: number;
}

/** Visitors per page. D1 returns at most a few MB per query; 2,000 rows are ~100 KB. */
export const PAGE_UNITS = 2000;

/** Every query takes the channel as its last parameter: NULL counts every channel. */
const IN_CHANNEL = (n: number) => `(?${n} IS NULL OR channel = ?${n})`;

const FIRST_EXPOSURES = `SELECT unit_id AS unit, arm, MIN(at) AS at, phase FROM exposures
  WHERE experiment = ?1 AND phase = ?2 AND sticky = 1 AND unit_id > ?3 AND ${IN_CHANNEL(5)}
  GROUP BY unit_id, arm ORDER BY unit_id LIMIT ?4`;

const CANDIDATE_EVENTS = `SELECT visitor_id AS unit, type, name, slot, value, currency, at FROM events
  WHERE type = ?1 AND visitor_id BETWEEN ?2 AND ?3 AND at BETWEEN ?4 AND ?5
    AND visitor_id IN (SELECT unit_id FROM exposures
      WHERE experiment = ?6 AND phase = ?7 AND sticky = 1 AND unit_id BETWEEN ?2 AND ?3
        AND ${IN_CHANNEL(8)})`;

const EXCLUDED = `SELECT COUNT(DISTINCT unit_id) AS n FROM exposures
  WHERE experiment = ?1 AND phase = ?2 AND sticky = 0 AND ${IN_CHANNEL(3)}`;

const PHASES = `SELECT phase, MIN(at) AS first, MAX(at) AS last, COUNT(DISTINCT unit_id) AS units
  FROM exposures WHERE experiment = ?1 AND ${IN_CHANNEL(2)} GROUP BY phase ORDER BY first`;

const CHANNELS = `SELECT DISTINCT channel FROM exposures WHERE experiment = ?1 ORDER BY channel`;

/** One phase of an experiment as D1 holds it. */
export interface PhaseSummary {
  /** null: exposures written before phases were recorded. */
  phase: string | null;
  /** ms since the epoch: the phase's first and last exposure. */
  first: number;
  last: number;
  /** Distinct units exposed in it. */
  units: number;
}

/** Every phase the experiment has exposures in, oldest first. */
export async function readPhases(
  db: D1Database,
  experiment: string,
  channel?: string,
): Promise<PhaseSummary[]> {
  return (
    await db
      .prepare(PHASES)
      .bind(experiment, channel ?? null)
      .all<PhaseSummary>()
  ).results;
}

/** The channels an experiment has exposures in (each a possible split of its report). */
export async function readChannels(db: D1Database, experiment: string): Promise<string[]> {
  const rows = await db.prepare(CHANNELS).bind(experiment).all<{ channel: string }>();
  return rows.results.map((r) => r.channel);
}

export async function readArmCounts(
  db: D1Database,
  q: CountQuery,
  pageUnits = PAGE_UNITS,
): Promise<CountResult> {
  // A page must hold more rows than one unit can have (one per arm, at most 20 per phase).
  pageUnits = Math.max(64, Math.floor(pageUnits));
  const counts = emptyCounts(q.arms);
  const channel = q.channel ?? null;
  const firsts = db.prepare(FIRST_EXPOSURES);
  const events = db.prepare(CANDIDATE_EVENTS);
  let after = '';
  for (;;) {
    // One row per (unit, arm): a page of `pageUnits` rows may end inside a unit's rows, so a
    // full page leaves its last unit for the next one.
    const page = (
      await firsts.bind(q.experiment, q.phase, after, pageUnits, channel).all<ExposureRow>()
    ).results;
    if (page.length === 0) break;
    const full = page.length === pageUnits;
    const last = page[page.length - 1]!.unit;
    const rows = full ? page.filter((r) => r.unit !== last) : page;
    const lo = rows[0]!.unit;
    const hi = rows[rows.length - 1]!.unit;
    let from = Infinity;
    let to = -Infinity;
    for (const r of rows) {
      from = Math.min(from, r.at);
      to = Math.max(to, r.at);
    }
    const candidates = (
      await events
        .bind(q.goal.event, lo, hi, from, to + q.windowMs, q.experiment, q.phase, channel)
        .all<EventRow>()
    ).results;
    tally(
      counts,
      new Ledger(q.goal, q.windowMs, q.phase).expose(rows).record(candidates).outcomes(),
    );
    if (!full) break;
    after = hi;
  }
  const excluded =
    (await db.prepare(EXCLUDED).bind(q.experiment, q.phase, channel).first<{ n: number }>())?.n ??
    0;
  return { arms: counts, excluded };
}
