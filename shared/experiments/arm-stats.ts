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
  type UnitOutcome,
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
  WHERE type IN (?1, ?9) AND visitor_id BETWEEN ?2 AND ?3 AND at BETWEEN ?4 AND ?5
    AND visitor_id IN (SELECT unit_id FROM exposures
      WHERE experiment = ?6 AND phase = ?7 AND sticky = 1 AND unit_id BETWEEN ?2 AND ?3
        AND ${IN_CHANNEL(8)})`;

/** Per-request units sit apart in exposures_phase_at (0010): a seek, not a scan of the phase. */
const EXCLUDED = `SELECT COUNT(DISTINCT unit_id) AS n FROM exposures INDEXED BY exposures_phase_at
  WHERE experiment = ?1 AND phase = ?2 AND sticky = 0 AND ${IN_CHANNEL(3)}`;

const PHASES = `SELECT phase, MIN(at) AS first, MAX(at) AS last, COUNT(DISTINCT unit_id) AS units
  FROM exposures WHERE experiment = ?1 AND ${IN_CHANNEL(2)} GROUP BY phase ORDER BY first`;

/** One seek per channel on exposures_channel (0010), not a scan of the experiment's exposures. */
const CHANNELS = `WITH RECURSIVE c(channel) AS (
    SELECT MIN(channel) FROM exposures WHERE experiment = ?1
    UNION ALL
    SELECT (SELECT MIN(channel) FROM exposures WHERE experiment = ?1 AND channel > c.channel)
    FROM c WHERE c.channel IS NOT NULL)
  SELECT channel FROM c WHERE channel IS NOT NULL`;

/** The experiment's phases other than ?2: one seek per phase, then their own rows only. */
const OTHER_PHASES = `WITH RECURSIVE p(phase) AS (
    SELECT MIN(phase) FROM exposures WHERE experiment = ?1
    UNION ALL
    SELECT (SELECT MIN(phase) FROM exposures WHERE experiment = ?1 AND phase > p.phase)
    FROM p WHERE p.phase IS NOT NULL)
  SELECT x.phase, MIN(x.at) AS first, MAX(x.at) AS last, COUNT(DISTINCT x.unit_id) AS units
  FROM exposures x WHERE x.experiment = ?1
    AND x.phase IN (SELECT phase FROM p WHERE phase IS NOT NULL AND phase <> ?2)
  GROUP BY x.phase
  UNION ALL
  SELECT NULL, MIN(at), MAX(at), COUNT(DISTINCT unit_id) FROM exposures
  WHERE experiment = ?1 AND phase IS NULL HAVING COUNT(*) > 0`;

/** The first and last exposure of a phase, by seeks on exposures_phase_at (0010). */
const PHASE_SPAN = `SELECT MIN(COALESCE(a, b), COALESCE(b, a)) AS first, MAX(COALESCE(c, d), COALESCE(d, c)) AS last
  FROM (SELECT
    (SELECT MIN(at) FROM exposures WHERE experiment = ?1 AND phase = ?2 AND sticky = 0) AS a,
    (SELECT MIN(at) FROM exposures WHERE experiment = ?1 AND phase = ?2 AND sticky = 1) AS b,
    (SELECT MAX(at) FROM exposures WHERE experiment = ?1 AND phase = ?2 AND sticky = 0) AS c,
    (SELECT MAX(at) FROM exposures WHERE experiment = ?1 AND phase = ?2 AND sticky = 1) AS d)`;

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

/**
 * Every phase the experiment has exposures in, oldest first, when the current one's visitors
 * are already counted (the rollup: shared/rollup/read.ts) — without reading the
 * current phase's rows.
 */
export async function readPhasesKnowing(
  db: D1Database,
  experiment: string,
  current: { phase: string; units: number },
): Promise<PhaseSummary[]> {
  const [others, span] = await db.batch<
    PhaseSummary | { first: number | null; last: number | null }
  >([
    db.prepare(OTHER_PHASES).bind(experiment, current.phase),
    db.prepare(PHASE_SPAN).bind(experiment, current.phase),
  ]);
  const phases = others!.results as PhaseSummary[];
  const { first, last } = span!.results[0] as { first: number | null; last: number | null };
  if (first != null && last != null)
    phases.push({ phase: current.phase, first, last, units: current.units });
  return phases.sort((a, b) => a.first - b.first);
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
  const counts = emptyCounts(q.arms);
  await readOutcomes(db, q, (outcomes) => tally(counts, outcomes), pageUnits);
  return { arms: counts, excluded: await readExcluded(db, q) };
}

/** Per-request units of the phase (not counted: see the module comment). */
export async function readExcluded(
  db: D1Database,
  q: Pick<CountQuery, 'experiment' | 'phase' | 'channel'>,
): Promise<number> {
  return (
    (
      await db
        .prepare(EXCLUDED)
        .bind(q.experiment, q.phase, q.channel ?? null)
        .first<{ n: number }>()
    )?.n ?? 0
  );
}

/**
 * Every exposed unit's outcome for the query's goal, page by page (each page's outcomes are
 * final: a unit's rows never span two pages). The counting above and the revenue report
 * (shared/revenue/read.ts) both fold these.
 */
export async function readOutcomes(
  db: D1Database,
  q: CountQuery,
  onPage: (outcomes: Iterable<UnitOutcome>) => void,
  pageUnits = PAGE_UNITS,
): Promise<void> {
  await readOutcomesFor(db, q, [q.goal], ([outcomes]) => onPage(outcomes!), pageUnits);
}

/**
 * The same, for up to two goals in one pass over D1 (a report's conversions and its purchases):
 * each page's candidate events are read once and folded once per goal.
 */
export async function readOutcomesFor(
  db: D1Database,
  q: Omit<CountQuery, 'goal'>,
  goals: readonly [GoalMatch] | readonly [GoalMatch, GoalMatch],
  onPage: (outcomes: Iterable<UnitOutcome>[]) => void,
  pageUnits = PAGE_UNITS,
): Promise<void> {
  const types = [goals[0].event, (goals[1] ?? goals[0]).event] as const;
  // A page must hold more rows than one unit can have (one per arm, at most 20 per phase).
  pageUnits = Math.max(64, Math.floor(pageUnits));
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
        .bind(types[0], lo, hi, from, to + q.windowMs, q.experiment, q.phase, channel, types[1])
        .all<EventRow>()
    ).results;
    onPage(
      goals.map((goal) =>
        new Ledger(goal, q.windowMs, q.phase).expose(rows).record(candidates).outcomes(),
      ),
    );
    if (!full) break;
    after = hi;
  }
}
