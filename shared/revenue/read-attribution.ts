/**
 * Attribution from D1 (./attribution.ts for the rule): the period's slot decisions and arm
 * exposures counted in SQL, then its purchases a day at a time with, for each, the last decision
 * of each slot and the last exposure to each experiment the same visitor saw within the window
 * before it (SQLite returns the other columns of the MAX row). Debug renders never count.
 * Indexes: migrations/0008_report_indexes.sql.
 */
import type { SiteRevenue } from '../schema/revenue.ts';
import {
  attribute,
  type ArmExposures,
  type ArmTouch,
  type AttributionTable,
  type Conversion,
  type SlotExposures,
  type SlotTouch,
} from './attribution.ts';
import {
  currencyPolicy,
  emptyCurrencyLedger,
  visitorTotal,
  type CurrencyLedger,
} from './currency.ts';
import { DEFAULT_ATTRIBUTION_WINDOW_HOURS } from '../schema/revenue.ts';

const DAY = 86_400_000;
const DAYS_PER_BATCH = 10;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Exposure counts come from about this many of the period's decisions (every k-th row), scaled
 * back up: the exposure shares of a 50,000-decision sample are within ±0.5 pp of the period's
 * at 95 %, and a month of a million decisions is never joined to its slots whole. Conversions and
 * revenue are always exact.
 */
export const EXPOSURE_SAMPLE = 50_000;

const DECISION_COUNT = `SELECT COUNT(*) AS n FROM decisions WHERE at >= ?1 AND at < ?2 AND debug = 0`;

const SLOT_EXPOSURES = `SELECT s.slot, s.level, s.reason, s.rule, s.variant, COUNT(*) * ?3 AS count
  FROM decisions d JOIN decision_slots s ON s.decision_id = d.id
  WHERE d.at >= ?1 AND d.at < ?2 AND d.debug = 0 AND d.rowid % ?3 = 0
  GROUP BY s.slot, s.level, s.reason, s.rule, s.variant`;

const ARM_EXPOSURES = `SELECT experiment, arm, COUNT(*) AS count FROM exposures
  WHERE at >= ?1 AND at < ?2 GROUP BY experiment, arm`;

const PURCHASES = `SELECT id, value, currency, at FROM events
  WHERE type = 'purchase' AND at >= ?1 AND at < ?2`;

/** ISO text of an event time (ms) minus ?3 ms, in the decision log's format. */
const ISO_OF = (expr: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${expr}) / 1000.0, 'unixepoch')`;

const SLOT_TOUCHES = `SELECT e.id AS conversion, s.slot, MAX(d.at) AS iso, s.level, s.reason, s.rule, s.variant
  FROM events e
  JOIN decisions d ON d.visitor = e.visitor_id
    AND d.at >= ${ISO_OF('e.at - ?3')} AND d.at <= ${ISO_OF('e.at')} AND d.debug = 0
  JOIN decision_slots s ON s.decision_id = d.id
  WHERE e.type = 'purchase' AND e.at >= ?1 AND e.at < ?2
  GROUP BY e.id, s.slot`;

const ARM_TOUCHES = `SELECT e.id AS conversion, x.experiment, MAX(x.at) AS at, x.arm
  FROM events e
  JOIN exposures x ON x.unit_id = e.visitor_id AND x.at >= e.at - ?3 AND x.at <= e.at
  WHERE e.type = 'purchase' AND e.at >= ?1 AND e.at < ?2
  GROUP BY e.id, x.experiment`;

export interface AttributionReport extends AttributionTable {
  from: string;
  to: string;
  /** Decisions in the period; slot exposure counts are every `every`-th of them × `every`. */
  decisions: number;
  exposureSample: { every: number };
  windowHours: number;
  /** The reporting currency (site.revenue.currency, or the one most orders were in). */
  currency?: string;
  currencySource?: 'site' | 'inferred';
  converted?: CurrencyLedger['converted'];
  /** Orders whose currency has no rate: left out, never summed. */
  excluded?: { orders: number; byCurrency: CurrencyLedger['excluded'] };
}

export async function readAttribution(
  db: D1Database,
  period: { from: number; to: number },
  site: SiteRevenue | undefined,
  progress?: (day: number, days: number) => void,
): Promise<AttributionReport> {
  const windowHours = site?.attributionWindowHours ?? DEFAULT_ATTRIBUTION_WINDOW_HOURS;
  const windowMs = windowHours * 3600_000;
  const decisions =
    (await db.prepare(DECISION_COUNT).bind(iso(period.from), iso(period.to)).first<{ n: number }>())
      ?.n ?? 0;
  const every = Math.max(1, Math.ceil(decisions / EXPOSURE_SAMPLE));
  const slotExposures = await db
    .prepare(SLOT_EXPOSURES)
    .bind(iso(period.from), iso(period.to), every)
    .all<SlotExposures>();
  const armExposures = await db
    .prepare(ARM_EXPOSURES)
    .bind(period.from, period.to)
    .all<ArmExposures>();
  const raw: { id: string; value: number | null; currency: string | null; at: number }[] = [];
  const slotTouches: SlotTouch[] = [];
  const armTouches: ArmTouch[] = [];
  const days = Math.max(1, Math.ceil((period.to - period.from) / DAY));
  // A day per statement keeps each answer small; ten days per round trip keeps them few.
  for (let first = 0; first < days; first += DAYS_PER_BATCH) {
    const statements: D1PreparedStatement[] = [];
    for (let i = first; i < Math.min(days, first + DAYS_PER_BATCH); i++) {
      const from = period.from + i * DAY;
      const to = Math.min(period.to, from + DAY);
      statements.push(
        db.prepare(PURCHASES).bind(from, to),
        db.prepare(SLOT_TOUCHES).bind(from, to, windowMs),
        db.prepare(ARM_TOUCHES).bind(from, to, windowMs),
      );
    }
    const answers = await db.batch<unknown>(statements);
    for (let k = 0; k < answers.length; k += 3) {
      raw.push(...(answers[k]!.results as typeof raw));
      for (const t of answers[k + 1]!.results as (Omit<SlotTouch, 'at'> & { iso: string })[])
        slotTouches.push({ ...t, at: Date.parse(t.iso) });
      armTouches.push(...(answers[k + 2]!.results as ArmTouch[]));
    }
    progress?.(Math.min(days, first + DAYS_PER_BATCH), days);
  }
  const orders: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const r of raw) if (r.currency) orders[r.currency] = (orders[r.currency] ?? 0) + 1;
  const policy = currencyPolicy(site, orders);
  const ledger = emptyCurrencyLedger();
  const conversions: Conversion[] = [];
  for (const r of raw) {
    if (!policy || !r.currency) continue;
    const t = visitorTotal(policy, { [r.currency]: { events: 1, value: r.value ?? 0 } }, ledger);
    if (t.orders) conversions.push({ id: r.id, at: r.at, revenue: t.revenue });
  }
  const table = attribute({
    slotExposures: slotExposures.results,
    armExposures: armExposures.results,
    conversions,
    slotTouches,
    armTouches,
    windowMs,
  });
  const excludedOrders = Object.values(ledger.excluded).reduce((n, x) => n + x.orders, 0);
  return {
    from: iso(period.from),
    to: iso(period.to),
    decisions,
    exposureSample: { every },
    windowHours,
    ...(policy ? { currency: policy.currency, currencySource: policy.source } : {}),
    ...table,
    ...(Object.keys(ledger.converted).length ? { converted: ledger.converted } : {}),
    ...(excludedOrders
      ? { excluded: { orders: excludedOrders, byCurrency: ledger.excluded } }
      : {}),
  };
}
