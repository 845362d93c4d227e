/**
 * Revenue in every experiment and holdout report (issue 17), read from real D1: purchases of the
 * exposed visitors inside their window, in the site's one reporting currency.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { holdoutPhaseOf, phaseOf } from '../../shared/experiments/phase.ts';
import type { Report } from '../../shared/experiments/report.ts';
import {
  Experiment,
  Holdout,
  type ExperimentInput,
  type HoldoutInput,
} from '../../shared/schema/experiment.ts';
import { bearerHeader, mintAdminToken } from '../support/admin-token.ts';
import { publishTestBundle, testBundleBody } from '../support/bundle.ts';
import { seedArm as seedArmRows } from '../support/seed-arms.ts';

const HOUR = 3600_000;
const T0 = Date.parse('2026-11-20T10:00:00Z');

const heroTest: ExperimentInput = {
  id: 'hero-test',
  scope: { slot: 'hero' },
  arms: [{ id: 'control' }, { id: 'running', variant: 'hero-running' }],
  goal: { event: 'click' },
  windowHours: 24,
  minVisitorsPerArm: 10,
};
const holdout: HoldoutInput = { share: 0.1, salt: 'h', windowHours: 24, minVisitorsPerArm: 10 };

type Order = [value: number, currency: string, afterHours?: number];

/** Writes `n` exposed visitors of an arm; visitor i places `orders[i]` (if any). */
async function seedArm(
  experiment: string,
  arm: string,
  phase: string,
  n: number,
  orders: Order[][],
) {
  await seedArmRows(env.DB, {
    experiment,
    arm,
    phase,
    slot: 'hero',
    visitors: n,
    at: (i) => T0 + i * 1000,
    events: (i, at) =>
      (orders[i] ?? []).map(([value, currency, after = 1], k) => ({
        id: `o${i}-${k}`,
        type: 'purchase',
        value,
        currency,
        at: at + after * HOUR,
      })),
  });
}

async function report(id: string): Promise<Report> {
  const res = await SELF.fetch(`https://shop.test/admin/experiments/${id}/report`, {
    headers: bearerHeader(await mintAdminToken({ scope: 'read' })),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

const heroPhase = phaseOf(Experiment.parse(heroTest));
const holdoutPhase = holdoutPhaseOf(Holdout.parse(holdout));

describe('revenue in experiment reports', () => {
  beforeEach(async () => {
    await env.DB.exec('DELETE FROM exposures; DELETE FROM events;');
  });

  it('adds purchases in the window per arm, in the reporting currency, whatever the goal', async () => {
    await publishTestBundle(
      testBundleBody({
        site: { name: 'Test Shop', lang: 'en', revenue: { currency: 'EUR', rates: { USD: 0.5 } } },
        experiments: [heroTest],
      }),
    );
    await seedArm('hero-test', 'control', heroPhase, 20, [
      [[40, 'EUR']],
      [
        [60, 'EUR'],
        [100, 'EUR', 30],
      ], // the second order is outside the 24 h window
    ]);
    await seedArm('hero-test', 'running', heroPhase, 20, [
      [
        [50, 'EUR'],
        [30, 'EUR', 2],
      ],
      [[200, 'USD']], // converted at 0.5 → 100 EUR
      [[80, 'GBP']], // no rate: excluded and counted, never summed
    ]);
    const r = await report('hero-test');
    const rev = r.revenue!;
    expect(rev.currency).toBe('EUR');
    expect(rev.arms.map((a) => [a.arm, a.visitors, a.buyers, a.orders, a.revenue])).toEqual([
      ['control', 20, 2, 2, 100],
      ['running', 20, 2, 3, 180],
    ]);
    expect(rev.arms[1]!.revenuePerVisitor.estimate).toBeCloseTo(9, 10);
    expect(rev.arms[1]!.averageOrderValue!.estimate).toBeCloseTo(60, 10);
    expect(rev.arms[1]!.revenuePerVisitorLift!.estimate).toBeCloseTo(4, 10);
    expect(rev.converted).toEqual({ USD: { orders: 1, amount: 200, rate: 0.5 } });
    expect(rev.excluded).toMatchObject({
      orders: 1,
      byCurrency: { GBP: { orders: 1, amount: 80 } },
    });
    // The conversion part of the report is untouched: the goal is clicks.
    expect(r.arms.map((a) => a.conversions)).toEqual([0, 0]);
  });

  it('reports the holdout’s incremental revenue, absolute and per 1,000 visitors', async () => {
    await publishTestBundle(
      testBundleBody({
        site: { name: 'Test Shop', lang: 'en', revenue: { currency: 'EUR' } },
        holdout,
        experiments: [heroTest],
      }),
    );
    const orders = (n: number): Order[][] => Array.from({ length: n }, () => [[50, 'EUR']]);
    await seedArm('_holdout', 'holdout', holdoutPhase, 100, orders(2));
    await seedArm('_holdout', 'personalized', holdoutPhase, 900, orders(27));
    const h = await report('holdout');
    const inc = h.revenue!.incremental!;
    expect(inc.perVisitor.estimate).toBeCloseTo(0.5, 10);
    expect(inc.per1000Visitors.estimate).toBeCloseTo(500, 8);
    expect(inc.total.estimate).toBeCloseTo(450, 8);
    expect(inc.perVisitor.low).toBeLessThan(0.5);
    // Every experiment report carries the holdout, revenue included.
    expect((await report('hero-test')).holdout!.revenue!.incremental!.total.estimate).toBeCloseTo(
      450,
      8,
    );
  });
});
