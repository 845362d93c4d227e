import { describe, expect, it } from 'vitest';
import { unitOutcomes } from '../../shared/experiments/counting.ts';
import { SiteRevenue, type SiteRevenueInput } from '../../shared/schema/revenue.ts';
import {
  capFor,
  incrementalRevenue,
  revenueSection,
  type Buyer,
} from '../../shared/revenue/report.ts';
import {
  addVisitor,
  addZeros,
  averageOrderValue,
  emptyMoments,
  revenuePerVisitor,
  t95,
  welchDifference,
} from '../../shared/revenue/stats.ts';

const HOUR = 3600_000;
const site = (s: SiteRevenueInput) => SiteRevenue.parse(s);
const eur = (value: number, events = 1) => ({ EUR: { events, value } });
const buyers = (arm: string, ...values: number[]): Buyer[] =>
  values.map((v) => ({ arm, byCurrency: eur(v) }));
const settings = (s?: SiteRevenueInput) => ({
  site: s ? site(s) : undefined,
  control: 'a',
  minVisitorsPerArm: 2,
});

describe('revenue statistics', () => {
  it('uses Student t quantiles (df 1, 10, 30) and the normal one for huge samples', () => {
    expect(t95(1)).toBeCloseTo(12.706204736, 6);
    expect(t95(10)).toBeCloseTo(2.228138852, 6);
    expect(t95(30)).toBeCloseTo(2.042272456, 6);
    expect(t95(1e8)).toBeCloseTo(1.959963985, 6);
  });

  it('computes the Welch interval of a revenue-per-visitor difference as by hand', () => {
    // Arm 1: 0, 0, 10, 30 → mean 10, variance (100+100+0+400)/3 = 200.
    // Arm 0: 0, 0, 0, 20, 0 → mean 4, variance (16·4 + 256)/4 = 80.
    const m1 = [0, 0, 10, 30].reduce((m, r) => addVisitor(m, r, r ? 1 : 0), emptyMoments());
    const m0 = [0, 0, 0, 20, 0].reduce((m, r) => addVisitor(m, r, r ? 1 : 0), emptyMoments());
    const a = 200 / 4;
    const b = 80 / 5;
    const se = Math.sqrt(a + b);
    const df = (a + b) ** 2 / (a ** 2 / 3 + b ** 2 / 4);
    const w = welchDifference(m1, m0)!;
    expect(w.estimate).toBeCloseTo(6, 12);
    expect(w.df).toBeCloseTo(df, 10);
    expect(w.high - w.estimate).toBeCloseTo(t95(df) * se, 10);
    expect(w.low).toBeCloseTo(6 - t95(df) * se, 10);
    expect(w.pValue).toBeGreaterThan(0.05);
  });

  it('counts visitors without orders as zeros in revenue per visitor', () => {
    const m = addZeros(addVisitor(emptyMoments(), 100, 1), 99);
    expect(revenuePerVisitor(m).estimate).toBeCloseTo(1, 12);
    expect(revenuePerVisitor(m).low).toBe(0); // never below zero
  });

  it('gives average order value as revenue over orders, a visitor with two orders counted once', () => {
    const m = emptyMoments();
    addVisitor(m, 30, 2);
    addVisitor(m, 60, 1);
    addZeros(m, 7);
    const aov = averageOrderValue(m, 2)!;
    expect(aov.estimate).toBeCloseTo(30, 12);
    expect(aov.low).toBeLessThan(30);
    expect(aov.high).toBeGreaterThan(30);
    expect(averageOrderValue(addZeros(emptyMoments(), 5))).toBeUndefined();
  });
});

