/**
 * The revenue part of an experiment or holdout report: per arm, conversion rate (visitors with
 * an order), revenue per visitor and average order value with 95 % intervals suited to skewed
 * revenue (./stats.ts), their differences to control, and — for the holdout — the incremental
 * revenue of personalization over the period, absolute and per 1,000 visitors. Pure: per-arm
 * visitor counts and buyers' orders by currency in, numbers out. The D1 reader is ./read.ts.
 */
import type { SiteRevenue, RevenueCap } from '../schema/revenue.ts';
import { wilson, type Interval } from '../experiments/stats.ts';
import {
  currencyPolicy,
  emptyCurrencyLedger,
  visitorTotal,
  type CurrencyLedger,
} from './currency.ts';
import {
  addVisitor,
  addZeros,
  aovDifference,
  averageOrderValue,
  emptyMoments,
  relativeRevenueLift,
  revenuePerVisitor,
  scale,
  welchDifference,
  type Estimate,
  type Moments,
  type Welch,
} from './stats.ts';

export const REVENUE_METHOD =
  'Welch t (revenue per visitor and its difference), delta method (average order value, relative lift); 95%';

/** A visitor with at least one purchase in their window: their orders and value by currency. */
export interface Buyer {
  arm: string;
  byCurrency: Readonly<Record<string, { events: number; value: number }>>;
}

export interface RevenueInput {
  arms: readonly string[];
  /** Exposed visitors per arm, in the order of `arms` (buyers included). */
  visitors: readonly number[];
  buyers: readonly Buyer[];
}

export interface RevenueSettings {
  site?: SiteRevenue | undefined;
  control: string;
  /** Below this many visitors in any arm there are no comparisons (the report's guardrail). */
  minVisitorsPerArm: number;
}

export interface RevenueArm {
  arm: string;
  control: boolean;
  visitors: number;
  /** Visitors with at least one counted order in their window. */
  buyers: number;
  orders: number;
  /** Revenue in the reporting currency, after capping. */
  revenue: number;
  /** Before capping (present when capping changed anything). */
  revenueUncapped?: number;
  conversionRate: number;
  conversionInterval: Interval;
  revenuePerVisitor: Estimate;
  /** Absent without orders. */
  averageOrderValue?: Estimate;
  /** Against control, once every arm has the minimum sample. */
  revenuePerVisitorLift?: Welch;
  revenuePerVisitorRelativeLift?: Estimate;
  averageOrderValueLift?: Estimate;
}

export interface Capping {
  mode: 'none' | 'percentile' | 'value';
  percentile?: number;
  /** The cap applied to each visitor's revenue, in the reporting currency. */
  at?: number;
  /** Visitors whose revenue was capped. */
  capped: number;
}

export interface Incremental {
  /** Personalized − holdout revenue per visitor (Welch). */
  perVisitor: Welch;
  per1000Visitors: Estimate;
  /** Over the period: per-visitor difference × the personalized visitors of the phase. */
  total: Estimate;
  personalizedVisitors: number;
  message: string;
}

export interface RevenueSection {
  /** The reporting currency; absent when there is no config and no purchase yet. */
  currency?: string;
  currencySource?: 'site' | 'inferred';
  method: typeof REVENUE_METHOD;
  capping: Capping;
  arms: RevenueArm[];
  /** Orders in other currencies that were converted with the site's rate table. */
  converted?: CurrencyLedger['converted'];
  /** Orders left out because their currency has no rate; never summed into revenue. */
  excluded?: { orders: number; byCurrency: CurrencyLedger['excluded']; message: string };
  /** Holdout only: what personalization added. */
  incremental?: Incremental;
  notes: string[];
}

/** The cap for these buyers' revenues (nearest-rank percentile over buyers, all arms pooled). */
export function capFor(
  cap: RevenueCap | undefined,
  revenues: readonly number[],
): number | undefined {
  if (!cap) return undefined;
  if ('value' in cap) return cap.value;
  const sorted = revenues.filter((r) => r > 0).sort((a, b) => a - b);
  if (!sorted.length) return undefined;
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil(cap.percentile * sorted.length) - 1))
  ];
}

const money = (x: number, currency: string) => `${x.toFixed(2)} ${currency}`;

