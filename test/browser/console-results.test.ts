/**
 * The console's experiment results in Chromium, on a site of its own (./console-site.ts) whose D1
 * holds this file's own exposures and events, written with the decision-log consumer's own
 * statements (control/consumers/exposures.ts) before the site starts:
 *
 * - `hero-test`, an A/B/n test whose split is off (200 / 320 / 200 visitors for equal weights)
 *   and whose `calm` arm converts and earns less than control;
 * - `banner-test`, below its minimum sample;
 * - `tips-bandit`, a bandit that moved its new visitors to `tips-b` over five days;
 * - the holdout, with purchases on both sides.
 *
 * What a marketer reads is checked against what the control plane's routes answer at the same
 * time (`GET /admin/experiments/:id/report`, `GET /admin/console/experiments/:id/allocation`), and
 * those against the seeded counts, so neither a blank view nor an empty report can pass.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../cli/lib/paths.ts';
import { seedArm as seedArmRows, type ArmSeed } from '../support/seed-arms.ts';
import type { ConsoleAllocation, ConsoleReport } from '../../control/console/ui/report-types.ts';
import { holdoutPhaseOf, phaseOf } from '../../shared/experiments/phase.ts';
import type { Report } from '../../shared/experiments/report.ts';
import {
  Experiment,
  Holdout,
  type ExperimentInput,
  type HoldoutInput,
} from '../../shared/schema/experiment.ts';
import {
  openConsole,
  seriousAxeViolations,
  startConsoleSite,
  type ConsoleSite,
} from './console-site.ts';

const RESULTS = path.join(ROOT, '.test-results');
const DAY = 86_400_000;

const heroTest: ExperimentInput = {
  id: 'hero-test',
  name: 'Hero headline',
  scope: { slot: 'hero' },
  arms: [
    { id: 'control', variant: 'hero-a' },
    { id: 'bold', variant: 'hero-b' },
    { id: 'calm', variant: 'hero-c' },
  ],
  goal: { event: 'click' },
  windowHours: 24,
  minVisitorsPerArm: 50,
};
const bannerTest: ExperimentInput = {
  id: 'banner-test',
  scope: { slot: 'banner' },
  arms: [
    { id: 'control', variant: 'banner-a' },
    { id: 'sale', variant: 'banner-b' },
  ],
  goal: { event: 'click' },
  windowHours: 24,
};
/** Control never converts: no relative lift, only the absolute difference and why. */
const promoTest: ExperimentInput = {
  id: 'promo-test',
  scope: { slot: 'promo' },
  arms: [
    { id: 'control', variant: 'promo-a' },
    { id: 'bright', variant: 'promo-b' },
  ],
  goal: { event: 'click' },
  windowHours: 24,
  minVisitorsPerArm: 10,
};
const tipsBandit: ExperimentInput = {
  id: 'tips-bandit',
  type: 'bandit',
  scope: { slot: 'tips' },
  arms: [
    { id: 'tips-a', variant: 'tips-a' },
    { id: 'tips-b', variant: 'tips-b' },
    { id: 'tips-c', variant: 'tips-c' },
  ],
  goal: { event: 'click' },
  windowHours: 24,
  minVisitorsPerArm: 20,
};
const holdout: HoldoutInput = {
  share: 0.1,
  salt: 'results-holdout',
  goal: { event: 'purchase' },
  windowHours: 24,
  minVisitorsPerArm: 30,
};

const hero = (id: string, headline: string) => ({ id, name: headline, props: { headline } });
const BODY = {
  schemaVersion: 1,
  site: { name: 'Results Test Shop', lang: 'en', revenue: { currency: 'EUR' } },
  segments: [],
  pages: [
    { id: 'home', path: '/', title: 'Home', slots: ['hero'] },
    { id: 'deals', path: '/deals', title: 'Deals', slots: ['banner', 'promo'] },
    { id: 'guide', path: '/guide', title: 'Guide', slots: ['tips'] },
  ],
  slots: [
    {
      id: 'hero',
      component: 'hero',
      default: 'hero-a',
      variants: [hero('hero-a', 'Gear up'), hero('hero-b', 'GEAR UP NOW'), hero('hero-c', 'Rest')],
    },
    {
      id: 'banner',
      component: 'hero',
      default: 'banner-a',
      variants: [hero('banner-a', 'Deals'), hero('banner-b', 'Sale')],
    },
    {
      id: 'promo',
      component: 'hero',
      default: 'promo-a',
      variants: [hero('promo-a', 'Promo'), hero('promo-b', 'PROMO')],
    },
    {
      id: 'tips',
      component: 'hero',
      default: 'tips-a',
      variants: [hero('tips-a', 'Tip A'), hero('tips-b', 'Tip B'), hero('tips-c', 'Tip C')],
    },
  ],
  experiments: [heroTest, bannerTest, promoTest, tipsBandit],
  holdout,
};