describe('revenue section', () => {
  it('reports conversion rate, revenue and revenue per visitor per arm, with the difference to control', () => {
    const s = revenueSection(
      {
        arms: ['a', 'b'],
        visitors: [10, 10],
        buyers: [...buyers('a', 50), ...buyers('b', 40, 80)],
      },
      settings({ currency: 'EUR' }),
    );
    expect(s.currency).toBe('EUR');
    expect(s.arms.map((a) => [a.arm, a.visitors, a.buyers, a.orders, a.revenue])).toEqual([
      ['a', 10, 1, 1, 50],
      ['b', 10, 2, 2, 120],
    ]);
    expect(s.arms[1]!.conversionRate).toBeCloseTo(0.2, 12);
    expect(s.arms[1]!.revenuePerVisitor.estimate).toBeCloseTo(12, 12);
    expect(s.arms[1]!.revenuePerVisitorLift!.estimate).toBeCloseTo(7, 12);
    expect(s.arms[1]!.revenuePerVisitorRelativeLift!.estimate).toBeCloseTo(12 / 5 - 1, 12);
    expect(s.arms[0]!.revenuePerVisitorLift).toBeUndefined();
  });

  it('never sums currencies: a currency without a rate is excluded and counted, one with a rate converted', () => {
    const mixed: Buyer[] = [
      { arm: 'a', byCurrency: { EUR: { events: 1, value: 100 }, USD: { events: 1, value: 100 } } },
      { arm: 'b', byCurrency: { GBP: { events: 2, value: 70 } } },
      { arm: 'b', byCurrency: { USD: { events: 1, value: 50 } } },
    ];
    const input = { arms: ['a', 'b'], visitors: [5, 5], buyers: mixed };
    const withRate = revenueSection(input, settings({ currency: 'EUR', rates: { USD: 0.9 } }));
    expect(withRate.arms.map((a) => a.revenue)).toEqual([190, 45]);
    expect(withRate.arms.map((a) => a.orders)).toEqual([2, 1]);
    // The GBP-only visitor has no counted order: not a buyer, revenue 0.
    expect(withRate.arms.map((a) => a.buyers)).toEqual([1, 1]);
    expect(withRate.converted).toEqual({ USD: { orders: 2, amount: 150, rate: 0.9 } });
    expect(withRate.excluded!.orders).toBe(2);
    expect(withRate.excluded!.byCurrency).toEqual({ GBP: { orders: 2, amount: 70 } });
    expect(withRate.excluded!.message).toContain('GBP');

    const noRate = revenueSection(input, settings({ currency: 'EUR' }));
    expect(noRate.arms.map((a) => a.revenue)).toEqual([100, 0]);
    expect(noRate.excluded!.orders).toBe(4);
    expect(Object.keys(noRate.excluded!.byCurrency).sort()).toEqual(['GBP', 'USD']);
  });

  it('without site.revenue reports in the currency most orders were in, says so, and excludes the rest', () => {
    const s = revenueSection(
      {
        arms: ['a', 'b'],
        visitors: [5, 5],
        buyers: [
          { arm: 'a', byCurrency: { USD: { events: 2, value: 20 } } },
          { arm: 'b', byCurrency: { EUR: { events: 1, value: 1000 } } },
        ],
      },
      settings(),
    );
    expect(s.currency).toBe('USD');
    expect(s.currencySource).toBe('inferred');
    expect(s.arms.map((a) => a.revenue)).toEqual([20, 0]);
    expect(s.excluded!.byCurrency).toEqual({ EUR: { orders: 1, amount: 1000 } });
    expect(s.notes.join(' ')).toContain('site.revenue.currency');
  });

  it('caps each visitor at the configured percentile of buyers (pooled over arms) or at a fixed value', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000];
    expect(capFor({ percentile: 0.9 }, values)).toBe(90);
    expect(capFor({ value: 500 }, values)).toBe(500);
    expect(capFor(undefined, values)).toBeUndefined();
    const input = {
      arms: ['a', 'b'],
      visitors: [20, 20],
      buyers: [...buyers('a', 10, 20, 30, 40, 50), ...buyers('b', 60, 70, 80, 90, 1000)],
    };
    const s = revenueSection(input, settings({ currency: 'EUR', cap: { percentile: 0.9 } }));
    expect(s.capping).toEqual({ mode: 'percentile', percentile: 0.9, at: 90, capped: 1 });
    expect(s.arms[1]!.revenue).toBe(60 + 70 + 80 + 90 + 90);
    expect(s.arms[1]!.revenueUncapped).toBe(1300);
    const fixed = revenueSection(input, settings({ currency: 'EUR', cap: { value: 75 } }));
    expect(fixed.capping).toEqual({ mode: 'value', at: 75, capped: 3 });
    expect(fixed.arms[1]!.revenue).toBe(60 + 70 + 75 * 3);
  });

  it('gives no comparison below the minimum sample, and says why', () => {
    const s = revenueSection(
      { arms: ['a', 'b'], visitors: [1, 10], buyers: buyers('b', 10) },
      settings({ currency: 'EUR' }),
    );
    expect(s.arms[1]!.revenuePerVisitorLift).toBeUndefined();
    expect(s.notes.join(' ')).toContain('no comparison until every arm has 2 visitors');
  });

  it('turns the holdout difference into incremental revenue per 1,000 visitors and over the period', () => {
    const s = revenueSection(
      {
        arms: ['holdout', 'personalized'],
        visitors: [100, 900],
        buyers: [...buyers('holdout', 50, 50), ...buyers('personalized', ...Array(27).fill(50))],
      },
      { site: site({ currency: 'EUR' }), control: 'holdout', minVisitorsPerArm: 10 },
    );
    const inc = incrementalRevenue(s)!;
    // 27·50/900 − 2·50/100 = 1.5 − 1 = 0.5 per visitor.
    expect(inc.perVisitor.estimate).toBeCloseTo(0.5, 12);
    expect(inc.per1000Visitors.estimate).toBeCloseTo(500, 9);
    expect(inc.per1000Visitors.low).toBeCloseTo(inc.perVisitor.low * 1000, 9);
    expect(inc.total.estimate).toBeCloseTo(450, 9);
    expect(inc.personalizedVisitors).toBe(900);
    expect(inc.message).toContain('500.00 EUR per 1,000 visitors');
  });
});

describe('counting keeps currencies apart', () => {
  it('splits a visitor’s purchases in their window by currency', () => {
    const [o] = unitOutcomes(
      [{ unit: 'v', arm: 'a', at: 0 }],
      [
        { unit: 'v', type: 'purchase', value: 10, currency: 'EUR', at: HOUR },
        { unit: 'v', type: 'purchase', value: 5, currency: 'USD', at: 2 * HOUR },
        { unit: 'v', type: 'purchase', value: 7, currency: 'EUR', at: 3 * HOUR },
        { unit: 'v', type: 'purchase', value: 99, currency: 'EUR', at: 30 * HOUR },
      ],
      { event: 'purchase' },
      24 * HOUR,
    );
    expect(o!.byCurrency).toEqual({ EUR: { events: 2, value: 17 }, USD: { events: 1, value: 5 } });
  });
});
