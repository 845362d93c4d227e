/**
 * Gathers the maturity evidence (./assess.ts `Evidence`) from the live bundle and the last
 * `days` days of D1: decision records (debug renders left out), their slots, exposures and
 * events. A handful of aggregate queries over the time indexes of
 * migrations/0008_report_indexes.sql; freshness is measured on a sample of the most recent
 * decisions (2,000) so the check stays cheap on millions of records.
 */
import type { Bundle } from '../schema/bundle.ts';
import { HOLDOUT_EXPERIMENT } from '../schema/experiment.ts';
import { REASONS } from '../reasons.ts';
import type { Evidence } from './assess.ts';

export const FRESHNESS_SAMPLE = 2000;
/**
 * Slot-level shares and the degraded share are read from about this many of the period's
 * decisions (every k-th row): shares of a 20,000-decision sample are within ±0.7 pp of the
 * whole month's at 95 %, and the month's million decisions are never joined to their slots.
 */
export const SHARE_SAMPLE = 20_000;
const DAY = 86_400_000;

/** Reason codes that mean the visitor got less than the full experience because something failed. */
export const DEGRADED_REASONS = REASONS.filter(
  (r) =>
    !r.startsWith('cookie.') &&
    !r.startsWith('consent.') &&
    (/\.(timeout|error|invalid|invalid_json|schema|unreachable|render_error|variant_missing)$/.test(
      r,
    ) ||
      r === 'bundle.partial' ||
      r === 'bundle.missing'),
);

const DEGRADED_SQL = DEGRADED_REASONS.map((r) => `reasons LIKE '%"${r}"%'`).join(' OR ');
const IN_PERIOD = 'at >= ?1 AND at < ?2 AND debug = 0';
const ms = (col: string) => `CAST((julianday(${col}) - 2440587.5) * 86400000 AS INTEGER)`;

const DECISIONS = `SELECT COUNT(*) AS n, COALESCE(SUM(profile = 'customer'), 0) AS customer,
  COALESCE(SUM(profile = 'visitor'), 0) AS visitor
  FROM decisions WHERE ${IN_PERIOD}`;
/** ?3: every ?3-th decision (by rowid) is in the sample. */
const SAMPLED = 'rowid % ?3 = 0';
const DEGRADED = `SELECT COUNT(*) AS n, COALESCE(SUM(${DEGRADED_SQL}), 0) AS degraded
  FROM decisions WHERE ${IN_PERIOD} AND ${SAMPLED}`;
const CHANNELS = `SELECT channel, COUNT(*) AS n FROM decisions WHERE ${IN_PERIOD} GROUP BY channel`;
const SLOTS = `SELECT s.level, COUNT(*) AS n, COALESCE(SUM(s.fallback IS NOT NULL), 0) AS fallback
  FROM decisions d JOIN decision_slots s ON s.decision_id = d.id
  WHERE d.at >= ?1 AND d.at < ?2 AND d.debug = 0 AND d.${SAMPLED} GROUP BY s.level`;
const PAGES = `SELECT COUNT(DISTINCT d.page) AS n FROM decisions d
  WHERE d.at >= ?1 AND d.at < ?2 AND d.debug = 0 AND d.${SAMPLED}
    AND EXISTS (SELECT 1 FROM decision_slots s WHERE s.decision_id = d.id AND s.level != 'default')`;
const FRESH = `SELECT COUNT(*) AS sampled, COALESCE(SUM(EXISTS (SELECT 1 FROM events e
    WHERE e.visitor_id = d.visitor AND e.at <= ${ms('d.at')} AND e.at >= ${ms('d.at')} - ${DAY})), 0) AS fresh
  FROM (SELECT visitor, at FROM decisions WHERE ${IN_PERIOD} ORDER BY at DESC LIMIT ${FRESHNESS_SAMPLE}) d`;
const EVENTS = `SELECT COALESCE(SUM(type = 'add_to_cart'), 0) AS addToCart, COALESCE(SUM(type = 'purchase'), 0) AS purchases,
  COALESCE(SUM(type = 'purchase' AND value > 0), 0) AS purchasesWithValue
  FROM events WHERE type IN ('add_to_cart', 'purchase') AND at >= ?1 AND at < ?2`;
