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
  type Credit,
  type Credited,
  type SlotExposures,
  type SlotTouch,
} from './attribution.ts';
import {
  convert,
  currencyPolicy,
  emptyCurrencyLedger,
  visitorTotal,
  type CurrencyLedger,
} from './currency.ts';
import {
  DAY,
  SPAN_STATEMENTS,
  builtDays,
  readDayRows,
  slotExposureOf,
  spanPieces,
  spanStatements,
  type SpanPieces,
} from './attribution-days.ts';
import { DEFAULT_ATTRIBUTION_WINDOW_HOURS } from '../schema/revenue.ts';
import {
  ARM_EXPOSURES,
  ARM_TOUCHES,
  DECISION_COUNT,
  PURCHASES,
  SLOT_EXPOSURES,
  SLOT_TOUCHES,
} from './attribution-sql.ts';

const DAYS_PER_BATCH = 10;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Exposure counts come from about this many of the period's decisions (every k-th row), scaled
 * back up: the exposure shares of a 50,000-decision sample are within ±0.5 pp of the period's
 * at 95 %, and a month of a million decisions is never joined to its slots whole. Conversions and
 * revenue are always exact.
 */
export const EXPOSURE_SAMPLE = 50_000;

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
  /** Days read from the cron's daily rows (./attribution-days.ts); the rest were read raw. */
  rolledUpDays?: number;
}

/** With more days than this to read raw (the rollup is not built yet), the sampled read is used. */
export const MAX_RAW_SPANS = 6;

/**
 * The table from the cron's daily rows plus the raw spans around and between them (the
 * period's partial first and last day, the last two days, any day not built): exact exposure
 * counts, and the same credit as the raw read. Undefined when no day of the period is built
 * or too many are missing.
 */
async function readRolledUp(
  db: D1Database,
  period: { from: number; to: number },
  site: SiteRevenue | undefined,
  windowMs: number,
): Promise<AttributionReport | undefined> {
  const dFrom = Math.ceil(period.from / DAY);
  const dTo = Math.floor(period.to / DAY);
  if (dTo <= dFrom) return undefined;
  const built = await builtDays(db, windowMs, dFrom, dTo);
  if (!built.size) return undefined;
  const spans: [number, number][] = [];
  const days: number[] = [];
  if (period.from < dFrom * DAY) spans.push([period.from, dFrom * DAY]);
  for (let d = dFrom; d < dTo; d++)
    if (built.has(d)) days.push(d);
    else spans.push([d * DAY, (d + 1) * DAY]);
  if (dTo * DAY < period.to) spans.push([dTo * DAY, period.to]);
  if (spans.length > MAX_RAW_SPANS) return undefined;
  const [rows, answers] = await Promise.all([
    readDayRows(db, windowMs, days),
    spans.length
      ? db.batch<unknown>(spans.flatMap(([from, to]) => spanStatements(db, from, to, windowMs)))
      : Promise.resolve([]),
  ]);
  const raw: SpanPieces = {
    decisions: 0,
    slotExposures: [],
    armExposures: [],
    purchases: [],
    slotTouches: [],
    armTouches: [],
  };
  for (let k = 0; k < answers.length; k += SPAN_STATEMENTS) {
    const p = spanPieces(answers.slice(k, k + SPAN_STATEMENTS));
    raw.decisions += p.decisions;
    raw.slotExposures.push(...p.slotExposures);
    raw.armExposures.push(...p.armExposures);
    raw.purchases.push(...p.purchases);
    raw.slotTouches.push(...p.slotTouches);
    raw.armTouches.push(...p.armTouches);
  }
  const orders: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const r of rows)
    if (r.kind === 'purchases') orders[r.currency] = (orders[r.currency] ?? 0) + r.count;
  for (const r of raw.purchases) if (r.currency) orders[r.currency] = (orders[r.currency] ?? 0) + 1;
  const policy = currencyPolicy(site, orders);
  const ledger = emptyCurrencyLedger();
  const credited: Credited & { credits: Credit[] } = {
    conversions: 0,
    revenue: 0,
    unattributed: { conversions: 0, revenue: 0 },
    credits: [],
  };
  let decisions = raw.decisions;
  const slotExposures = [...raw.slotExposures];
  const armExposures = [...raw.armExposures];
  for (const r of rows) {
    switch (r.kind) {
      case 'decisions':
        decisions += r.count;
        continue;
      case 'slot':
        slotExposures.push(slotExposureOf(r));
        continue;
      case 'arm':
        armExposures.push({ experiment: r.grp, arm: r.key, count: r.count });
        continue;
    }
    if (!policy) continue;
    if (r.kind === 'purchases') {
      const t = visitorTotal(
        policy,
        { [r.currency]: { events: r.count, value: r.amount } },
        ledger,
      );
      credited.conversions += t.orders;
      credited.revenue += t.revenue;
      continue;
    }
    const revenue = convert(policy, r.amount, r.currency);
    if (revenue === undefined) continue; // excluded: counted once, from the purchases row
    if (r.kind === 'unattributed') {
      credited.unattributed.conversions += r.count;
      credited.unattributed.revenue += revenue;
    } else
      credited.credits.push({
        table: r.kind,
        group: r.grp,
        key: r.key,
        conversions: r.count,
        revenue,
      });
  }
  const conversions: Conversion[] = [];
  for (const r of raw.purchases) {
    if (!policy || !r.currency) continue;
    const t = visitorTotal(policy, { [r.currency]: { events: 1, value: r.value ?? 0 } }, ledger);
    if (t.orders) conversions.push({ id: r.id, at: r.at, revenue: t.revenue });
  }
  const table = attribute({
    slotExposures,
    armExposures,
    conversions,
    slotTouches: raw.slotTouches,
    armTouches: raw.armTouches,
    windowMs,
    credited,
  });
  return report(period, decisions, 1, windowMs, policy, table, ledger, days.length);
}

function report(
  period: { from: number; to: number },
  decisions: number,
  every: number,
  windowMs: number,
  policy: ReturnType<typeof currencyPolicy>,
  table: AttributionTable,
  ledger: CurrencyLedger,
  rolledUpDays?: number,
): AttributionReport {
  const excludedOrders = Object.values(ledger.excluded).reduce((n, x) => n + x.orders, 0);
  return {
    from: iso(period.from),
    to: iso(period.to),
    decisions,
    exposureSample: { every },
    windowHours: windowMs / 3600_000,
    ...(policy ? { currency: policy.currency, currencySource: policy.source } : {}),
    ...table,
    ...(Object.keys(ledger.converted).length ? { converted: ledger.converted } : {}),
    ...(excludedOrders
      ? { excluded: { orders: excludedOrders, byCurrency: ledger.excluded } }
      : {}),
    ...(rolledUpDays ? { rolledUpDays } : {}),
  };
}

export async function readAttribution(
  db: D1Database,
  period: { from: number; to: number },
  site: SiteRevenue | undefined,
  progress?: (day: number, days: number) => void,
  /** Read every day raw (sampled exposure counts), ignoring the daily rows: checks and tests. */
  rawOnly = false,
): Promise<AttributionReport> {
  const windowHours = site?.attributionWindowHours ?? DEFAULT_ATTRIBUTION_WINDOW_HOURS;
  const windowMs = windowHours * 3600_000;
  const rolled = rawOnly ? undefined : await readRolledUp(db, period, site, windowMs);
  if (rolled) {
    progress?.(1, 1);
    return rolled;
  }
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
  return report(period, decisions, every, windowMs, policy, table, ledger);
}
