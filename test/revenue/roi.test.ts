import { describe, expect, it } from 'vitest';
import { Costs, type CostsInput } from '../../shared/schema/costs.ts';
import { computeRoi, MONTH_DAYS, missingCosts, paybackMonth } from '../../shared/revenue/roi.ts';

const costs = (c: Partial<CostsInput> = {}) =>
  Costs.parse({
    schemaVersion: 1,
    version: '2026-Q4',
    currency: 'EUR',
    margin: 0.4,
    horizonMonths: 12,
    oneOff: { implementation: 20_000 },
    monthly: { platform: 1_000, contentProduction: 500, optimisationHours: 10, hourlyRate: 50 },
    ...c,
  });
/** 0.5 EUR per visitor [0.2, 0.8], 100,000 personalized visitors in one average month. */
const measured = {
  currency: 'EUR',
  perVisitor: { estimate: 0.5, low: 0.2, high: 0.8 },
  personalizedVisitors: 100_000,
  days: MONTH_DAYS,
};

describe('ROI', () => {
  it('combines incremental revenue, margin and costs into ROI and the payback month, as by hand', () => {
    const r = computeRoi(costs(), measured, 1);
    expect(r.status).toBe('ok');
    // Revenue a month 50,000 [20,000, 80,000]; profit ×0.4 = 20,000 [8,000, 32,000].
    expect(r.monthlyIncrementalRevenue!.estimate).toBeCloseTo(50_000, 6);
    expect(r.monthlyIncrementalProfit!.low).toBeCloseTo(8_000, 6);
    // Cost a month 1,000 + 500 + 10 × 50 = 2,000; over 12 months 24,000 + 20,000 = 44,000.
    expect(r.monthlyCost).toBe(2_000);
    expect(r.totalCost).toBe(44_000);
    // ROI = (12 × 20,000 − 44,000) / 44,000.
    expect(r.roi!.estimate).toBeCloseTo((240_000 - 44_000) / 44_000, 10);
    expect(r.roi!.low).toBeCloseTo((96_000 - 44_000) / 44_000, 10);
    expect(r.roi!.high).toBeCloseTo((384_000 - 44_000) / 44_000, 10);
    // Payback: 20,000 one-off / (20,000 − 2,000) a month → month 2; best 1; worst 20,000/6,000 → 4.
    expect(r.paybackMonth).toEqual({ estimate: 2, best: 1, worst: 4 });
    expect(r.costsVersion).toBe('2026-Q4');
  });

  it('says when payback does not happen within the horizon', () => {
    expect(paybackMonth(100, 5_000, 12)).toBeNull();
    expect(paybackMonth(-5, 0, 12)).toBeNull();
    expect(paybackMonth(1_000, 12_000, 12)).toBe(12);
    const r = computeRoi(
      costs(),
      {
        ...measured,
        perVisitor: { estimate: 0.01, low: -0.2, high: 0.2 },
      },
      1,
    );
    expect(r.paybackMonth!.estimate).toBeNull();
    expect(r.roi!.low).toBeLessThan(-1); // losing money beyond the costs when revenue fell
    expect(r.message).toContain('not within 12 months');
  });

  it('converts costs in another currency with the site rate, and refuses to guess without one', () => {
    const usd = costs({ currency: 'USD' });
    const converted = computeRoi(usd, measured, 0.5);
    expect(converted.monthlyCost).toBe(1_000);
    const unknown = computeRoi(usd, measured, undefined);
    expect(unknown.status).toBe('incomplete');
    expect(unknown.missing).toContain('a rate from USD to EUR in site.revenue.rates');
  });

  it('without a cost file or a holdout says which numbers are missing and computes nothing', () => {
    const none = computeRoi(undefined, undefined, 1);
    expect(none.status).toBe('incomplete');
    expect(none.roi).toBeUndefined();
    expect(none.missing[0]).toContain('a cost file');
    expect(none.missing.join(' ')).toContain('holdout');
    const half = Costs.parse({
      schemaVersion: 1,
      currency: 'EUR',
      monthly: { optimisationHours: 5 },
    });
    expect(missingCosts(half)).toEqual([
      'margin',
      'monthly.platform',
      'monthly.contentProduction',
      'monthly.hourlyRate',
      'oneOff.implementation',
    ]);
    expect(computeRoi(half, measured, 1).message).toContain('ROI needs: margin; monthly.platform');
  });
});