/** One arm's seeded visitors: exposed at `at(i)`, the first `clicks` click, the first `buyers` buy. */
interface ArmFixture extends Omit<ArmSeed, 'events'> {
  clicks?: number;
  buyers?: number;
  /** Each buyer's order, in EUR. */
  value?: number;
}

async function seedArm(db: D1Database, s: ArmFixture): Promise<void> {
  await seedArmRows(db, {
    ...s,
    events: (i, at) => [
      ...(i < (s.clicks ?? 0) ? [{ id: `c${i}`, type: 'click', slot: s.slot, at: at + 1000 }] : []),
      ...(i < (s.buyers ?? 0)
        ? [{ id: `p${i}`, type: 'purchase', value: s.value ?? 0, currency: 'EUR', at: at + 1000 }]
        : []),
    ],
  });
}

const now = Date.now();
const today = Math.floor(now / DAY) * DAY;
/** Today's visitors arrive in the last minutes (never before midnight UTC), 50 ms apart. */
const todayAt = (offset: number) => (i: number) =>
  Math.max(today, now - 10 * 60_000) + (offset + i) * 50;
/** The bandit's new visitors per day, oldest first (today last): it moved them to tips-b. */
const BANDIT_DAYS: [number, number, number][] = [
  [20, 20, 20],
  [15, 30, 15],
  [10, 40, 10],
  [6, 50, 6],
  [3, 30, 3],
];
const BANDIT_RATES = [0.05, 0.2, 0.05];

async function seed(db: D1Database): Promise<void> {
  const heroPhase = phaseOf(Experiment.parse(heroTest));
  const ab = { experiment: 'hero-test', phase: heroPhase, slot: 'hero', value: 50 };
  await seedArm(db, {
    ...ab,
    arm: 'control',
    visitors: 200,
    clicks: 20,
    buyers: 40,
    at: todayAt(0),
  });
  await seedArm(db, {
    ...ab,
    arm: 'bold',
    visitors: 320,
    clicks: 48,
    buyers: 64,
    at: todayAt(200),
  });
  await seedArm(db, { ...ab, arm: 'calm', visitors: 200, clicks: 4, buyers: 10, at: todayAt(520) });
  const banner = {
    experiment: 'banner-test',
    phase: phaseOf(Experiment.parse(bannerTest)),
    slot: 'banner',
  };
  await seedArm(db, { ...banner, arm: 'control', visitors: 12, clicks: 1, at: todayAt(720) });
  await seedArm(db, { ...banner, arm: 'sale', visitors: 9, clicks: 2, at: todayAt(732) });
  const promo = {
    experiment: 'promo-test',
    phase: phaseOf(Experiment.parse(promoTest)),
    slot: 'promo',
  };
  await seedArm(db, { ...promo, arm: 'control', visitors: 20, clicks: 0, at: todayAt(750) });
  await seedArm(db, { ...promo, arm: 'bright', visitors: 20, clicks: 5, at: todayAt(770) });
  const bandit = {
    experiment: 'tips-bandit',
    phase: phaseOf(Experiment.parse(tipsBandit)),
    slot: 'tips',
  };
  for (const [d, counts] of BANDIT_DAYS.entries()) {
    const daysAgo = BANDIT_DAYS.length - 1 - d;
    for (const [k, visitors] of counts.entries()) {
      const at =
        daysAgo === 0
          ? todayAt(800 + k * 100)
          : (i: number) => today - daysAgo * DAY + 12 * 3600_000 + k * 100_000 + i * 1000;
      const arm = `tips-${'abc'[k]}`;
      await seedArm(db, {
        ...bandit,
        arm,
        visitors,
        clicks: Math.round(visitors * BANDIT_RATES[k]!),
        at,
      });
    }
  }
  const h = { experiment: '_holdout', phase: holdoutPhaseOf(Holdout.parse(holdout)), slot: 'hero' };
  await seedArm(db, {
    ...h,
    arm: 'holdout',
    visitors: 60,
    buyers: 6,
    value: 40,
    at: todayAt(1200),
  });
  await seedArm(db, {
    ...h,
    arm: 'personalized',
    visitors: 540,
    buyers: 81,
    value: 40,
    at: todayAt(1300),
  });
}