const EXPOSURES = `SELECT experiment, COUNT(*) AS n FROM exposures WHERE at >= ?1 AND at < ?2 GROUP BY experiment`;

export function bundleEvidence(bundle: Bundle | undefined): Evidence['bundle'] {
  const experiments = bundle?.experiments ?? [];
  const holdout = bundle?.holdout;
  const holdoutOn = !!holdout && holdout.share > 0;
  return {
    holdoutShare: holdout?.share ?? 0,
    experiments: experiments.length,
    bandits: experiments.filter((e) => e.type === 'bandit').length,
    nonClickGoals:
      experiments.filter((e) => e.goal.event !== 'click').length +
      (holdoutOn && holdout.goal.event !== 'click' ? 1 : 0),
  };
}

export async function readEvidence(
  db: D1Database,
  bundle: Bundle | undefined,
  now: number,
  days = 30,
): Promise<Evidence> {
  const from = now - days * DAY;
  const isoFrom = new Date(from).toISOString();
  const isoTo = new Date(now).toISOString();
  const [decisions, channels, fresh, events, exposures] = await db.batch<unknown>([
    db.prepare(DECISIONS).bind(isoFrom, isoTo),
    db.prepare(CHANNELS).bind(isoFrom, isoTo),
    db.prepare(FRESH).bind(isoFrom, isoTo),
    db.prepare(EVENTS).bind(from, now),
    db.prepare(EXPOSURES).bind(from, now),
  ]);
  const total = (decisions!.results[0] as { n: number }).n;
  const step = Math.max(1, Math.ceil(total / SHARE_SAMPLE));
  const [sample, slots, pages] = await db.batch<unknown>([
    db.prepare(DEGRADED).bind(isoFrom, isoTo, step),
    db.prepare(SLOTS).bind(isoFrom, isoTo, step),
    db.prepare(PAGES).bind(isoFrom, isoTo, step),
  ]);
  const sampled = sample!.results[0] as { n: number; degraded: number };
  const d = decisions!.results[0] as {
    n: number;
    customer: number;
    visitor: number;
    degraded: number;
  };
  const levels = Object.fromEntries(
    (slots!.results as { level: string; n: number; fallback: number }[]).map((r) => [r.level, r]),
  );
  const level = (l: string) => levels[l]?.n ?? 0;
  const bandits = new Set(
    (bundle?.experiments ?? []).filter((e) => e.type === 'bandit').map((e) => e.id),
  );
  const byExperiment = exposures!.results as { experiment: string; n: number }[];
  const f = fresh!.results[0] as { sampled: number; fresh: number };
  const ev = events!.results[0] as Evidence['events'];
  return {
    days,
    decisions: d.n,
    profiles: { customer: d.customer, visitor: d.visitor, none: d.n - d.customer - d.visitor },
    freshness: { sampled: f.sampled, fresh: f.fresh },
    channels: Object.fromEntries(
      (channels!.results as { channel: string; n: number }[]).map((r) => [r.channel, r.n]),
    ),
    pagesPersonalized: (pages!.results[0] as { n: number }).n,
    slots: {
      total: Object.values(levels).reduce((n, r) => n + r.n, 0),
      individual: level('individual'),
      segment: level('segment'),
      cohort: level('cohort'),
      experiment: level('experiment'),
      default: level('default'),
      fallback: Object.values(levels).reduce((n, r) => n + r.fallback, 0),
    },
    degraded: sampled.degraded,
    sample: { decisions: sampled.n, every: step },
    events: ev,
    exposures: {
      holdout: byExperiment.find((r) => r.experiment === HOLDOUT_EXPERIMENT)?.n ?? 0,
      bandit: byExperiment.filter((r) => bandits.has(r.experiment)).reduce((n, r) => n + r.n, 0),
    },
    bundle: bundleEvidence(bundle),
  };
}