export function revenueSection(input: RevenueInput, s: RevenueSettings): RevenueSection {
  const orders: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const b of input.buyers)
    for (const [c, { events }] of Object.entries(b.byCurrency))
      orders[c] = (orders[c] ?? 0) + events;
  const policy = currencyPolicy(s.site, orders);
  const ledger = emptyCurrencyLedger();
  const totals = policy
    ? input.buyers.map((b) => ({ arm: b.arm, ...visitorTotal(policy, b.byCurrency, ledger) }))
    : [];
  const cap = capFor(
    s.site?.cap,
    totals.map((t) => t.revenue),
  );
  const moments = new Map<string, Moments>(input.arms.map((a) => [a, emptyMoments()]));
  const raw = new Map<string, number>(input.arms.map((a) => [a, 0]));
  let capped = 0;
  for (const t of totals) {
    const m = moments.get(t.arm);
    if (!m || t.orders === 0) continue; // an arm no longer listed; or only excluded orders
    const r = cap !== undefined && t.revenue > cap ? cap : t.revenue;
    if (r !== t.revenue) capped++;
    raw.set(t.arm, raw.get(t.arm)! + t.revenue);
    addVisitor(m, r, t.orders);
  }
  input.arms.forEach((a, i) => {
    const m = moments.get(a)!;
    addZeros(m, Math.max(0, (input.visitors[i] ?? 0) - m.n));
  });
  const enough = input.visitors.every((n) => n >= s.minVisitorsPerArm);
  const control = moments.get(s.control) ?? emptyMoments();
  const arms = input.arms.map((arm): RevenueArm => {
    const m = moments.get(arm)!;
    const buyers = countBuyers(totals, arm);
    const isControl = arm === s.control;
    const aov = averageOrderValue(m, buyers);
    const compare = enough && !isControl;
    const lift = compare ? welchDifference(m, control) : undefined;
    const rel = compare ? relativeRevenueLift(m, control) : undefined;
    const aovLift = compare ? aovDifference(m, control) : undefined;
    return {
      arm,
      control: isControl,
      visitors: m.n,
      buyers,
      orders: m.sumO,
      revenue: m.sumR,
      ...(raw.get(arm)! !== m.sumR ? { revenueUncapped: raw.get(arm)! } : {}),
      conversionRate: m.n ? buyers / m.n : 0,
      conversionInterval: wilson(buyers, m.n),
      revenuePerVisitor: revenuePerVisitor(m),
      ...(aov
        ? { averageOrderValue: { estimate: aov.estimate, low: aov.low, high: aov.high } }
        : {}),
      ...(lift ? { revenuePerVisitorLift: lift } : {}),
      ...(rel ? { revenuePerVisitorRelativeLift: rel } : {}),
      ...(aovLift ? { averageOrderValueLift: aovLift } : {}),
    };
  });
  const excludedOrders = Object.values(ledger.excluded).reduce((n, x) => n + x.orders, 0);
  const notes: string[] = [];
  if (!policy)
    notes.push('no purchase in any window yet, and no site.revenue.currency to report in');
  else if (policy.source === 'inferred')
    notes.push(
      `reporting currency ${policy.currency} taken from the data (most orders); set site.revenue.currency to fix it`,
    );
  if (!enough)
    notes.push(
      `no comparison until every arm has ${s.minVisitorsPerArm} visitors (the report's minimum sample)`,
    );
  return {
    ...(policy ? { currency: policy.currency, currencySource: policy.source } : {}),
    method: REVENUE_METHOD,
    capping: {
      mode: !s.site?.cap ? 'none' : 'value' in s.site.cap ? 'value' : 'percentile',
      ...(s.site?.cap && 'percentile' in s.site.cap ? { percentile: s.site.cap.percentile } : {}),
      ...(cap !== undefined ? { at: cap } : {}),
      capped,
    },
    arms,
    ...(Object.keys(ledger.converted).length ? { converted: ledger.converted } : {}),
    ...(excludedOrders
      ? {
          excluded: {
            orders: excludedOrders,
            byCurrency: ledger.excluded,
            message: `${excludedOrders} order(s) in ${Object.keys(ledger.excluded).join(', ')} left out of revenue: no rate to ${policy!.currency} in site.revenue.rates`,
          },
        }
      : {}),
    notes,
  };
}

function countBuyers(totals: readonly { arm: string; orders: number }[], arm: string): number {
  let n = 0;
  for (const t of totals) if (t.arm === arm && t.orders > 0) n++;
  return n;
}

/**
 * The holdout's incremental revenue: personalized − holdout revenue per visitor (Welch), per
 * 1,000 visitors, and over the period's personalized visitors. Undefined until both sides have
 * the minimum sample.
 */
export function incrementalRevenue(
  section: RevenueSection,
  personalized = 'personalized',
): Incremental | undefined {
  const p = section.arms.find((a) => a.arm === personalized);
  if (!p?.revenuePerVisitorLift || !section.currency) return undefined;
  const perVisitor = p.revenuePerVisitorLift;
  const per1000Visitors = scale(perVisitor, 1000);
  const total = scale(perVisitor, p.visitors);
  const c = section.currency;
  return {
    perVisitor,
    per1000Visitors,
    total,
    personalizedVisitors: p.visitors,
    message: `personalization added ${money(per1000Visitors.estimate, c)} per 1,000 visitors [${money(per1000Visitors.low, c)}, ${money(per1000Visitors.high, c)}]; over the ${p.visitors} personalized visitors of this period ${money(total.estimate, c)} [${money(total.low, c)}, ${money(total.high, c)}]`,
  };
}