const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe('the console’s experiment results in Chromium', () => {
  let site: ConsoleSite;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  let explainFailure = () => {};

  /** The report as the control plane answers it; passing it as ConsoleReport checks the view's type. */
  const report = async (id: string): Promise<ConsoleReport & Report> =>
    site.admin<Report>('GET', `/admin/experiments/${id}/report`);
  const experiment = (id: string) => page.getByRole('article', { name: `Experiment ${id}` });

  /** Opens the Experiments view and the results of one card; answers the card. */
  async function openResults(card: Locator): Promise<Locator> {
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('button', { name: 'Experiments' })
      .click();
    const toggle = card.getByRole('button', { name: /results/ });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await card.getByRole('region', { name: 'Results', exact: true }).waitFor();
    return card;
  }

  /** Each row of a table as the texts of its cells. */
  const rowsOf = async (table: Locator) =>
    Promise.all(
      (await table.locator('tbody tr').all()).map((r) => r.locator('th, td').allInnerTexts()),
    );

  /** The lift chart's drawn numbers and geometry, per arm. */
  async function chartOf(region: Locator) {
    const svg = region.locator('svg.lift-chart');
    const zero = Number(await svg.locator('line.axis').getAttribute('x1'));
    const arms: Record<
      string,
      { low: number; estimate: number; high: number; x1: number; x2: number; cx: number }
    > = {};
    for (const g of await svg.locator('g.lift').all()) {
      const n = async (l: Locator, a: string) => Number(await l.getAttribute(a));
      arms[(await g.getAttribute('data-arm'))!] = {
        low: await n(g, 'data-low'),
        estimate: await n(g, 'data-estimate'),
        high: await n(g, 'data-high'),
        x1: await n(g.locator('line.ci'), 'x1'),
        x2: await n(g.locator('line.ci'), 'x2'),
        cx: await n(g.locator('circle.point'), 'cx'),
      };
    }
    return { zero, arms };
  }

  /**
   * The chart shows each arm's relative lift and interval exactly as the report has them, drawn
   * on one linear scale through 0: the interval's ends and the point sit where the numbers say.
   */
  async function expectChartMatches(region: Locator, r: ConsoleReport) {
    const { zero, arms } = await chartOf(region);
    const withLift = r.arms.filter((a) => a.relativeLift);
    expect(Object.keys(arms).sort()).toEqual(withLift.map((a) => a.arm).sort());
    const scales: number[] = [];
    for (const a of withLift) {
      const drawn = arms[a.arm]!;
      const l = a.relativeLift!;
      expect([drawn.low, drawn.estimate, drawn.high]).toEqual([l.low, l.estimate, l.high]);
      const scale = (drawn.x2 - drawn.x1) / (l.high - l.low);
      scales.push(scale);
      expect(drawn.x1).toBeCloseTo(zero + scale * l.low, 6);
      expect(drawn.cx).toBeCloseTo(zero + scale * l.estimate, 6);
    }
    for (const s of scales) expect(s).toBeCloseTo(scales[0]!, 6);
  }

  beforeAll(async () => {
    site = await startConsoleSite({ body: BODY, seed });
    ({ browser, page, problems, explainFailure } = await openConsole(site, 'ana@shop.test'));
    mkdirSync(RESULTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  it('shows an A/B test’s arms with their rates and its lift with the report’s 95% intervals, in the table and the chart', async () => {
    explainFailure();
    const r = await report('hero-test');
    expect(r.arms.map((a) => [a.arm, a.exposures, a.conversions])).toEqual([
      ['control', 200, 20],
      ['bold', 320, 48],
      ['calm', 200, 4],
    ]);
    const card = await openResults(experiment('hero-test'));
    const results = card.getByRole('region', { name: 'Results', exact: true });
    await results.getByText(r.verdict.message, { exact: true }).waitFor();
    const rows = await rowsOf(results.getByRole('table', { name: 'Results: arms' }));
    expect(rows).toEqual([
      ['control (control)', '200', '20', '10.0%', '—'],
      ['bold', '320', '48', '15.0%', expect.any(String)],
      ['calm', '200', '4', '2.0%', expect.any(String)],
    ]);
    for (const [i, a] of r.arms.entries()) {
      expect(rows[i]![3]).toBe(pct(a.rate));
      if (a.relativeLift) {
        const l = a.relativeLift;
        expect(rows[i]![4]).toBe(`${signed(l.estimate)} (${signed(l.low)} to ${signed(l.high)})`);
      }
    }
    expect(r.arms[1]!.relativeLift!.estimate).toBeCloseTo(0.5, 10);
    await expectChartMatches(results, r);
  });

  it('warns of a sample-ratio mismatch and of guardrails: conversion and revenue per visitor worse than control', async () => {
    explainFailure();
    const r = await report('hero-test');
    expect(r.srm?.mismatch).toBe(true);
    expect(r.verdict.worse).toEqual(['calm']);
    const calm = r.revenue!.arms.find((a) => a.arm === 'calm')!;
    expect(calm.revenuePerVisitorLift!.high).toBeLessThan(0);
    const results = (await openResults(experiment('hero-test'))).getByRole('region', {
      name: 'Results',
      exact: true,
    });
    const alerts = await results.getByRole('alert').allInnerTexts();
    expect(alerts).toEqual([
      `Split: ${r.srm!.warning!}`,
      expect.stringMatching(/^Guardrail: calm converts worse than control: -8\.0 pp \[/),
      expect.stringMatching(
        /^Guardrail: revenue per visitor in calm is lower than in control: -\d+\.\d\d EUR/,
      ),
    ]);
    const l = calm.revenuePerVisitorLift!;
    expect(alerts[2]).toContain(
      `${l.estimate.toFixed(2)} EUR [${l.low.toFixed(2)} EUR, ${l.high.toFixed(2)} EUR]`,
    );
    // Revenue per arm, as the report sums it.
    const revenue = await rowsOf(results.getByRole('table', { name: 'Revenue (EUR)' }));
    expect(revenue.map((row) => row.slice(0, 4))).toEqual(
      r.revenue!.arms.map((a) => [
        `${a.arm}${a.control ? ' (control)' : ''}`,
        String(a.visitors),
        String(a.buyers),
        a.revenue.toFixed(2),
      ]),
    );
    expect(revenue.map((row) => row[3])).toEqual(['2000.00', '3200.00', '500.00']);
  });

  it('says "not enough data yet" below the minimum sample, and draws no lift', async () => {
    explainFailure();
    const r = await report('banner-test');
    expect(r.verdict.status).toBe('not_enough_data');
    const results = (await openResults(experiment('banner-test'))).getByRole('region', {
      name: 'Results',
      exact: true,
    });
    await results.getByText(r.verdict.message, { exact: true }).waitFor();
    expect(r.verdict.message).toMatch(
      /^not enough data yet: every arm needs at least 100 visitors/,
    );
    expect(await rowsOf(results.getByRole('table', { name: 'Results: arms' }))).toEqual([
      ['control (control)', '12', '1', '8.3%', '—'],
      ['sale', '9', '2', '22.2%', 'not enough data yet'],
    ]);
    await results.getByText('No lift to draw yet.').waitFor();
    expect(await results.locator('svg.lift-chart').count()).toBe(0);
  });

  it('gives the absolute difference, and why, when a relative lift cannot be given', async () => {
    explainFailure();
    const r = await report('promo-test');
    const bright = r.arms[1]!;
    expect(bright.relativeLift).toBeUndefined();
    expect(bright.relativeLiftNote).toContain('control has no conversions');
    const a = bright.absoluteLift!;
    const pp = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pp`;
    const results = (await openResults(experiment('promo-test'))).getByRole('region', {
      name: 'Results',
      exact: true,
    });
    expect(await rowsOf(results.getByRole('table', { name: 'Results: arms' }))).toEqual([
      ['control (control)', '20', '0', '0.0%', '—'],
      [
        'bright',
        '20',
        '5',
        '25.0%',
        `${pp(a.estimate)} (${pp(a.low)} to ${pp(a.high)}) (${bright.relativeLiftNote!})`,
      ],
    ]);
    await results.getByText('No lift to draw yet.').waitFor();
  });

  it('draws the bandit’s allocation over time as the allocation route counts it', async () => {
    explainFailure();
    const allocation = await site.admin<ConsoleAllocation>(
      'GET',
      '/admin/console/experiments/tips-bandit/allocation?days=14',
    );
    expect(allocation.days).toHaveLength(14);
    expect(
      allocation.days
        .slice(-5)
        .map((d) => ['tips-a', 'tips-b', 'tips-c'].map((a) => d.arms[a] ?? 0)),
    ).toEqual(BANDIT_DAYS);
    const card = await openResults(experiment('tips-bandit'));
    const section = card.getByRole('region', { name: 'Allocation over time' });
    await section.getByText('Allocation as a table').click();
    const rows = await rowsOf(section.getByRole('table', { name: 'New visitors per arm per day' }));
    expect(rows).toEqual(
      allocation.days.map((d) => {
        const counts = ['tips-a', 'tips-b', 'tips-c'].map((a) => d.arms[a] ?? 0);
        const total = counts.reduce((s, n) => s + n, 0);
        return [d.day, ...counts.map((n) => (total ? `${n} (${pct(n / total)})` : '0'))];
      }),
    );
    // One stacked bar per day, each arm's height in proportion to its visitors (one scale for all).
    const bars = section.locator('svg g');
    expect(await bars.count()).toBe(14);
    const ratios: number[] = [];
    for (const [i, d] of allocation.days.entries()) {
      const heights: number[] = [];
      for (const rect of await bars.nth(i).locator('rect').all())
        heights.push(Number(await rect.getAttribute('height')));
      ['tips-a', 'tips-b', 'tips-c'].forEach((a, k) => {
        const n = d.arms[a] ?? 0;
        if (n) ratios.push(heights[k]! / n);
        else expect(heights[k]).toBe(0);
      });
    }
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0]!, 6);
    await section.getByText('tips-b', { exact: true }).first().waitFor();
  });

  it('shows the holdout’s lift and the revenue personalization added', async () => {
    explainFailure();
    const r = await report('holdout');
    expect(r.arms.map((a) => [a.arm, a.exposures, a.conversions])).toEqual([
      ['holdout', 60, 6],
      ['personalized', 540, 81],
    ]);
    expect(r.revenue?.incremental).toBeDefined();
    const results = (
      await openResults(page.getByRole('article', { name: 'Holdout', exact: true }))
    ).getByRole('region', { name: 'Results', exact: true });
    await results.getByText(r.verdict.message, { exact: true }).waitFor();
    const l = r.arms[1]!.relativeLift!;
    expect(await rowsOf(results.getByRole('table', { name: 'Results: arms' }))).toEqual([
      ['holdout (control)', '60', '6', '10.0%', '—'],
      [
        'personalized',
        '540',
        '81',
        '15.0%',
        `${signed(l.estimate)} (${signed(l.low)} to ${signed(l.high)})`,
      ],
    ]);
    await expectChartMatches(results, r);
    await results.getByText(r.revenue!.incremental!.message, { exact: true }).waitFor();
    expect(r.revenue!.incremental!.message).toMatch(
      /^personalization added 2000\.00 EUR per 1,000 visitors/,
    );
    // Every experiment's results carry the holdout too.
    const within = (await openResults(experiment('hero-test'))).getByRole('region', {
      name: 'Holdout: personalized vs. held out',
    });
    await within.getByText(r.revenue!.incremental!.message, { exact: true }).waitFor();
  });

  it('has no serious accessibility violations (axe-core) with every result open, and no console errors', async () => {
    explainFailure();
    for (const id of ['hero-test', 'banner-test', 'promo-test', 'tips-bandit'])
      await openResults(experiment(id));
    await openResults(page.getByRole('article', { name: 'Holdout', exact: true }));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await experiment('hero-test').screenshot({ path: path.join(RESULTS, 'console-results.png') });
    // On a tablet in portrait: wide tables scroll inside their card, the page never sideways.
    await page.setViewportSize({ width: 768, height: 1024 });
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(problems).toEqual([]);
  });
});
